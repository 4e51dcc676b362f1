using System.Diagnostics.Metrics;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using IngestWorker.IntegrationTests.Infrastructure;
using IngestWorker.Storage;
using IngestWorker.Tests;
using IngestWorker.Triggers;
using Microsoft.Extensions.DependencyInjection;

namespace IngestWorker.IntegrationTests;

/// <summary>
/// In the queue modes the work message is the claim (<see cref="MessageClaim"/>): no claim record,
/// attempts counted by the queue itself, and the state log deciding in order which worker may take
/// a name for new.
/// </summary>
public sealed class QueueMessageClaimTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const int Threshold = 3;

    private static Dictionary<string, string?> Mode(string mode) => new()
    {
        ["ingestWorker:trigger:mode"] = mode,
        ["ingestWorker:trigger:scanLeaseDuration"] = "00:00:15",
        ["ingestWorker:trigger:maxQueuePollingInterval"] = "00:00:00.200",
        ["extensions:blobs:poisonBlobThreshold"] = Threshold.ToString(),
    };

    [Theory]
    [InlineData("queue")]
    [InlineData("eventGrid")]
    public async Task In_the_queue_modes_every_blob_gets_one_outcome_and_no_claim_record_is_written(string mode)
    {
        var containers = new TestContainers(azurite);
        await using var worker = await TestWorker.StartAsync(containers, Mode(mode));
        using var calls = new StorageCallRecorder(worker.Services.GetRequiredService<IMeterFactory>());
        for (var i = 0; i < 12; i++)
        {
            var name = $"claimless/{i:D2}.txt";
            var uploaded = await containers.UploadAsync(name, TestTexts.Article($"claimless-{mode}-{i}"));
            if (mode == "eventGrid")
                await SendEventAsync(containers, name, uploaded);
        }

        var outcomes = await containers.WaitForOutcomesAsync(12);
        await worker.WaitForOutcomeLinesAsync(12);

        Assert.All(outcomes, o => Assert.Equal(containers.Accepted.Name, o.Container));
        Assert.Empty(await NamesAsync(containers.State, "claims/"));
        Assert.DoesNotContain(calls.TakeSnapshot(), c => c.Key.Area.StartsWith("claims", StringComparison.Ordinal) && c.Value > 0);
        // New names on storage the log vouches for: written create-only, never looked up first.
        Assert.Single(await NamesAsync(containers.State, BlobNames.StateCoverage("1")));
        Assert.Equal(12, worker.OutcomeLines().Count);
    }

    [Fact]
    public async Task A_message_whose_blob_kills_every_worker_that_takes_it_ends_in_one_poison_outcome_at_the_threshold_and_its_next_version_replaces_it()
    {
        var containers = new TestContainers(azurite);
        await containers.CreateInputAsync();
        var queue = WorkQueue(containers);
        await queue.CreateIfNotExistsAsync();
        var killer = await containers.UploadAsync("killer.txt", TestTexts.Article("killer"));
        await SendEventAsync(containers, "killer.txt", killer);

        // What a worker SIGKILLed mid-blob leaves: a received message that is never settled and
        // comes back when its visibility lapses. The queue counts the receptions; nothing else does.
        for (var kill = 1; kill <= Threshold; kill++)
        {
            var taken = await ReceiveAsync(queue, TimeSpan.FromSeconds(1));
            Assert.Equal(kill, taken.DequeueCount);
        }
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        await using var worker = await TestWorker.StartAsync(containers, Mode("eventGrid"));
        var poison = await containers.WaitForOutcomeAsync("killer.txt");

        Assert.Equal("failed", poison.GetProperty("status").GetString());
        var error = poison.GetProperty("error");
        Assert.Equal("WorkerStopped", error.GetProperty("type").GetString());
        Assert.Equal(Threshold, error.GetProperty("attempts").GetInt32());
        Assert.Single(await containers.OutcomesAsync());
        await WaitForEmptyAsync(queue);
        var parked = await WorkQueue(containers, poison: true).ReceiveMessagesAsync(10);
        Assert.Single(parked.Value);
        Assert.Empty(await NamesAsync(containers.State, "claims/"));

        // A new version is a new blob with a fresh count: accepted, and the poison outcome of the
        // old one (known to the log, as every outcome is) goes.
        var fixedVersion = await containers.UploadAsync("killer.txt", TestTexts.Article("killer, fixed"));
        await SendEventAsync(containers, "killer.txt", fixedVersion);
        var accepted = await containers.WaitForOutcomeAsync("killer.txt", d => d.GetProperty("status").GetString() == "accepted");
        Assert.Equal(fixedVersion.ETag.ToString("H"), accepted.GetProperty("source").GetProperty("etag").GetString());
        Assert.Equal(containers.Accepted.Name, Assert.Single(await containers.OutcomesAsync()).Container);
    }

    [Fact]
    public async Task A_scanner_message_of_several_blobs_that_comes_back_is_split_into_one_message_per_blob_and_each_gets_its_outcome()
    {
        var containers = new TestContainers(azurite);
        await containers.CreateInputAsync();
        var queue = WorkQueue(containers);
        await queue.CreateIfNotExistsAsync();
        var items = new List<WorkItem>();
        for (var i = 0; i < 3; i++)
        {
            var name = $"split/{i}.txt";
            var uploaded = await containers.UploadAsync(name, TestTexts.Article(name));
            items.Add(new WorkItem(containers.Input.Name, name, uploaded.ETag.ToString("H"), null, null));
        }
        await queue.SendMessageAsync(WorkMessage.For(items));
        // Its first worker died with it.
        Assert.Equal(1, (await ReceiveAsync(queue, TimeSpan.FromSeconds(1))).DequeueCount);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        await using var worker = await TestWorker.StartAsync(containers, Mode("eventGrid"));
        var outcomes = await containers.WaitForOutcomesAsync(3);
        await WaitForEmptyAsync(queue);

        Assert.All(outcomes, o => Assert.Equal(containers.Accepted.Name, o.Container));
        Assert.Contains(worker.Logs.Entries, e => e.Message.Contains("split into 3 messages", StringComparison.Ordinal));
        Assert.Equal(3, worker.OutcomeLines().Count);
    }

    [Fact]
    public async Task Duplicate_events_for_one_version_taken_by_two_workers_at_once_give_one_outcome_written_once()
    {
        var containers = new TestContainers(azurite);
        await using var first = await TestWorker.StartAsync(containers, Mode("eventGrid"));
        await using var second = await TestWorker.StartAsync(containers, Mode("eventGrid"));
        using var firstCalls = new StorageCallRecorder(first.Services.GetRequiredService<IMeterFactory>());
        using var secondCalls = new StorageCallRecorder(second.Services.GetRequiredService<IMeterFactory>());

        var names = Enumerable.Range(0, 6).Select(i => $"dup/{i}.txt").ToList();
        foreach (var name in names)
        {
            var uploaded = await containers.UploadAsync(name, TestTexts.Article(name));
            // Event Grid delivers at least once: the same event, three times over.
            for (var copy = 0; copy < 3; copy++)
                await SendEventAsync(containers, name, uploaded);
        }
        await containers.WaitForOutcomesAsync(names.Count);
        await WaitForEmptyAsync(WorkQueue(containers));
        // A late duplicate, once the outcome stands: looked up, not processed again.
        await SendEventAsync(containers, names[0], (await containers.Input.GetBlobClient(names[0]).GetPropertiesAsync()).Value.ETag.ToString("H"));
        await WaitForEmptyAsync(WorkQueue(containers));

        var outcomes = await containers.OutcomesAsync();
        Assert.Equal(names.Order(), outcomes.Select(o => o.Name[..^".json".Length]).Order());
        Assert.All(outcomes, o => Assert.Equal(containers.Accepted.Name, o.Container));
        var writes = firstCalls.TakeSnapshot().Concat(secondCalls.TakeSnapshot())
            .Where(c => c.Key.Role == "accepted" && c.Key.Operation == "write" && c.Key.Status == 201)
            .Sum(c => c.Value);
        Assert.Equal(names.Count, writes);
        // One summary per document, from whichever attempt wrote it.
        Assert.Equal(names.Count, first.OutcomeLines().Count + second.OutcomeLines().Count);
    }

    [Fact]
    public async Task A_new_version_whose_old_outcome_sits_in_another_container_replaces_it_whichever_worker_takes_it()
    {
        var containers = new TestContainers(azurite);
        await using var first = await TestWorker.StartAsync(containers, Mode("eventGrid"));
        await using var second = await TestWorker.StartAsync(containers, Mode("eventGrid"));
        var names = Enumerable.Range(0, 4).Select(i => $"versions/{i}.txt").ToList();

        foreach (var name in names)
            await SendEventAsync(containers, name, await containers.UploadAsync(name, "Too short."));
        await containers.WaitForOutcomesAsync(names.Count);
        Assert.All(await containers.OutcomesAsync(), o => Assert.Equal(containers.Rejected.Name, o.Container));

        foreach (var name in names)
            await SendEventAsync(containers, name, await containers.UploadAsync(name, TestTexts.Article(name)));
        foreach (var name in names)
            await containers.WaitForOutcomeAsync(name, d => d.GetProperty("status").GetString() == "accepted");
        await WaitForEmptyAsync(WorkQueue(containers));

        var outcomes = await containers.OutcomesAsync();
        Assert.Equal(names.Count, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal(containers.Accepted.Name, o.Container));
    }

    private static QueueClient WorkQueue(TestContainers containers, bool poison = false) =>
        new QueueServiceClient(containers.ConnectionString).GetQueueClient(containers.Input.Name + (poison ? "-work-poison" : "-work"));

    private static Task SendEventAsync(TestContainers containers, string name, BlobContentInfo uploaded) =>
        SendEventAsync(containers, name, uploaded.ETag.ToString("H"));

    private static async Task SendEventAsync(TestContainers containers, string name, string etag)
    {
        var blob = containers.Input.GetBlobClient(name);
        var properties = (await blob.GetPropertiesAsync()).Value;
        var queue = WorkQueue(containers);
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync(WorkMessage.EventGridBlobCreated(blob.Uri, etag, properties.ContentLength, DateTimeOffset.UtcNow));
    }

    private static async Task<Azure.Storage.Queues.Models.QueueMessage> ReceiveAsync(QueueClient queue, TimeSpan visibility)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var received = (await queue.ReceiveMessagesAsync(1, visibility)).Value;
            if (received.Length == 1)
                return received[0];
            Assert.True(DateTime.UtcNow < deadline, "the message did not come back");
            await Task.Delay(100);
        }
    }

    private static async Task WaitForEmptyAsync(QueueClient queue)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the work queue did not empty");
            await Task.Delay(100);
        }
    }

    private static async Task<List<string>> NamesAsync(Azure.Storage.Blobs.BlobContainerClient container, string prefix)
    {
        var names = new List<string>();
        if (!(await container.ExistsAsync()).Value)
            return names;
        await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }))
            names.Add(item.Name);
        return names;
    }
}

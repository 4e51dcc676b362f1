using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Azure.Storage.Queues;
using IngestWorker.IntegrationTests.Infrastructure;
using IngestWorker.Storage;
using IngestWorker.Tests;
using IngestWorker.Telemetry;
using IngestWorker.Triggers;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace IngestWorker.IntegrationTests;

/// <summary>Modes <c>queue</c> (one scanner, every worker consuming) and <c>eventGrid</c>, on Azurite's queues.</summary>
public sealed class QueueTriggerTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private static Dictionary<string, string?> Mode(string mode) => new()
    {
        ["ingestWorker:trigger:mode"] = mode,
        ["ingestWorker:trigger:scanLeaseDuration"] = "00:00:15",
        ["ingestWorker:trigger:maxQueuePollingInterval"] = "00:00:00.200",
    };

    [Fact]
    public async Task In_queue_mode_one_worker_scans_every_worker_consumes_and_a_successor_takes_over_the_scan()
    {
        var containers = new TestContainers(azurite);
        // One blob a message and two at a time: otherwise the scanner's own consumer, woken by its
        // sends, may take 40 quick articles (three messages of up to 16) before the other polls.
        var settings = Mode("queue");
        settings["ingestWorker:trigger:workItemsPerMessage"] = "1";
        settings["extensions:blobs:maxDegreeOfParallelism"] = "2";
        var first = await TestWorker.StartAsync(containers, settings);
        await using var second = await TestWorker.StartAsync(containers, settings);
        for (var i = 0; i < 40; i++)
            await containers.UploadAsync($"wave1/{i % 4}/{i:D3}.txt", TestTexts.Article($"queue-wave1-{i}"));
        var outcomes = await containers.WaitForOutcomesAsync(40);
        Assert.Equal(40, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal(containers.Accepted.Name, o.Container));

        var leaders = new[] { first, second }.Where(w => w.Services.GetRequiredService<ScanLeader>().IsLeader).ToList();
        var leader = Assert.Single(leaders);
        // Both consumed: the work was spread, not done by the scanner alone.
        var processedBy = new[] { first, second }.Select(w => w.OutcomeLines().Count).ToList();
        Assert.All(processedBy, n => Assert.True(n > 0, $"work was not shared: {string.Join(" / ", processedBy)}"));

        // The scanner stops (a clean stop hands its lease over at once); the other scans from its checkpoint.
        var survivor = leader == first ? second : first;
        await leader.StopAsync();
        if (leader == first)
            await first.DisposeAsync();
        else
            await second.DisposeAsync();
        for (var i = 0; i < 10; i++)
            await containers.UploadAsync($"wave2/{i:D3}.txt", TestTexts.Article($"queue-wave2-{i}"));
        outcomes = await containers.WaitForOutcomesAsync(50, TimeSpan.FromSeconds(60));
        Assert.Equal(50, outcomes.Count);
        Assert.True(survivor.Services.GetRequiredService<ScanLeader>().IsLeader);
        // Nothing from the first wave was enqueued again by the new scanner: it started from the checkpoint.
        Assert.True(survivor.Services.GetRequiredService<ScanLeader>().Enqueued <= 10 + 40,
            $"the successor enqueued {survivor.Services.GetRequiredService<ScanLeader>().Enqueued}");
        Assert.Equal(50, first.OutcomeLines().Count + second.OutcomeLines().Count);
        if (leader != first)
            await first.DisposeAsync();
    }

    [Fact]
    public async Task In_event_grid_mode_blob_created_events_are_processed_and_nothing_is_scanned()
    {
        var containers = new TestContainers(azurite);
        await using var worker = await TestWorker.StartAsync(containers, Mode("eventGrid"));
        var queue = new QueueServiceClient(containers.ConnectionString).GetQueueClient(containers.Input.Name + "-work");
        var poison = new QueueServiceClient(containers.ConnectionString).GetQueueClient(containers.Input.Name + "-work-poison");

        var a = await containers.UploadAsync("eg/a.txt", TestTexts.Article("eg-a"));
        var b = await containers.UploadAsync("eg/b.txt", TestTexts.Article("eg-b"));
        var c = await containers.UploadAsync("eg/c.txt", TestTexts.Article("eg-c"));
        await containers.UploadAsync("eg/no-event.txt", TestTexts.Article("eg-none"));
        var account = containers.Input.Uri.ToString().TrimEnd('/');
        // Event Grid schema, as delivered (plain JSON); the same base64-encoded; a CloudEvent.
        await queue.SendMessageAsync(Rehost(BlobEventSamples.EventGridBlobCreated("devstoreaccount1", containers.Input.Name, "eg/a.txt", a.ETag.ToString().Trim('"')), containers));
        await queue.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(
            Rehost(BlobEventSamples.EventGridBlobCreated("devstoreaccount1", containers.Input.Name, "eg/b.txt", b.ETag.ToString().Trim('"')), containers))));
        await queue.SendMessageAsync(BlobEventSamples.CloudEventBlobCreated($"{account}/eg/c.txt", c.ETag.ToString().Trim('"')));
        // Not ours: a deletion, and something nobody can read.
        await queue.SendMessageAsync(BlobEventSamples.CloudEventBlobCreated($"{account}/eg/a.txt", type: "Microsoft.Storage.BlobDeleted"));
        await queue.SendMessageAsync("this is not an event");

        foreach (var name in new[] { "eg/a.txt", "eg/b.txt", "eg/c.txt" })
            Assert.Equal("accepted", (await containers.WaitForOutcomeAsync(name)).GetProperty("status").GetString());
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount < 1 && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        var poisoned = (await poison.ReceiveMessagesAsync(10)).Value;
        Assert.Equal("this is not an event", Assert.Single(poisoned).Body.ToString());
        while ((await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);

        // No event, no work: Event Grid mode never lists the container.
        Assert.Equal(3, (await containers.OutcomesAsync()).Count);
        Assert.Equal(0, worker.Services.GetRequiredService<IWorkerTrigger>().CompletedScans);
    }

    [Fact]
    public async Task In_queue_mode_a_blob_created_event_gets_a_blob_processed_while_the_scanners_listing_is_still_running()
    {
        // Events are the fast path, the scanner's listing the safety net. Here the listing is held
        // before its first blob: a listing of a container so large it has not got anywhere yet.
        var containers = new TestContainers(azurite);
        for (var i = 0; i < 10; i++)
            await containers.UploadAsync($"old/{i:D2}.txt", TestTexts.Article($"queue-events-old-{i}"));
        var heldListing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var listingsBegun = 0;
        await using var worker = await TestWorker.StartAsync(containers, Mode("queue"),
            services => services.AddSingleton<IInputStore>(sp => new HeldFirstListing(ActivatorUtilities.CreateInstance<BlobInputStore>(sp), heldListing.Task, () => Interlocked.Increment(ref listingsBegun))));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Volatile.Read(ref listingsBegun) == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.Equal(1, Volatile.Read(ref listingsBegun));

        var text = TestTexts.Article("queue-events-new");
        var created = await containers.UploadAsync("new/with-event.txt", text);
        var sinceDrop = Stopwatch.StartNew();
        var queue = new QueueServiceClient(containers.ConnectionString).GetQueueClient(containers.Input.Name + "-work");
        var message = WorkMessage.EventGridBlobCreated(containers.Input.GetBlobClient("new/with-event.txt").Uri, created.ETag.ToString(), Encoding.UTF8.GetByteCount(text), created.LastModified);
        await queue.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(message)));
        Assert.Equal("accepted", (await containers.WaitForOutcomeAsync("new/with-event.txt", timeout: TimeSpan.FromSeconds(30))).GetProperty("status").GetString());
        output.WriteLine($"outcome {sinceDrop.Elapsed.TotalSeconds:F2} s after the drop, with the scanner's first listing still held");
        // Picked up through its event alone: the listing has yielded nothing, no scan has completed.
        Assert.Equal(0, worker.Services.GetRequiredService<IWorkerTrigger>().CompletedScans);
        Assert.Single(await containers.OutcomesAsync());

        // The listing goes on: the old blobs are enqueued and processed, and the evented blob, which
        // the listing also meets, is not done again.
        heldListing.SetResult();
        var outcomes = await containers.WaitForOutcomesAsync(11);
        await worker.WaitForScansAsync(2);
        Assert.Equal(11, outcomes.Count);
        Assert.Single(outcomes, o => o.Name.StartsWith("new/with-event.txt", StringComparison.Ordinal));
        await worker.WaitForOutcomeLinesAsync(11);
        Assert.Single(worker.OutcomeLines(), e => e.Message.Contains("new/with-event.txt", StringComparison.Ordinal));
    }

    [Fact]
    public async Task In_event_grid_mode_the_cli_drop_posts_the_event_azurite_cannot_and_refuses_event_in_scan_mode()
    {
        var containers = new TestContainers(azurite);
        await using var worker = await TestWorker.StartAsync(containers, Mode("eventGrid"));
        var file = Path.Combine(Path.GetTempPath(), $"drop-event-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(file, TestTexts.Article("cli-drop-event"));
        try
        {
            var result = await CliProcess.RunAsync(containers, Mode("eventGrid"), "drop", file, "--exit-when-done", "--timeout", "60");
            Assert.True(result.ExitCode == 0, result.Output);
            Assert.Contains("posted a BlobCreated event for each to queue", result.Output, StringComparison.Ordinal);
            Assert.Equal("accepted", (await containers.WaitForOutcomeAsync(Path.GetFileName(file))).GetProperty("status").GetString());
            Assert.Equal(0, worker.Services.GetRequiredService<IWorkerTrigger>().CompletedScans);

            result = await CliProcess.RunAsync(containers, Mode("scan"), "drop", file, "--event");
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("--event needs mode queue or eventGrid", result.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The first listing waits for <paramref name="release"/> before it lists anything.</summary>
    private sealed class HeldFirstListing(IInputStore inner, Task release, Func<int> begin) : IInputStore
    {
        public string ContainerName => inner.ContainerName;

        public async IAsyncEnumerable<InputBlob> ListAsync(Action<DateTimeOffset>? listingStarted, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (begin() == 1)
                await release.WaitAsync(cancellationToken);
            await foreach (var blob in inner.ListAsync(listingStarted, cancellationToken))
                yield return blob;
        }

        public ValueTask<InputRead> ReadAsync(InputBlob input, CancellationToken cancellationToken) => inner.ReadAsync(input, cancellationToken);
    }

    [Fact]
    public async Task Duplicate_blob_created_events_for_one_etag_cost_one_processing_and_events_not_for_new_inputs_are_counted_and_acknowledged()
    {
        var containers = new TestContainers(azurite);
        var queue = new QueueServiceClient(containers.ConnectionString).GetQueueClient(containers.Input.Name + "-work");
        await queue.CreateIfNotExistsAsync();
        var uploaded = await containers.UploadAsync("dup/story.txt", TestTexts.Article("dup-story"));
        var etag = uploaded.ETag.ToString().Trim('"');
        string Event(string id, string container = "") => Rehost(BlobEventSamples.EventGridBlobCreated("devstoreaccount1", container == "" ? containers.Input.Name : container, "dup/story.txt", etag, id), containers);

        // Four deliveries of one version, one batch naming it twice, all sent before the worker
        // starts, so that it receives them together; then a deletion and a write to another container.
        var messages = Enumerable.Range(1, 4).Select(i => Event($"single-{i}")).ToList();
        messages.Add($"[{Event("batch-1").Trim().Trim('[', ']')},{Event("batch-2").Trim().Trim('[', ']')}]");
        messages.Add(BlobEventSamples.CloudEventBlobCreated(containers.Input.Uri.ToString().TrimEnd('/') + "/dup/story.txt", type: "Microsoft.Storage.BlobDeleted"));
        messages.Add(Event("elsewhere", containers.Accepted.Name));
        await Task.WhenAll(messages.Select(m => queue.SendMessageAsync(m)));
        await using var worker = await TestWorker.StartAsync(containers, Mode("eventGrid"));
        using var metrics = new MetricsRecorder(worker.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());

        Assert.Equal("accepted", (await containers.WaitForOutcomeAsync("dup/story.txt")).GetProperty("status").GetString());
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (((await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0 || metrics.Sum(IngestWorkerMetrics.WorkIgnoredName) < 7) && DateTime.UtcNow < deadline)
            await Task.Delay(100);

        // The pipeline ran once: one outcome line, and no attempt that did the work only to find
        // the outcome written meanwhile.
        Assert.Single(worker.OutcomeLines());
        Assert.DoesNotContain(worker.Logs.Entries, e => e.Message.Contains("had its outcome written by another attempt meanwhile", StringComparison.Ordinal));
        Assert.Equal(5, metrics.Sum(IngestWorkerMetrics.WorkIgnoredName, ("kind", IgnoredWork.Duplicate)));
        Assert.Equal(1, metrics.Sum(IngestWorkerMetrics.WorkIgnoredName, ("kind", IgnoredWork.OtherEventType)));
        Assert.Equal(1, metrics.Sum(IngestWorkerMetrics.WorkIgnoredName, ("kind", IgnoredWork.OtherContainer)));
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Single(await containers.OutcomesAsync());
    }

    // The shared event sample names an Azure account URL; point it at this Azurite container.
    private static string Rehost(string eventJson, TestContainers containers) =>
        eventJson.Replace($"https://devstoreaccount1.blob.core.windows.net/{containers.Input.Name}/", containers.Input.Uri.ToString().TrimEnd('/') + "/", StringComparison.Ordinal);
}

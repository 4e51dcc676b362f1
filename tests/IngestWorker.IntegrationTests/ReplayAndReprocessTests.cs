using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using IngestWorker.IntegrationTests.Infrastructure;
using IngestWorker.Options;
using IngestWorker.Storage;
using IngestWorker.Text.Dedup;
using IngestWorker.Text.Dedup.Near;
using IngestWorker.Text.Language;
using IngestWorker.Text.Pipeline;
using IngestWorker.Text.Templates;
using IngestWorker.Text.Tests.Quality;
using IngestWorker.Triggers;
using Microsoft.Extensions.DependencyInjection;

namespace IngestWorker.IntegrationTests;

/// <summary>
/// The operator commands <c>replay</c> and <c>reprocess</c>, run as the real CLI process against
/// storage that real workers left and keep working on.
/// </summary>
public sealed class ReplayAndReprocessTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly Dictionary<string, string?> Scan = new();

    private static Dictionary<string, string?> Mode(string mode, string version = "1") => new()
    {
        ["ingestWorker:trigger:mode"] = mode,
        ["ingestWorker:trigger:maxQueuePollingInterval"] = "00:00:00.200",
        ["ingestWorker:pipeline:version"] = version,
    };

    private static Dictionary<string, string?> Poisoning(Dictionary<string, string?> settings) =>
        new(settings) { ["extensions:blobs:poisonBlobThreshold"] = "2" };

    [Fact]
    public async Task In_scan_mode_a_replayed_blob_is_touched_and_the_running_worker_gives_it_one_outcome()
    {
        var containers = new TestContainers(azurite);
        var stage = new BreakableStage(name => name == "cursed.txt");
        // The CLI runs with the workers' configuration, as an operator would.
        var settings = Poisoning(Scan);
        await using var worker = await TestWorker.StartAsync(containers, settings, stage.Register);
        await containers.CreateInputAsync();
        var cursed = (await containers.Input.GetBlobClient("cursed.txt").UploadAsync(BinaryData.FromString(TestTexts.Article("replay-scan-cursed")),
            new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["origin"] = "crawler-7" } })).Value;
        var fine = await containers.UploadAsync("fine.txt", TestTexts.Article("replay-scan-fine"));
        Assert.Equal("failed", (await containers.WaitForOutcomeAsync("cursed.txt")).GetProperty("status").GetString());
        var fineOutcome = await containers.WaitForOutcomeAsync("fine.txt");
        await worker.WaitForOutcomeLinesAsync(2);
        stage.Breaks = _ => false;   // the fix is deployed

        // Names that are not poisoned are refused, and say what they are instead.
        var result = await CliProcess.RunAsync(containers, settings, "replay", "fine.txt");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("replay: 'fine.txt' is not poisoned: its outcome under pipeline version 1 is accepted", result.Output);
        result = await CliProcess.RunAsync(containers, settings, "replay", "missing.txt");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"replay: there is no blob 'missing.txt' in '{containers.Input.Name}'.", result.Output);
        result = await CliProcess.RunAsync(containers, settings, "replay");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("replay: say which inputs: a blob name, --prefix <p> or --all.", result.Output);

        // A dry run names it and changes nothing.
        var before = await SnapshotAsync(containers);
        result = await CliProcess.RunAsync(containers, settings, "replay", "cursed.txt", "--dry-run");
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Matches(new Regex(@"would replay\s+cursed\.txt  \(2 of 2 attempts used; last error System\.InvalidOperationException: the stage broke on cursed\.txt\)"), result.Output);
        Assert.Matches(new Regex(@"to replay \(dry run\)\s+1\n"), result.Output);
        Assert.Contains("Dry run: nothing was changed.", result.Output);
        Assert.Equal(before, await SnapshotAsync(containers));

        result = await CliProcess.RunAsync(containers, settings, "replay", "cursed.txt");
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("scan mode: each one's metadata is touched", result.Output);
        Assert.Matches(new Regex(@"replayed\s+cursed\.txt  \(2 of 2 attempts used"), result.Output);

        // The running worker lists it as changed (a new ETag), and its one outcome is now accepted.
        var touched = (await containers.Input.GetBlobClient("cursed.txt").GetPropertiesAsync()).Value;
        Assert.NotEqual(cursed.ETag, touched.ETag);
        Assert.Equal("crawler-7", touched.Metadata["origin"]);
        Assert.True(touched.Metadata.ContainsKey("ingestworkerreplayedat"));
        var outcome = await containers.WaitForOutcomeAsync("cursed.txt", d => d.GetProperty("status").GetString() == "accepted");
        Assert.Equal(touched.ETag.ToString("H"), outcome.GetProperty("source").GetProperty("etag").GetString());
        await AssertOneOutcomeAsync(containers, "cursed.txt", containers.Accepted.Name);
        Assert.Equal(3, stage.CallsFor("cursed.txt"));
        Assert.Equal(["accepted"], await ReceiptStatusesAsync(containers, "1", "cursed.txt"));

        // The healthy blob was not touched, and not processed again.
        Assert.Equal(fine.ETag, (await containers.Input.GetBlobClient("fine.txt").GetPropertiesAsync()).Value.ETag);
        Assert.Equal(ProcessedAt(fineOutcome), ProcessedAt(await containers.WaitForOutcomeAsync("fine.txt")));
        Assert.Equal(1, stage.CallsFor("fine.txt"));
    }

    [Fact]
    public async Task In_queue_mode_a_replayed_blob_gets_a_work_message_and_leaves_the_poison_queue()
    {
        var containers = new TestContainers(azurite);
        var queue = Poisoning(Mode(TriggerOptions.QueueMode));
        var stage = new BreakableStage(name => name == "cursed.txt");
        await using var worker = await TestWorker.StartAsync(containers, queue, stage.Register);
        var (work, poison) = Queues(containers);
        var cursed = await containers.UploadAsync("cursed.txt", TestTexts.Article("replay-queue-cursed"));
        Assert.Equal("failed", (await containers.WaitForOutcomeAsync("cursed.txt")).GetProperty("status").GetString());
        await WaitForDepthAsync(poison, 1);
        stage.Breaks = _ => false;

        var result = await CliProcess.RunAsync(containers, new Dictionary<string, string?>(queue) { ["ingestWorker:trigger:queue"] = "no-such-queue" }, "replay", "cursed.txt");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("replay: the work queue 'no-such-queue' does not exist", result.Output);
        Assert.Equal(["failed"], await ReceiptStatusesAsync(containers, "1", "cursed.txt"));

        result = await CliProcess.RunAsync(containers, queue, "replay", "cursed.txt");
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains($"queue mode: each one gets a work message on queue '{work.Name}'", result.Output);
        Assert.Matches(new Regex(@"replayed\s+1\n"), result.Output);
        Assert.Matches(new Regex(@"poison-queue messages removed\s+1\n"), result.Output);

        var outcome = await containers.WaitForOutcomeAsync("cursed.txt", d => d.GetProperty("status").GetString() == "accepted");
        // Same blob version: nothing was touched, the message named it.
        Assert.Equal(cursed.ETag.ToString("H"), outcome.GetProperty("source").GetProperty("etag").GetString());
        Assert.Equal(cursed.ETag, (await containers.Input.GetBlobClient("cursed.txt").GetPropertiesAsync()).Value.ETag);
        await AssertOneOutcomeAsync(containers, "cursed.txt", containers.Accepted.Name);
        Assert.Equal(["accepted"], await ReceiptStatusesAsync(containers, "1", "cursed.txt"));
        Assert.Equal(0, (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        await WaitForDepthAsync(work, 0);
        Assert.Equal(3, stage.CallsFor("cursed.txt"));
    }

    [Fact]
    public async Task A_prefix_replay_sends_back_only_the_poisoned_inputs_under_it_and_each_ends_with_one_outcome()
    {
        var containers = new TestContainers(azurite);
        string[] poisoned = ["bad/1.txt", "bad/2.txt", "bad/forever.txt", "other/3.txt"];
        var stage = new BreakableStage(poisoned.Contains);
        var settings = Poisoning(Scan);
        await using var worker = await TestWorker.StartAsync(containers, settings, stage.Register);
        var uploaded = new Dictionary<string, BlobContentInfo>(StringComparer.Ordinal)
        {
            ["bad/1.txt"] = await containers.UploadAsync("bad/1.txt", TestTexts.Article("replay-prefix-1")),
            ["bad/2.txt"] = await containers.UploadAsync("bad/2.txt", QualityTexts.TooShortBrief),
            ["bad/forever.txt"] = await containers.UploadAsync("bad/forever.txt", TestTexts.Article("replay-prefix-forever")),
            ["other/3.txt"] = await containers.UploadAsync("other/3.txt", TestTexts.Article("replay-prefix-3")),
            ["bad/healthy.txt"] = await containers.UploadAsync("bad/healthy.txt", TestTexts.Article("replay-prefix-healthy")),
        };
        await containers.WaitForOutcomesAsync(5);
        await worker.WaitForOutcomeLinesAsync(5);
        Assert.Equal(4, await containers.Poison.GetBlobsAsync().CountAsync());
        var healthy = await containers.WaitForOutcomeAsync("bad/healthy.txt");
        stage.Breaks = name => name == "bad/forever.txt";   // a fix for all but one

        var before = await SnapshotAsync(containers);
        var result = await CliProcess.RunAsync(containers, settings, "replay", "--prefix", "bad/", "--dry-run");
        Assert.True(result.ExitCode == 0, result.Output);
        foreach (var name in new[] { "bad/1.txt", "bad/2.txt", "bad/forever.txt" })
            Assert.Matches(new Regex(@"would replay\s+" + Regex.Escape(name)), result.Output);
        Assert.DoesNotContain("other/3.txt", result.Output);
        Assert.DoesNotContain("bad/healthy.txt", result.Output);
        Assert.Matches(new Regex(@"poison outcomes examined\s+3\n"), result.Output);
        Assert.Matches(new Regex(@"to replay \(dry run\)\s+3\n"), result.Output);
        Assert.Equal(before, await SnapshotAsync(containers));

        result = await CliProcess.RunAsync(containers, settings, "replay", "--prefix", "bad/");
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Matches(new Regex(@"replayed\s+3\n"), result.Output);
        Assert.Matches(new Regex(@"skipped\s+0\n"), result.Output);

        string EtagNow(string name) => containers.Input.GetBlobClient(name).GetProperties().Value.ETag.ToString("H");
        bool OfCurrentVersion(JsonElement d, string name) => d.GetProperty("source").GetProperty("etag").GetString() == EtagNow(name);
        Assert.Equal("accepted", (await containers.WaitForOutcomeAsync("bad/1.txt", d => OfCurrentVersion(d, "bad/1.txt"))).GetProperty("status").GetString());
        Assert.Equal("rejected", (await containers.WaitForOutcomeAsync("bad/2.txt", d => OfCurrentVersion(d, "bad/2.txt"))).GetProperty("status").GetString());
        // Still broken: poisoned again, with a fresh count and the error of this round.
        var again = await containers.WaitForOutcomeAsync("bad/forever.txt", d => OfCurrentVersion(d, "bad/forever.txt"));
        Assert.Equal("failed", again.GetProperty("status").GetString());
        Assert.Equal(2, again.GetProperty("error").GetProperty("attempts").GetInt32());
        Assert.Equal(4, stage.CallsFor("bad/forever.txt"));

        await AssertOneOutcomeAsync(containers, "bad/1.txt", containers.Accepted.Name);
        await AssertOneOutcomeAsync(containers, "bad/2.txt", containers.Rejected.Name);
        await AssertOneOutcomeAsync(containers, "bad/forever.txt", containers.Poison.Name);
        // Outside the prefix, or not poisoned: as they were.
        var other = await containers.WaitForOutcomeAsync("other/3.txt");
        Assert.Equal(uploaded["other/3.txt"].ETag.ToString("H"), other.GetProperty("source").GetProperty("etag").GetString());
        Assert.Equal(uploaded["other/3.txt"].ETag.ToString("H"), EtagNow("other/3.txt"));
        Assert.Equal(uploaded["bad/healthy.txt"].ETag.ToString("H"), EtagNow("bad/healthy.txt"));
        Assert.Equal(ProcessedAt(healthy), ProcessedAt(await containers.WaitForOutcomeAsync("bad/healthy.txt")));
        Assert.Equal(5, (await containers.OutcomesAsync()).Count);
    }

    [Fact]
    public async Task Reprocess_under_a_new_version_sends_only_the_inputs_without_a_receipt_and_workers_process_them()
    {
        var containers = new TestContainers(azurite);
        string[] news = ["news/1.txt", "news/2.txt", "news/3.txt", "news/4.txt"];
        var uploaded = new Dictionary<string, BlobContentInfo>(StringComparer.Ordinal);
        await using (var worker = await TestWorker.StartAsync(containers, Mode(TriggerOptions.QueueMode, "1")))
        {
            foreach (var name in news.Append("other/1.txt"))
                uploaded[name] = await containers.UploadAsync(name, TestTexts.Article("reprocess-" + name));
            await containers.WaitForOutcomesAsync(5);
            await worker.WaitForOutcomeLinesAsync(5);
        }
        var (work, _) = Queues(containers);

        // Version 2 in Event Grid mode, where nothing lists the container: two inputs get events.
        await using (var worker = await TestWorker.StartAsync(containers, Mode(TriggerOptions.EventGridMode, "2")))
        {
            foreach (var name in news[..2])
            {
                var properties = (await containers.Input.GetBlobClient(name).GetPropertiesAsync()).Value;
                await work.SendMessageAsync(WorkMessage.For(containers.Input.Name, name, properties.ETag.ToString("H"), properties.ContentLength, properties.LastModified));
            }
            foreach (var name in news[..2])
                await containers.WaitForOutcomeAsync(name, d => d.GetProperty("pipeline").GetProperty("version").GetString() == "2");
            await worker.WaitForOutcomeLinesAsync(2);
        }
        await WaitForDepthAsync(work, 0);

        var queue = Mode(TriggerOptions.QueueMode, "2");
        var result = await CliProcess.RunAsync(containers, Mode(TriggerOptions.ScanMode, "2"), "reprocess", "--prefix", "news/");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("reprocess: nothing to do in scan mode. A worker started under pipeline version 2 lists every input", result.Output);
        result = await CliProcess.RunAsync(containers, queue, "reprocess");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("reprocess: say which inputs: --prefix <p> or --all.", result.Output);
        result = await CliProcess.RunAsync(containers, queue, "reprocess", "news/");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("reprocess: unknown argument news/", result.Output);

        result = await CliProcess.RunAsync(containers, queue, "reprocess", "--prefix", "news/", "--dry-run");
        Assert.True(result.ExitCode == 0, result.Output);
        AssertReprocessCounts(result.Output, "to send \\(dry run\\)");
        Assert.Contains("Dry run: nothing was sent.", result.Output);
        Assert.Equal(0, (await work.GetPropertiesAsync()).Value.ApproximateMessagesCount);

        result = await CliProcess.RunAsync(containers, queue, "reprocess", "--prefix", "news/");
        Assert.True(result.ExitCode == 0, result.Output);
        AssertReprocessCounts(result.Output, "work messages sent");
        var sent = (await work.PeekMessagesAsync(32)).Value
            .SelectMany(m => WorkMessage.Parse(m.Body, containers.Input.Name).Items)
            .Select(i => (i.Name, i.ETag)).Order().ToList();
        Assert.Equal(news[2..].Select(n => (n, (string?)uploaded[n].ETag.ToString("H"))).Order().ToList(), sent);

        await using (var worker = await TestWorker.StartAsync(containers, Mode(TriggerOptions.EventGridMode, "2")))
        {
            foreach (var name in news[2..])
                await containers.WaitForOutcomeAsync(name, d => d.GetProperty("pipeline").GetProperty("version").GetString() == "2");
            await worker.WaitForOutcomeLinesAsync(2);
            await WaitForDepthAsync(work, 0);
        }
        foreach (var name in news)
            Assert.Equal(["accepted"], await ReceiptStatusesAsync(containers, "2", name));
        Assert.Empty(await ReceiptStatusesAsync(containers, "2", "other/1.txt"));
        Assert.Equal(5, (await containers.OutcomesAsync()).Count);
    }

    private static void AssertReprocessCounts(string output, string sentLabel)
    {
        Assert.Matches(new Regex(@"inputs\s+4\n"), output);
        Assert.Matches(new Regex(@"with an outcome under version 2\s+2\n"), output);
        Assert.Matches(new Regex(@"without one\s+2\n"), output);
        Assert.Matches(new Regex(sentLabel + @"\s+2\n"), output);
    }

    private static (QueueClient Work, QueueClient Poison) Queues(TestContainers containers)
    {
        var service = new QueueServiceClient(containers.ConnectionString);
        return (service.GetQueueClient(containers.Input.Name + "-work"), service.GetQueueClient(containers.Input.Name + "-work-poison"));
    }

    private static async Task WaitForDepthAsync(QueueClient queue, int depth)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount != depth)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Queue {queue.Name} did not reach depth {depth}.");
            await Task.Delay(100);
        }
    }

    /// <summary>An input's outcome lives in exactly one container.</summary>
    private static async Task AssertOneOutcomeAsync(TestContainers containers, string inputName, string container)
    {
        var outcomes = (await containers.OutcomesAsync()).Where(o => o.Name == inputName + ".json").Select(o => o.Container).ToList();
        Assert.Equal([container], outcomes);
    }

    /// <summary>
    /// Statuses of the outcomes of one input (of any of its versions) written under one pipeline
    /// version, as their metadata says: the receipts of its versions. No receipt blob is ever written.
    /// </summary>
    private static async Task<List<string>> ReceiptStatusesAsync(TestContainers containers, string version, string name)
    {
        Assert.Empty(await containers.State.GetBlobsAsync(new GetBlobsOptions { Prefix = BlobNames.ReceiptsRoot }).ToListAsync());
        var statuses = new List<string>();
        foreach (var outcome in (await containers.OutcomesAsync()).Where(o => o.Name == BlobNames.Output(name)))
        {
            var metadata = (await outcome.Client.GetBlobClient(outcome.Name).GetPropertiesAsync()).Value.Metadata;
            if (metadata[BlobOutcomeWriter.PipelineVersionKey] == version)
                statuses.Add(metadata[BlobOutcomeWriter.StatusKey]);
        }
        return statuses;
    }

    /// <summary>Everything a replay may change: inputs (with ETags), outcomes (the receipts) and claim records (with content).</summary>
    private static async Task<List<string>> SnapshotAsync(TestContainers containers)
    {
        var snapshot = new List<string>();
        foreach (var container in new[] { containers.Input, containers.Accepted, containers.Rejected, containers.Poison })
        {
            if (!(await container.ExistsAsync()).Value)
                continue;
            await foreach (var blob in container.GetBlobsAsync())
                snapshot.Add($"{container.Name}/{blob.Name} {blob.Properties.ETag}");
        }
        await foreach (var blob in containers.State.GetBlobsAsync())
        {
            if (blob.Name.StartsWith("receipts/", StringComparison.Ordinal) || blob.Name.StartsWith("claims/", StringComparison.Ordinal))
                snapshot.Add($"{blob.Name} {(await containers.State.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content}");
        }
        return snapshot;
    }

    private static string ProcessedAt(JsonElement outcome) => outcome.GetProperty("pipeline").GetProperty("processedAt").GetString()!;

    /// <summary>A stage, first in the real pipeline, that throws for the inputs <see cref="Breaks"/> names: a bug, until it is fixed.</summary>
    private sealed class BreakableStage(Func<string, bool> breaks) : IPipelineStage
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

        public Func<string, bool> Breaks { get; set; } = breaks;

        public string Name => "breakable";

        public int CallsFor(string name) => _calls.GetValueOrDefault(name);

        public ValueTask<StageVerdict> ProcessAsync(PipelineDocument document, CancellationToken cancellationToken)
        {
            _calls.AddOrUpdate(document.Source.Name, 1, (_, n) => n + 1);
            if (Breaks(document.Source.Name))
                throw new InvalidOperationException("the stage broke on " + document.Source.Name);
            return ValueTask.FromResult(StageVerdict.Continue);
        }

        public void Register(IServiceCollection services) => services.AddSingleton(sp => new TextPipeline(
            [this, .. TextPipelineBuilder.StandardStages(sp.GetRequiredService<PipelineOptions>(), new PipelineServices(
                sp.GetRequiredService<IExactDuplicateIndex>(), sp.GetRequiredService<ISiteTemplateIndex>(),
                sp.GetRequiredService<ILanguageIdentifier>(), sp.GetRequiredService<INearDuplicateIndex>()))]));
    }
}

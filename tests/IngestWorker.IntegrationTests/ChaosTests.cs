using System.Diagnostics;
using System.Security.Cryptography;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using IngestWorker.IntegrationTests.Infrastructure;
using IngestWorker.Triggers;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace IngestWorker.IntegrationTests;

/// <summary>
/// The promises under the failures a real deployment sees: worker processes killed without
/// warning, and the storage service itself going away and coming back. These run alone, after
/// the other test classes: they load the machine with worker processes of their own.
/// </summary>
[Collection(nameof(ChaosTests))]
public sealed class ChaosTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Thousands_of_files_through_three_worker_processes_one_killed_every_few_seconds_each_get_one_outcome_written_once()
    {
        // 2,500 by default, to keep the suite short; INGESTWORKER_CHAOS_FILES=5000 runs it at the
        // issue's size (about 10 minutes here, with a stall of a few minutes when one in-memory
        // Azurite's single thread saturates as its store grows).
        var files = int.TryParse(Environment.GetEnvironmentVariable("INGESTWORKER_CHAOS_FILES"), out var chosen) ? chosen : 2500;
        var containers = new TestContainers(azurite);
        await containers.CreateInputAsync();
        // No faults: the proxy is the witness of every write the workers make, including those of
        // processes killed a moment later, whose own logs end mid-blob.
        await using var witness = FaultProxy.Start(azurite.ConnectionString);
        var settings = containers.Settings();
        settings["AzureWebJobsStorage"] = witness.ConnectionString;
        settings["ingestWorker:trigger:mode"] = "queue";
        settings["ingestWorker:trigger:scanLeaseDuration"] = "00:00:15";
        settings["ingestWorker:trigger:maxQueuePollingInterval"] = "00:00:00.500";
        // Half the storage calls a file costs: the promises under test do not depend on near-duplicate
        // detection (its own race test is in ScaleAndCrashTests), and the run is long enough as it is.
        settings["ingestWorker:pipeline:nearDuplicates:enabled"] = "false";
        settings["logging:console:formatterName"] = "json";
        settings["logging:console:formatterOptions:includeScopes"] = "true";
        settings["logging:console:formatterOptions:singleLine"] = "true";

        var workers = new List<WorkerProcess>();
        var running = new WorkerProcess[3];
        for (var i = 0; i < running.Length; i++)
            workers.Add(running[i] = WorkerProcess.Start(settings));
        foreach (var worker in running)
            await worker.WaitForOutputAsync("Watching container", TimeSpan.FromSeconds(60));

        var clock = Stopwatch.StartNew();
        var names = Enumerable.Range(0, files).Select(i => $"chaos/{i % 50:D2}/file-{i:D5}.txt").ToList();
        var uploads = Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (name, _) =>
            await containers.UploadAsync(name, TestTexts.Article(name)));

        // One of the three, chosen at random, is killed every 3–6 s and a new one started in its place.
        var random = new Random(7);
        var kills = 0;
        var deadline = DateTime.UtcNow.AddMinutes(30);
        while (true)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(3000, 6000)));
            var done = await CountOutcomesAsync(containers);
            if (done >= files && uploads.IsCompleted)
                break;
            Assert.True(DateTime.UtcNow < deadline, $"only {done} of {files} outcomes after {clock.Elapsed}");
            Progress($"{clock.Elapsed.TotalSeconds:F0} s: {done} outcomes, {kills} kills");
            var victim = random.Next(running.Length);
            running[victim].Kill();
            kills++;
            workers.Add(running[victim] = WorkerProcess.Start(settings));
        }
        await uploads;
        var allDone = clock.Elapsed;

        // Quiet for a while, then stopped: any blob about to be processed a second time would be now.
        var work = new QueueServiceClient(azurite.ConnectionString).GetQueueClient(containers.Input.Name + "-work");
        var poisonQueue = new QueueServiceClient(azurite.ConnectionString).GetQueueClient(containers.Input.Name + "-work-poison");
        var settle = DateTime.UtcNow.AddSeconds(60);
        while ((await work.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0 && DateTime.UtcNow < settle)
            await Task.Delay(500);
        await Task.Delay(TimeSpan.FromSeconds(3));
        foreach (var worker in running)
            worker.Terminate();
        foreach (var worker in running)
            await worker.WaitForExitAsync(TimeSpan.FromSeconds(60));

        var outcomes = await containers.OutcomesAsync();
        var requests = witness.Requests;
        var finished = workers.SelectMany(w => w.SummaryEntries()).ToList();
        output.WriteLine($"{files} files, {kills} kills (SIGKILL), {workers.Count} worker processes started; every outcome after {allDone.TotalSeconds:F0} s");
        output.WriteLine($"outcomes: {string.Join(", ", outcomes.GroupBy(o => o.Container).Select(g => $"{g.Key}: {g.Count()}"))}");
        output.WriteLine($"summary lines: {finished.Count}; finished on a later attempt: {finished.Count(f => f.Attempt > 1)}; storage requests: {requests.Count}");

        // A quiet machine gets through 2,500 files in about 90 s, some 20 kills; fewer than 5 would prove little.
        Assert.True(kills >= 5, $"only {kills} kills: the run was too short to prove anything");
        // Every file has exactly one outcome, and none is a poisoning: no blob was killed so often.
        Assert.Equal(names.Select(n => n + ".json").Order(), outcomes.Select(o => o.Name).Order());
        Assert.DoesNotContain(outcomes, o => o.Container == containers.Poison.Name);
        // Kills landed mid-blob: some blobs were finished by another worker on a later attempt.
        Assert.Contains(finished, f => f.Attempt > 1);

        // Written once: of every upload of an outcome that storage carried out, by any process
        // alive or since killed, there is one per input, and it is what is stored now.
        var outcomeContainers = new[] { containers.Accepted.Name, containers.Rejected.Name, containers.Poison.Name };
        var outcomeWrites = FaultProxy.BlobWrites(requests, outcomeContainers);
        Assert.Equal(files, outcomeWrites.Count);
        var rewritten = outcomeWrites.Where(w => w.Value.Count > 1).Select(w => w.Key).ToList();
        Assert.True(rewritten.Count == 0, $"{rewritten.Count} outputs written more than once, e.g. {string.Join(", ", rewritten.Take(5))}");
        foreach (var outcome in outcomes.Where((_, i) => i % 10 == 0))
        {
            var stored = (await outcome.Client.GetBlobClient(outcome.Name).DownloadContentAsync()).Value.Content.ToArray();
            Assert.Equal(outcomeWrites[outcome.Name].Single(), Convert.ToHexStringLower(SHA256.HashData(stored)));
        }
        // Nothing is left waiting, nothing went to the poison queue.
        Assert.Equal(0, (await work.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.False(await poisonQueue.ExistsAsync() && (await poisonQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0, "messages in the poison queue");
    }

    [Theory]
    [InlineData("scan")]
    [InlineData("queue")]
    public async Task Azurite_stopped_and_started_again_mid_run_the_worker_recovers_by_itself_and_loses_nothing(string mode)
    {
        if (Azurite.IsExternal)
        {
            output.WriteLine($"Not run: {Azurite.ExternalStorageVariable} points the tests at storage they cannot restart.");
            return;
        }
        var location = Directory.CreateTempSubdirectory("ingestworker-azurite-");
        try
        {
            await using var storage = await Azurite.StartOwnAsync(location.FullName);
            var containers = new TestContainers(storage);
            await using var worker = await TestWorker.StartAsync(containers, new Dictionary<string, string?>
            {
                ["ingestWorker:trigger:mode"] = mode,
                ["ingestWorker:trigger:maxQueuePollingInterval"] = "00:00:00.250",
                // Storage is gone for longer than a blob's retries last, so work fails and is tried again later.
                ["retry:attemptTimeout"] = "00:00:02",
            });
            var before = Enumerable.Range(0, 150).Select(i => $"restart/before-{i:D3}.txt").ToList();
            await Parallel.ForEachAsync(before, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (name, _) =>
                await containers.UploadAsync(name, TestTexts.Article(mode + name)));
            await containers.WaitForOutcomesAsync(20, TimeSpan.FromSeconds(60));

            await storage.RestartAsync(downtime: TimeSpan.FromSeconds(8));
            var after = Enumerable.Range(0, 50).Select(i => $"restart/after-{i:D3}.txt").ToList();
            await Parallel.ForEachAsync(after, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (name, _) =>
                await containers.UploadAsync(name, TestTexts.Article(mode + name)));
            await containers.WaitForOutcomesAsync(200, TimeSpan.FromSeconds(150));
            var scans = worker.Services.GetRequiredService<IWorkerTrigger>().CompletedScans;
            await Task.Delay(TimeSpan.FromSeconds(2));
            await worker.StopAsync();

            var outcomes = await containers.OutcomesAsync();
            var storageWarnings = worker.Logs.Entries.Count(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
            output.WriteLine($"{mode}: {outcomes.Count} outcomes, {storageWarnings} warnings while storage was away, {scans} scans");
            Assert.Equal(before.Concat(after).Select(n => n + ".json").Order(), outcomes.Select(o => o.Name).Order());
            Assert.All(outcomes, o => Assert.Equal(containers.Accepted.Name, o.Container));
            // No blob was finished twice. A blob may have no line of its own: when storage went
            // down just after writing its outcome, the worker never heard so, and the next try found
            // the outcome (its metadata, the receipt, is checked below).
            var finished = worker.OutcomeLines().Select(l => (string)l.Scope["BlobName"]!).ToList();
            Assert.Equal(finished.Distinct().Count(), finished.Count);
            Assert.InRange(finished.Count, outcomes.Count - 16, outcomes.Count);
            foreach (var outcome in outcomes)
            {
                var input = (await containers.Input.GetBlobClient(outcome.Name[..^".json".Length]).GetPropertiesAsync()).Value;
                var written = (await outcome.Client.GetBlobClient(outcome.Name).GetPropertiesAsync()).Value;
                Assert.Equal(input.ETag.ToString().Trim('"'), written.Metadata["sourceetag"]);
            }
            // The outcome is the receipt: no receipt blob is written.
            Assert.Equal(0, await containers.State.GetBlobsAsync(new GetBlobsOptions { Prefix = "receipts/" }).CountAsync());
            // The outage was noticed (and logged), yet the worker never stopped.
            Assert.True(storageWarnings > 0, "no warning was logged while storage was down");
        }
        finally
        {
            location.Delete(recursive: true);
        }
    }

    // xunit shows a test's output only at its end; a run of minutes can be followed in this file.
    private static void Progress(string line)
    {
        if (Environment.GetEnvironmentVariable("INGESTWORKER_TEST_PROGRESS") is { Length: > 0 } path)
            File.AppendAllText(path, line + Environment.NewLine);
    }

    private static async Task<int> CountOutcomesAsync(TestContainers containers)
    {
        var count = 0;
        foreach (var container in new[] { containers.Accepted, containers.Rejected, containers.Poison })
        {
            if (!await container.ExistsAsync())
                continue;
            await foreach (var page in container.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.None }).AsPages(pageSizeHint: 5000))
                count += page.Values.Count;
        }
        return count;
    }
}

[CollectionDefinition(nameof(ChaosTests), DisableParallelization = true)]
public sealed class ChaosTestsCollection;

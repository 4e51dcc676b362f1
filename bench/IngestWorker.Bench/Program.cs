using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using IngestWorker.Triggers;

// dotnet run -c Release --project bench/IngestWorker.Bench -- [--files 1000] [--rounds 3] [--trickle 200] [--rate 10] [--near on|off]
//     [--mode scan|queue|eventGrid[,...]] [--processes 1[,2,3]]
//
// Each round:
//   raw      on a fresh in-memory Azurite, upload N small files, then download them, 8 at a time:
//            the storage ceiling for "one upload + one download per file", which any worker on this
//            Azurite must stay under. Measured once per round; every cell of the round is compared
//            with it;
// then for every trigger mode and process count (a "cell"), on another fresh Azurite (so that no
// blob, queue message or scanner lease of an earlier cell is listed, polled or raced for):
//   burst    that many worker processes (Release build, the repository's host.json apart from
//            container names and the mode) running; N files dropped at once, 8 uploads at a time.
//            Latency = the output's pipeline.processedAt − the upload's completion (one clock: same
//            machine), which leaves out only the output write itself (one storage call); throughput
//            = N / (last processedAt − first upload started). Outputs are read after the run, so
//            measuring does not load Azurite while the workers run;
//   trickle  M files dropped at a steady rate (fresh containers and fresh processes): the detection
//            latency of workers that are not saturated, as long as --rate stays well below the burst
//            rate (on a loaded machine that can be a few files per second).
// Every run also counts, from the workers' outcome log lines, blobs done twice and outcomes reached
// on a retry; checks that no work message is left and none was poisoned; and measures the CPU used
// by Azurite, the workers, the bench and the rest of the machine.
// Without --mode and --processes: scan mode, one process, and the table this bench always printed.
// In eventGrid mode nothing lists the container, so the bench plays Event Grid: once an upload
// completes it posts a BlobCreated event (Event Grid schema, one event per message, base64-encoded,
// as Event Grid delivers to a storage queue) to the work queue. Its latency therefore includes that
// post, as in Azure it would include Event Grid's delivery delay (not modelled here).
// Figures are medians over rounds; the machine is shared and noisy, so ratios matter more. Cells are
// rotated from round to round, so that drift does not always favour the same one.

var options = new BenchArgs(args);
var files = options.Int("--files", 1000);
var rounds = options.Int("--rounds", 3);
var trickle = options.Int("--trickle", 200);
var rate = options.Int("--rate", 10);
// Near-duplicate detection costs a band walk (14 conditional creates) per accepted document.
var near = options.Text("--near") ?? "on";
var modes = options.List("--mode", Modes.Scan).ToArray();
var processCounts = options.List("--processes", "1").Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToList();
if (modes.Length == 0 || modes.Any(m => !Modes.All.Contains(m)))
{
    Console.Error.WriteLine($"--mode takes {string.Join(", ", Modes.All)} (or a comma-separated list of them), not '{string.Join(",", modes)}'.");
    return 2;
}
if (processCounts.Count == 0 || processCounts.Any(n => n < 1))
{
    Console.Error.WriteLine("--processes takes a comma-separated list of counts of at least 1, e.g. 1,2,3.");
    return 2;
}
var root = BenchSupport.FindRoot();
if (BenchSupport.BuiltWorkerDll(root) is not { } workerDll)
    return 1;
var hostJson = Path.Combine(root, "host.json");
using var killOnExit = Children.KillOnExit(PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP);

var cells = modes.SelectMany(mode => processCounts.Select(n => new Cell(mode, n))).ToList();
var results = new List<CellResult>();
var raws = new List<double>();
try
{
    for (var round = 1; round <= rounds; round++)
    {
        double raw;
        await using (var azurite = await Azurite.StartAsync(root))
            raw = await RawThroughputAsync(new BlobServiceClient(azurite.ConnectionString), files);
        raws.Add(raw);
        Console.Error.WriteLine($"round {round}: raw {raw:F0} files/s");
        var shift = (round - 1) % cells.Count;
        foreach (var cell in cells.Skip(shift).Concat(cells.Take(shift)))
        {
            await using var azurite = await Azurite.StartAsync(root);
            var burst = await WorkerRunAsync(azurite, workerDll, hostJson, cell, files, ratePerSecond: null, near);
            Console.Error.WriteLine($"round {round} {cell}: burst {Rate(burst.Throughput)} files/s ({burst.Throughput / raw:P0} of raw), p50 {burst.P50:F0} ms, p99 {burst.P99:F0} ms; CPU {burst.Cpu}; {burst.Checks}");
            RunResult? slow = null;
            if (trickle > 0)
            {
                slow = await WorkerRunAsync(azurite, workerDll, hostJson, cell, trickle, ratePerSecond: rate, near);
                Console.Error.WriteLine($"round {round} {cell}: trickle p50 {slow.P50:F0} ms, p99 {slow.P99:F0} ms, max {slow.Max:F0} ms; CPU {slow.Cpu}; {slow.Checks}");
            }
            results.Add(new CellResult(round, cell, raw, burst, slow));
        }
    }
}
catch (Exception e)
{
    Console.Error.WriteLine($"The benchmark failed: {e}");
    return 1;
}
finally
{
    Children.KillAll();
}

// Under load the rates fall to a few files per second, where a whole number hides differences.
static string Rate(double value) => value.ToString(value < 20 ? "F1" : "F0", CultureInfo.InvariantCulture);

static string Ms(double? value) => value is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : "–";

if (cells.Count == 1)
{
    // One cell: the table this benchmark has always printed.
    var only = cells[0];
    string Median(Func<CellResult, double?> pick) =>
        results.Select(pick).All(v => v is not null) ? Stats.Median(results.Select(r => pick(r)!.Value).ToList()).ToString("F0", CultureInfo.InvariantCulture) : "–";
    var label = only == new Cell(Modes.Scan, 1) ? "" : $"; {only}";
    Console.WriteLine($"| measure ({files} files burst, {trickle} files trickle at {rate}/s; near duplicates {near}{label}; median of {rounds} rounds) | value |");
    Console.WriteLine("|---|---|");
    Console.WriteLine($"| raw Azurite upload+download, 8 concurrent | {Median(r => r.Raw)} files/s |");
    Console.WriteLine($"| worker burst throughput (drop → output) | {Median(r => r.Burst.Throughput)} files/s |");
    Console.WriteLine($"| worker / raw | {Stats.Median(results.Select(r => r.Burst.Throughput / r.Raw).ToList()):P0} |");
    Console.WriteLine($"| burst latency p50 / p99 | {Median(r => r.Burst.P50)} ms / {Median(r => r.Burst.P99)} ms |");
    Console.WriteLine($"| trickle latency p50 / p99 / max | {Median(r => r.Trickle?.P50)} ms / {Median(r => r.Trickle?.P99)} ms / {Median(r => r.Trickle?.Max)} ms |");
    Console.WriteLine($"| burst CPU, cores: Azurite / workers / bench / other | {string.Join(" / ", new Func<CpuUse, double>[] { c => c.Azurite, c => c.Workers, c => c.Bench, c => c.Other }.Select(f => Stats.Median(results.Select(r => f(r.Burst.Cpu)).ToList()).ToString("F2", CultureInfo.InvariantCulture)))} |");
    Console.WriteLine($"| checks (all rounds) | {Checks.Sum(results.SelectMany(r => r.Runs))} |");
    return 0;
}

Console.WriteLine($"Worker end to end on Azurite: {files:N0}-file burst, {(trickle > 0 ? $"{trickle:N0}-file trickle at {rate}/s" : "no trickle")}; " +
    $"near duplicates {near}; median of {rounds} rounds. Raw Azurite upload + download, 8 concurrent: {Stats.Median(raws):F0} files/s " +
    $"(rounds {string.Join(" / ", raws.Select(r => r.ToString("F0", CultureInfo.InvariantCulture)))}).");
Console.WriteLine();
Console.WriteLine("| mode | processes | burst files/s (per round) | worker / raw (same round) | vs 1 process (same round) | burst p50 / p99 ms | trickle p50 / p99 / max ms | burst CPU, cores: Azurite / workers / other | checks (all rounds) |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
foreach (var cell in cells)
{
    var mine = results.Where(r => r.Cell == cell).OrderBy(r => r.Round).ToList();
    double Med(Func<CellResult, double> pick) => Stats.Median(mine.Select(pick).ToList());
    var perRound = string.Join(" / ", mine.Select(r => Rate(r.Burst.Throughput)));
    var trickleCell = mine.All(r => r.Trickle is not null)
        ? $"{Ms(Med(r => r.Trickle!.P50))} / {Ms(Med(r => r.Trickle!.P99))} / {Ms(Med(r => r.Trickle!.Max))}"
        : "–";
    // Raw is a few seconds' snapshot of a machine whose load swings; the same mode with one process,
    // measured minutes away in the same round, is the steadier yardstick for scaling.
    var single = mine.Select(r => results.FirstOrDefault(o => o.Round == r.Round && o.Cell == cell with { Processes = 1 })).ToList();
    var scaling = single.All(o => o is not null)
        ? Stats.Median(mine.Zip(single, (r, one) => r.Burst.Throughput / one!.Burst.Throughput).ToList()).ToString("F2", CultureInfo.InvariantCulture) + "×"
        : "–";
    var cpu = FormattableString.Invariant($"{Med(r => r.Burst.Cpu.Azurite):F2} / {Med(r => r.Burst.Cpu.Workers):F2} / {Med(r => r.Burst.Cpu.Other):F2}");
    Console.WriteLine($"| {cell.Mode} | {cell.Processes} | **{Rate(Med(r => r.Burst.Throughput))}** ({perRound}) | {Med(r => r.Burst.Throughput / r.Raw):P0} | {scaling} | " +
        $"{Ms(Med(r => r.Burst.P50))} / {Ms(Med(r => r.Burst.P99))} | {trickleCell} | {cpu} | {Checks.Sum(mine.SelectMany(r => r.Runs))} |");
}
return 0;

static async Task<double> RawThroughputAsync(BlobServiceClient service, int count)
{
    var container = service.GetBlobContainerClient("raw-" + Guid.NewGuid().ToString("N")[..8]);
    await container.CreateAsync();
    var names = Enumerable.Range(0, count).Select(i => $"raw/{i:D5}.txt").ToList();
    var clock = Stopwatch.StartNew();
    await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (name, ct) =>
        await container.GetBlobClient(name).UploadAsync(BinaryData.FromString(BenchSupport.Article(name)), overwrite: true, ct));
    await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (name, ct) =>
        await container.GetBlobClient(name).DownloadContentAsync(ct));
    return count / clock.Elapsed.TotalSeconds;
}

static async Task<RunResult> WorkerRunAsync(Azurite azurite, string workerDll, string hostJson, Cell cell, int count, int? ratePerSecond, string near)
{
    var connectionString = azurite.ConnectionString;
    var service = new BlobServiceClient(connectionString);
    var prefix = "b" + Guid.NewGuid().ToString("N")[..8];
    var input = service.GetBlobContainerClient(prefix + "-incoming");
    var accepted = service.GetBlobContainerClient(prefix + "-cleaned");
    var rejected = service.GetBlobContainerClient(prefix + "-rejected");
    var poisoned = service.GetBlobContainerClient(prefix + "-poison");
    await input.CreateAsync();
    await accepted.CreateIfNotExistsAsync();
    // The worker's default work queue name, derived from the input container.
    var queues = new QueueServiceClient(connectionString);
    var workQueue = queues.GetQueueClient(input.Name + "-work");
    var poisonQueue = queues.GetQueueClient(input.Name + "-work-poison");
    // The first event may be posted before any worker has created the queue.
    if (cell.Mode == Modes.EventGrid)
        await workQueue.CreateIfNotExistsAsync();

    var workers = new List<WorkerProcess>();
    try
    {
        for (var i = 0; i < cell.Processes; i++)
            workers.Add(StartWorker(workerDll, hostJson, connectionString, prefix, cell.Mode, near));
        await Task.WhenAll(workers.Select(w => w.Ready)).WaitAsync(TimeSpan.FromSeconds(120));

        var uploaded = new Dictionary<string, DateTimeOffset>();
        var names = Enumerable.Range(0, count).Select(i => $"in/{i / 100:D2}/{i:D5}.txt").ToList();
        async Task<DateTimeOffset> DropAsync(string name, CancellationToken ct)
        {
            var blob = input.GetBlobClient(name);
            var content = BinaryData.FromString(BenchSupport.Article(name));
            var created = (await blob.UploadAsync(content, ct)).Value;
            var completed = DateTimeOffset.UtcNow;
            if (cell.Mode == Modes.EventGrid)
            {
                // Event Grid base64-encodes what it delivers to a storage queue (it once sent plain
                // text: MicrosoftDocs/azure-docs#102923); the worker reads both.
                var message = WorkMessage.EventGridBlobCreated(blob.Uri, created.ETag.ToString(), content.ToMemory().Length, completed);
                await workQueue.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(message)), ct);
            }
            return completed;
        }

        var cpu = CpuMeter.Start(azurite, workers);
        var started = DateTimeOffset.UtcNow;
        if (ratePerSecond is { } rate)
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < names.Count; i++)
            {
                var wait = TimeSpan.FromSeconds((double)i / rate) - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait);
                uploaded[names[i]] = await DropAsync(names[i], CancellationToken.None);
            }
        }
        else
        {
            await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (name, ct) =>
            {
                var completed = await DropAsync(name, ct);
                lock (uploaded)
                    uploaded[name] = completed;
            });
        }

        // Wait for all outputs with a slow poll (a fast one would compete with the workers for Azurite).
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (await CountAsync(accepted) < count)
        {
            if (workers.FirstOrDefault(w => w.HasExited) is { } dead)
                throw new InvalidOperationException($"Worker process {dead.Id} exited (code {dead.ExitCode}) before every output was written.");
            var failedSoFar = await CountAsync(rejected) + await CountAsync(poisoned);
            if (DateTime.UtcNow > deadline || failedSoFar > 0)
            {
                var example = await FirstReasonAsync(rejected) ?? await FirstReasonAsync(poisoned) ?? "";
                throw new TimeoutException($"{await CountAsync(accepted)} of {count} outputs were accepted, {await CountAsync(rejected)} rejected, " +
                    $"{await CountAsync(poisoned)} poisoned; the benchmark expects every article accepted.{example}");
            }
            await Task.Delay(1000);
        }

        var used = cpu.Stop();

        var processedAt = new Dictionary<string, DateTimeOffset>();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (name, ct) =>
        {
            var content = (await accepted.GetBlobClient(name + ".json").DownloadContentAsync(ct)).Value.Content;
            using var json = JsonDocument.Parse(content.ToMemory());
            var at = json.RootElement.GetProperty("pipeline").GetProperty("processedAt").GetDateTimeOffset();
            lock (processedAt)
                processedAt[name] = at;
        });
        var latencies = names.Select(n => (processedAt[n] - uploaded[n]).TotalMilliseconds).Order().ToList();
        var last = processedAt.Values.Max();

        var checks = await CheckAsync(workers, count, cell.Mode == Modes.Scan ? null : (workQueue, poisonQueue));
        return new RunResult(
            count / (last - started).TotalSeconds,
            Stats.Percentile(latencies, 0.50),
            Stats.Percentile(latencies, 0.99),
            latencies[^1],
            used,
            checks);
    }
    finally
    {
        foreach (var worker in workers)
            worker.Dispose();
    }
}

// What went wrong without failing the run: a blob processed twice, an attempt retried, a message
// left behind or poisoned, a worker warning. Read from each worker's outcome log lines and the queues.
static async Task<Checks> CheckAsync(List<WorkerProcess> workers, int count, (QueueClient Work, QueueClient Poison)? queues)
{
    // A blob's outcome line follows its outcome write by a moment.
    var settle = Stopwatch.StartNew();
    while (workers.Sum(w => w.OutcomeCount) < count && settle.Elapsed < TimeSpan.FromSeconds(10))
        await Task.Delay(100);
    var outcomes = workers.SelectMany(w => w.Outcomes).ToList();
    var left = 0;
    var poisonMessages = 0;
    if (queues is { } pair)
    {
        var (work, poison) = pair;
        // Deleted just after its outcome, so a message may still be on its way out.
        settle.Restart();
        while ((left = (await work.GetPropertiesAsync()).Value.ApproximateMessagesCount) > 0 && settle.Elapsed < TimeSpan.FromSeconds(15))
            await Task.Delay(250);
        poisonMessages = (await poison.ExistsAsync()).Value ? (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount : 0;
    }
    return new Checks(
        [.. workers.Select(w => w.OutcomeCount)],
        outcomes.Count - outcomes.Select(o => o.Name).Distinct(StringComparer.Ordinal).Count(),
        outcomes.Count(o => o.Attempt > 1),
        left,
        poisonMessages,
        workers.Sum(w => w.Warnings));
}

static async Task<int> CountAsync(BlobContainerClient container)
{
    var n = 0;
    try
    {
        await foreach (var _ in container.GetBlobsAsync())
            n++;
    }
    catch (RequestFailedException e) when (e.Status == 404)
    {
        // Not created yet: nothing in it.
    }
    return n;
}

static async Task<string?> FirstReasonAsync(BlobContainerClient container)
{
    try
    {
        await foreach (var item in container.GetBlobsAsync())
        {
            using var json = JsonDocument.Parse((await container.GetBlobClient(item.Name).DownloadContentAsync()).Value.Content.ToMemory());
            var why = json.RootElement.TryGetProperty("rejection", out var rejection) ? rejection.GetProperty("message").GetString()
                : json.RootElement.TryGetProperty("error", out var error) ? error.GetProperty("message").GetString()
                : null;
            return $" {item.Name}: {why}";
        }
    }
    catch (RequestFailedException e) when (e.Status == 404)
    {
    }
    return null;
}

static WorkerProcess StartWorker(string workerDll, string hostJson, string connectionString, string prefix, string mode, string near)
{
    var info = WorkerConsole.StartInfo(workerDll, hostJson, connectionString, prefix, mode);
    info.Environment["ingestWorker__pipeline__nearDuplicates__enabled"] = near == "off" ? "false" : "true";
    // The outcome lines show how the work was shared, and whether any blob was done twice.
    return new WorkerProcess(Process.Start(info)!);
}

internal static class Modes
{
    public const string Scan = "scan";
    public const string Queue = "queue";
    public const string EventGrid = "eventGrid";
    public static readonly string[] All = [Scan, Queue, EventGrid];
}

internal sealed record Cell(string Mode, int Processes)
{
    public override string ToString() => $"{Mode} × {Processes} process{(Processes == 1 ? "" : "es")}";
}

/// <param name="Outcomes">Outcome log lines per worker process, in start order.</param>
/// <param name="Duplicates">Outcome lines beyond one per blob: blobs processed more than once.</param>
/// <param name="Retried">Outcomes reached on a second or later attempt.</param>
/// <param name="LeftInQueue">Work messages still in the queue once every output was there.</param>
internal sealed record Checks(int[] Outcomes, int Duplicates, int Retried, int LeftInQueue, int PoisonMessages, int Warnings)
{
    public bool Clean => Duplicates == 0 && Retried == 0 && LeftInQueue == 0 && PoisonMessages == 0 && Warnings == 0;

    public override string ToString() =>
        $"outcomes per process {string.Join("/", Outcomes)}; duplicates {Duplicates}, retried {Retried}, left in queue {LeftInQueue}, poison messages {PoisonMessages}, worker warnings {Warnings}";

    public static string Sum(IEnumerable<Checks> all)
    {
        var list = all.ToList();
        if (list.All(c => c.Clean))
            return "clean";
        var parts = new List<string>();
        void Add(int n, string what)
        {
            if (n > 0)
                parts.Add($"{n} {what}");
        }
        Add(list.Sum(c => c.Duplicates), "duplicate outcomes");
        Add(list.Sum(c => c.Retried), "retried");
        Add(list.Sum(c => c.LeftInQueue), "left in queue");
        Add(list.Sum(c => c.PoisonMessages), "poison messages");
        Add(list.Sum(c => c.Warnings), "worker warnings");
        return string.Join(", ", parts);
    }
}

internal sealed record RunResult(double Throughput, double P50, double P99, double Max, CpuUse Cpu, Checks Checks);

/// <summary>CPU used while the files were being dropped and processed, in cores (2.0 = both cores of this machine busy).</summary>
/// <param name="Other">Everything else on the machine: other sessions' builds and tests.</param>
internal sealed record CpuUse(double Azurite, double Workers, double Bench, double Other)
{
    public override string ToString() => FormattableString.Invariant($"Azurite {Azurite:F2}, workers {Workers:F2}, bench {Bench:F2}, other {Other:F2} cores");
}

/// <summary>
/// Who used the CPU during a run: tells an Azurite-bound run (Azurite near one core: Node.js runs
/// its requests on one thread) from a CPU-bound one (the machine's cores all busy) and shows how
/// much other work on the shared machine took.
/// </summary>
internal sealed class CpuMeter
{
    private readonly Process _azurite;
    private readonly List<Process> _workers;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly double _azuriteStart;
    private readonly double _workersStart;
    private readonly double _benchStart;
    private readonly (double Busy, double Total) _machineStart;

    private CpuMeter(Process azurite, List<Process> workers)
    {
        _azurite = azurite;
        _workers = workers;
        _azuriteStart = Seconds(azurite);
        _workersStart = workers.Sum(Seconds);
        _benchStart = Seconds(Process.GetCurrentProcess());
        _machineStart = Machine();
    }

    public static CpuMeter Start(Azurite azurite, IEnumerable<WorkerProcess> workers) => new(azurite.Process, [.. workers.Select(w => w.Process)]);

    public CpuUse Stop()
    {
        var wall = _clock.Elapsed.TotalSeconds;
        var azurite = (Seconds(_azurite) - _azuriteStart) / wall;
        var workers = (_workers.Sum(Seconds) - _workersStart) / wall;
        var bench = (Seconds(Process.GetCurrentProcess()) - _benchStart) / wall;
        var (busy, total) = Machine();
        var machine = (busy - _machineStart.Busy) / (total - _machineStart.Total) * Environment.ProcessorCount;
        return new CpuUse(azurite, workers, bench, Math.Max(0, machine - azurite - workers - bench));
    }

    private static double Seconds(Process process) => ProcessorTime.Seconds(process);

    // The first line of /proc/stat: time every CPU spent per state, in clock ticks.
    private static (double Busy, double Total) Machine()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Sum();
        var idle = fields[3] + fields[4];
        return (total - idle, total);
    }
}

internal sealed record CellResult(int Round, Cell Cell, double Raw, RunResult Burst, RunResult? Trickle)
{
    public IEnumerable<Checks> Runs => Trickle is null ? [Burst.Checks] : [Burst.Checks, Trickle.Checks];
}

/// <summary>Every process the bench started and has not yet stopped.</summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly WorkerConsole _console;
    private readonly List<(string Name, int Attempt)> _outcomes = [];

    public WorkerProcess(Process process)
    {
        Id = process.Id;
        _console = new WorkerConsole(process, $"worker {Id}", Read);
    }

    public int Id { get; }

    public Process Process => _console.Process;

    public Task Ready => _console.Ready;

    public bool HasExited => _console.HasExited;

    public int ExitCode => _console.ExitCode;

    public int OutcomeCount
    {
        get
        {
            lock (_outcomes)
                return _outcomes.Count;
        }
    }

    public IReadOnlyList<(string Name, int Attempt)> Outcomes
    {
        get
        {
            lock (_outcomes)
                return [.. _outcomes];
        }
    }

    public int Warnings => _console.Warnings;

    private void Read(string line)
    {
        if (!WorkerLog.TryParseOutcome(line, out _, out var name, out var attempt))
            return;
        lock (_outcomes)
            _outcomes.Add((name, attempt));
    }

    public void Dispose() => _console.Dispose();
}

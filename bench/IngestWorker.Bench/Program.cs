using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

// dotnet run -c Release --project bench/IngestWorker.Bench -- [--files 1000] [--rounds 3] [--trickle 200] [--rate 10] [--near on|off]
//
// Each round, on one fresh in-memory Azurite:
//   raw      upload N small files, then download them, 8 at a time: the storage ceiling for "one
//            upload + one download per file", which any worker on this Azurite must stay under;
//   burst    the worker (separate process, Release build, default host.json apart from containers)
//            running; N files dropped at once, 8 uploads at a time. Latency = the output's
//            pipeline.processedAt − the upload's completion (one clock: same machine), which leaves
//            out only the output write itself (one storage call); throughput = N / (last
//            processedAt − first upload started). Outputs are read after the run, so measuring
//            does not load Azurite while the worker runs;
//   trickle  M files dropped at a steady rate: the detection latency a lightly loaded worker gives.
// Figures are medians over rounds; the machine is shared and noisy, so ratios matter more.

var files = Option("--files", 1000);
var rounds = Option("--rounds", 3);
var trickle = Option("--trickle", 200);
var rate = Option("--rate", 10);
// Near-duplicate detection costs a band walk (14 conditional creates) per accepted document.
var near = args.SkipWhile(a => a != "--near").Skip(1).FirstOrDefault() ?? "on";
var root = FindRoot();
var workerDll = Path.Combine(root, "src", "IngestWorker", "bin", "Release", "net10.0", "IngestWorker.dll");
if (!File.Exists(workerDll))
{
    Console.Error.WriteLine($"Build the worker first: dotnet build -c Release ({workerDll} is missing).");
    return 1;
}

var results = new List<RoundResult>();
for (var round = 1; round <= rounds; round++)
{
    await using var azurite = await Azurite.StartAsync(root);
    var service = new BlobServiceClient(azurite.ConnectionString);
    var raw = await RawThroughputAsync(service, files);
    Console.Error.WriteLine($"round {round}: raw {raw:F0} files/s");
    var burst = await WorkerRunAsync(service, azurite.ConnectionString, workerDll, files, ratePerSecond: null, near);
    Console.Error.WriteLine($"round {round}: burst {burst.Throughput:F0} files/s, p50 {burst.P50:F0} ms, p99 {burst.P99:F0} ms");
    var slow = await WorkerRunAsync(service, azurite.ConnectionString, workerDll, trickle, ratePerSecond: rate, near);
    Console.Error.WriteLine($"round {round}: trickle p50 {slow.P50:F0} ms, p99 {slow.P99:F0} ms, max {slow.Max:F0} ms");
    results.Add(new RoundResult(raw, burst, slow));
}

string Median(Func<RoundResult, double> pick) => Stats.Median(results.Select(pick).ToList()).ToString("F0", CultureInfo.InvariantCulture);
Console.WriteLine($"| measure ({files} files burst, {trickle} files trickle at {rate}/s; near duplicates {near}; median of {rounds} rounds) | value |");
Console.WriteLine("|---|---|");
Console.WriteLine($"| raw Azurite upload+download, 8 concurrent | {Median(r => r.Raw)} files/s |");
Console.WriteLine($"| worker burst throughput (drop → output) | {Median(r => r.Burst.Throughput)} files/s |");
Console.WriteLine($"| worker / raw | {Stats.Median(results.Select(r => r.Burst.Throughput / r.Raw).ToList()):P0} |");
Console.WriteLine($"| burst latency p50 / p99 | {Median(r => r.Burst.P50)} ms / {Median(r => r.Burst.P99)} ms |");
Console.WriteLine($"| trickle latency p50 / p99 / max | {Median(r => r.Trickle.P50)} ms / {Median(r => r.Trickle.P99)} ms / {Median(r => r.Trickle.Max)} ms |");
return 0;

static async Task<double> RawThroughputAsync(BlobServiceClient service, int count)
{
    var container = service.GetBlobContainerClient("raw-" + Guid.NewGuid().ToString("N")[..8]);
    await container.CreateAsync();
    var names = Enumerable.Range(0, count).Select(i => $"raw/{i:D5}.txt").ToList();
    var clock = Stopwatch.StartNew();
    await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (name, ct) =>
        await container.GetBlobClient(name).UploadAsync(BinaryData.FromString(Article(name)), overwrite: true, ct));
    await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (name, ct) =>
        await container.GetBlobClient(name).DownloadContentAsync(ct));
    return count / clock.Elapsed.TotalSeconds;
}

static async Task<RunResult> WorkerRunAsync(BlobServiceClient service, string connectionString, string workerDll, int count, int? ratePerSecond, string near)
{
    var prefix = "b" + Guid.NewGuid().ToString("N")[..8];
    var input = service.GetBlobContainerClient(prefix + "-incoming");
    var accepted = service.GetBlobContainerClient(prefix + "-cleaned");
    await input.CreateAsync();
    await accepted.CreateIfNotExistsAsync();

    using var worker = StartWorker(workerDll, connectionString, prefix, near);
    await worker.Ready.WaitAsync(TimeSpan.FromSeconds(60));

    var uploaded = new Dictionary<string, DateTimeOffset>();
    var names = Enumerable.Range(0, count).Select(i => $"in/{i / 100:D2}/{i:D5}.txt").ToList();
    var started = DateTimeOffset.UtcNow;
    if (ratePerSecond is { } rate)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < names.Count; i++)
        {
            var wait = TimeSpan.FromSeconds((double)i / rate) - clock.Elapsed;
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait);
            await input.GetBlobClient(names[i]).UploadAsync(BinaryData.FromString(Article(names[i])));
            uploaded[names[i]] = DateTimeOffset.UtcNow;
        }
    }
    else
    {
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (name, ct) =>
        {
            await input.GetBlobClient(name).UploadAsync(BinaryData.FromString(Article(name)), ct);
            lock (uploaded)
                uploaded[name] = DateTimeOffset.UtcNow;
        });
    }

    // Wait for all outputs with a slow poll (a fast one would compete with the worker for Azurite).
    var rejected = service.GetBlobContainerClient(prefix + "-rejected");
    var deadline = DateTime.UtcNow.AddMinutes(5);
    while (await CountAsync(accepted) < count)
    {
        if (DateTime.UtcNow > deadline || await CountAsync(rejected) > 0)
        {
            var example = "";
            await foreach (var item in rejected.GetBlobsAsync())
            {
                using var json = System.Text.Json.JsonDocument.Parse((await rejected.GetBlobClient(item.Name).DownloadContentAsync()).Value.Content.ToMemory());
                example = $" {item.Name}: {json.RootElement.GetProperty("rejection").GetProperty("message").GetString()}";
                break;
            }
            throw new TimeoutException($"{await CountAsync(accepted)} of {count} outputs were accepted, {await CountAsync(rejected)} rejected; the benchmark expects every article accepted.{example}");
        }
        await Task.Delay(1000);
    }

    var processedAt = new Dictionary<string, DateTimeOffset>();
    await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (name, ct) =>
    {
        var content = (await accepted.GetBlobClient(name + ".json").DownloadContentAsync(ct)).Value.Content;
        using var json = System.Text.Json.JsonDocument.Parse(content.ToMemory());
        var at = json.RootElement.GetProperty("pipeline").GetProperty("processedAt").GetDateTimeOffset();
        lock (processedAt)
            processedAt[name] = at;
    });
    var latencies = names.Select(n => (processedAt[n] - uploaded[n]).TotalMilliseconds).Order().ToList();
    var last = processedAt.Values.Max();
    return new RunResult(
        count / (last - started).TotalSeconds,
        Stats.Percentile(latencies, 0.50),
        Stats.Percentile(latencies, 0.99),
        latencies[^1]);
}

static async Task<int> CountAsync(BlobContainerClient container)
{
    var n = 0;
    await foreach (var _ in container.GetBlobsAsync())
        n++;
    return n;
}

static WorkerProcess StartWorker(string workerDll, string connectionString, string prefix, string near)
{
    var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    info.ArgumentList.Add(workerDll);
    info.Environment["AzureWebJobsStorage"] = connectionString;
    info.Environment["ingestWorker__containers__input"] = prefix + "-incoming";
    info.Environment["ingestWorker__containers__accepted"] = prefix + "-cleaned";
    info.Environment["ingestWorker__containers__rejected"] = prefix + "-rejected";
    info.Environment["ingestWorker__containers__poison"] = prefix + "-poison";
    info.Environment["ingestWorker__containers__state"] = prefix + "-state";
    info.Environment["ingestWorker__pipeline__nearDuplicates__enabled"] = near == "off" ? "false" : "true";
    info.Environment["logging__logLevel__default"] = "Warning";
    info.Environment["logging__logLevel__IngestWorker.Triggers"] = "Information";
    return new WorkerProcess(Process.Start(info)!);
}

// A small news-like article (~1 KB). Its words, not only its numbers, differ per name: exact
// dedup must not reject it, and site-template learning (which folds digits) must not take its
// lines for the folder's furniture. So every paragraph draws from at least ~1,000 combinations:
// with fewer, a folder of 100 articles holds the same paragraph several times, and template
// learning rightly removes it as furniture.
static string Article(string name)
{
    string[] places = ["Ashford", "Brampton", "Carlow", "Dunmore", "Elmstead", "Fairhaven", "Glenrock", "Hartwell", "Ivybridge", "Kingsbury", "Larkfield", "Millbrook", "Northgate", "Oakridge", "Pinehurst", "Redcliff"];
    string[] subjects = ["the new library", "the harbour wall", "the bus depot", "the river bridge", "the school roof", "the market square", "the water plant", "the cycle lanes", "the old mill", "the railway crossing"];
    string[] actions = ["approved money for", "postponed work on", "asked for a review of", "voted to sell", "agreed to repair", "rejected plans for"];
    string[] people = ["shopkeepers", "parents", "fishermen", "students", "pensioners", "nurses", "farmers", "teachers"];
    var random = new Random(BitConverter.ToInt32(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(name)), 0));
    string Pick(string[] words) => words[random.Next(words.Length)];
    var text = new StringBuilder();
    text.Append($"{Pick(places)} council {Pick(actions)} {Pick(subjects)}\n\n");
    // Five different sentence frames: one frame repeated would fail the quality stage's repetition rules.
    text.Append($"Councillors in {Pick(places)} {Pick(actions)} {Pick(subjects)} after {Pick(people)} and {Pick(people)} spoke at a long meeting on Tuesday evening. The debate went on until after ten o'clock.\n\n");
    text.Append($"The leader of the council in {Pick(places)} said that {Pick(people)} would be asked again about {Pick(subjects)} before any money is spent. No date has been set for a final vote, {Pick(people)} were told.\n\n");
    text.Append($"Several {Pick(people)} from {Pick(places)} told reporters they had waited years for a decision, while others feared the cost of {Pick(subjects)}.\n\n");
    text.Append($"A report prepared for the meeting found that {Pick(subjects)} needed urgent work, and that delays would only make the repairs to {Pick(subjects)} more expensive. Its authors from {Pick(places)} were not at the meeting.\n\n");
    text.Append($"The next public meeting is planned for the spring, when {Pick(people)} and {Pick(people)} in {Pick(places)} can give their views again.\n\n");
    return text.ToString();
}

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "IngestWorker.sln")))
            return dir.FullName;
    }
    throw new DirectoryNotFoundException("IngestWorker.sln not found");
}

internal sealed record RunResult(double Throughput, double P50, double P99, double Max);

internal sealed record RoundResult(double Raw, RunResult Burst, RunResult Trickle);

internal static class Stats
{
    public static double Percentile(List<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}

internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WorkerProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("Watching container", StringComparison.Ordinal) == true)
                _ready.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("worker: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Task Ready => _ready.Task;

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

internal sealed class Azurite : IAsyncDisposable
{
    private readonly Process _process;

    private Azurite(Process process, string connectionString)
    {
        _process = process;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static async Task<Azurite> StartAsync(string root)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(root, "node_modules", "azurite", "dist", "src", "blob", "main.js"), "--blobHost", "127.0.0.1", "--blobPort", port.ToString(CultureInfo.InvariantCulture), "--inMemoryPersistence", "--disableTelemetry", "--skipApiVersionCheck", "--loose" })
            info.ArgumentList.Add(arg);
        var process = Process.Start(info)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
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
        return new Azurite(process, "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            $"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;");
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

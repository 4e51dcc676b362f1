using System.Diagnostics;
using System.Globalization;
using Azure.Storage.Blobs;

/// <summary>
/// The worker's memory under a burst of worst-case inputs, through the real worker (its own
/// process) against a real Azurite: its peak resident set and GC heap while <c>--count</c> inputs of
/// <c>--size</c> bytes are processed at once, and both again once it has been idle for
/// <c>--idle</c> seconds. Each GC configuration runs on a fresh Azurite with a fresh worker; the
/// configurations are rotated from round to round so that drift does not favour one.
/// </summary>
internal static class BurstMemory
{
    /// <summary>
    /// Named GC configurations, as environment variables (which outrank the worker's
    /// runtimeconfig.json, so every one states each setting). <c>releaseAfterIdle</c> 0 turns off
    /// the worker's release of memory once idle.
    /// </summary>
    public static readonly Dictionary<string, Dictionary<string, string>> Configs = new()
    {
        ["workstation-noidle"] = Gc(server: false, datas: false, conserve: 0, idle: false),
        ["workstation"] = Gc(server: false, datas: false, conserve: 0, idle: true),
        ["workstation-conserve"] = Gc(server: false, datas: false, conserve: 7, idle: true),
        ["server-datas"] = Gc(server: true, datas: true, conserve: 0, idle: true),
        ["server"] = Gc(server: true, datas: false, conserve: 0, idle: true),
    };

    private static Dictionary<string, string> Gc(bool server, bool datas, int conserve, bool idle) => new()
    {
        ["DOTNET_gcServer"] = server ? "1" : "0",
        ["DOTNET_GCDynamicAdaptationMode"] = datas ? "1" : "0",
        ["DOTNET_GCConserveMemory"] = conserve.ToString(CultureInfo.InvariantCulture),
        ["ingestWorker__memory__releaseAfterIdle"] = idle ? "00:00:05" : "00:00:00",
    };

    public static async Task<int> RunAsync(string[] args)
    {
        var size = Args.Int(args, "--size", 10 * 1024 * 1024);
        var count = Args.Int(args, "--count", 16);
        var rounds = Args.Int(args, "--rounds", 3);
        var idleSeconds = Args.Int(args, "--idle", 20);
        var whileWatching = args.Contains("--while-watching");
        var kinds = (Args.Option(args, "--inputs") ?? string.Join(",", HostileInputs.Names)).Split(',');
        var configs = (Args.Option(args, "--configs") ?? string.Join(",", Configs.Keys)).Split(',');
        if (configs.FirstOrDefault(c => !Configs.ContainsKey(c)) is { } unknown)
        {
            Console.Error.WriteLine($"Unknown configuration '{unknown}'; one of {string.Join(", ", Configs.Keys)}.");
            return 2;
        }
        var root = BenchSupport.FindRoot();
        var workerDll = Args.Option(args, "--worker") ?? Path.Combine(root, "src", "IngestWorker", "bin", "Release", "net10.0", "IngestWorker.dll");
        if (!File.Exists(workerDll))
        {
            Console.Error.WriteLine($"Build the worker first: dotnet build -c Release ({workerDll} is missing).");
            return 1;
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Children.KillAll();
        var inputs = Enumerable.Range(0, count).Select(i =>
        {
            var (name, bytes) = HostileInputs.Make(kinds[i % kinds.Length], size, i);
            return ($"burst/{i:D2}-{name}", bytes);
        }).ToList();

        var results = new List<(string Config, BurstResult Result)>();
        try
        {
            for (var round = 1; round <= rounds; round++)
            {
                var shift = (round - 1) % configs.Length;
                foreach (var config in configs.Skip(shift).Concat(configs.Take(shift)))
                {
                    var result = await OneAsync(root, workerDll, Configs[config], inputs, TimeSpan.FromSeconds(idleSeconds), whileWatching);
                    Console.Error.WriteLine($"round {round} {config}: {result}");
                    results.Add((config, result));
                }
            }
        }
        finally
        {
            Children.KillAll();
        }

        Console.WriteLine($"{count} inputs of {size:N0} bytes at once ({string.Join(", ", kinds)}), idle {idleSeconds} s; median of {rounds} rounds; MB.");
        Console.WriteLine();
        Console.WriteLine("| GC configuration | burst s | peak RSS | peak GC heap | peak GC committed | idle RSS | idle GC heap | idle GC committed | full GCs |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var config in configs)
        {
            var mine = results.Where(r => r.Config == config).Select(r => r.Result).ToList();
            string M(Func<BurstResult, double> pick, string format = "F0") =>
                Stats.Median(mine.Select(pick).ToList()).ToString(format, CultureInfo.InvariantCulture);
            Console.WriteLine($"| {config} | {M(r => r.Seconds, "F1")} | {M(r => r.PeakRss / 1e6)} | {M(r => r.PeakHeap / 1e6)} | {M(r => r.PeakCommitted / 1e6)} | " +
                $"{M(r => r.IdleRss / 1e6)} | {M(r => r.IdleHeap / 1e6)} | {M(r => r.IdleCommitted / 1e6)} | {M(r => r.FullGcs)} |");
        }
        return 0;
    }

    private static async Task UploadAsync(Azure.Storage.Blobs.BlobContainerClient input, List<(string Name, byte[] Bytes)> inputs, bool report) =>
        await Parallel.ForEachAsync(inputs, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (item, ct) =>
        {
            var started = DateTimeOffset.UtcNow;
            var uploaded = await input.GetBlobClient(item.Name).UploadAsync(BinaryData.FromBytes(item.Bytes), ct);
            if (report)
            {
                // Last-Modified is whole seconds, so "before the start" can be up to 1 s.
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {item.Name}: upload {started:HH:mm:ss.fff} + {(DateTimeOffset.UtcNow - started).TotalSeconds:F1} s, Last-Modified {uploaded.Value.LastModified:HH:mm:ss} ({(DateTimeOffset.UtcNow - uploaded.Value.LastModified).TotalSeconds:F0} s before the upload's end)"));
            }
        });

    private static async Task<BurstResult> OneAsync(string root, string workerDll, Dictionary<string, string> gc, List<(string Name, byte[] Bytes)> inputs, TimeSpan idle, bool whileWatching)
    {
        await using var azurite = await Azurite.StartAsync(root);
        var service = new BlobServiceClient(azurite.ConnectionString);
        var prefix = "m" + Guid.NewGuid().ToString("N")[..8];
        var input = service.GetBlobContainerClient(prefix + "-incoming");
        await input.CreateAsync();

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(workerDll);
        info.Environment["DOTNET_STARTUP_HOOKS"] = typeof(StartupHook).Assembly.Location;
        info.Environment["INGESTWORKER_HOST_JSON"] = Path.Combine(root, "host.json");
        info.Environment["AzureWebJobsStorage"] = azurite.ConnectionString;
        foreach (var (role, suffix) in new[] { ("input", "incoming"), ("accepted", "cleaned"), ("rejected", "rejected"), ("poison", "poison"), ("state", "state") })
            info.Environment[$"ingestWorker__containers__{role}"] = $"{prefix}-{suffix}";
        info.Environment["ingestWorker__trigger__mode"] = "scan";
        info.Environment["logging__logLevel__default"] = "Warning";
        info.Environment["logging__logLevel__IngestWorker.Triggers"] = "Information";
        info.Environment["logging__logLevel__IngestWorker.Processing.BlobProcessor"] = "Information";
        foreach (var (key, value) in gc)
            info.Environment[key] = value;
        // Uploaded before the worker starts, so that its first listing finds the whole burst. With
        // --while-watching, uploaded once the worker is scanning, each upload's time printed: how
        // the burst found the worker's scans passing over blobs (docs/benchmarks.md).
        if (!whileWatching)
            await UploadAsync(input, inputs, report: false);
        using var worker = new MeasuredWorker(info);
        var clock = Stopwatch.StartNew();
        await worker.Ready.WaitAsync(TimeSpan.FromMinutes(3));
        if (whileWatching)
        {
            await Task.Delay(2000);
            clock.Restart();
            await UploadAsync(input, inputs, report: true);
        }
        var gen2Before = worker.Gen2;
        var deadline = Stopwatch.StartNew();
        while (worker.Outcomes < inputs.Count)
        {
            if (worker.HasExited)
                throw new InvalidOperationException("The worker exited during the burst (out of memory?).");
            if (deadline.Elapsed > TimeSpan.FromMinutes(8))
                throw new TimeoutException($"{worker.Outcomes} of {inputs.Count} outcomes after 8 minutes.");
            await Task.Delay(250);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var (_, peakRss) = worker.Resident();
        var (peakHeap, peakCommitted) = (worker.PeakHeap, worker.PeakCommitted);
        await Task.Delay(idle);
        var (idleRss, _) = worker.Resident();
        return new BurstResult(seconds, peakRss, peakHeap, peakCommitted, idleRss, worker.Heap, worker.Committed, worker.Gen2 - gen2Before);
    }
}

internal sealed record BurstResult(double Seconds, long PeakRss, long PeakHeap, long PeakCommitted, long IdleRss, long IdleHeap, long IdleCommitted, long FullGcs)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Seconds:F1} s; peak RSS {PeakRss / 1e6:F0} MB, GC heap {PeakHeap / 1e6:F0} MB, committed {PeakCommitted / 1e6:F0} MB; idle RSS {IdleRss / 1e6:F0} MB, GC heap {IdleHeap / 1e6:F0} MB, committed {IdleCommitted / 1e6:F0} MB; {FullGcs} full GCs");
}

using System.Globalization;
using IngestWorker.Text.Output;
using IngestWorker.Text.Pipeline;

/// <summary>Allocated bytes and live heap per pipeline stage for each hostile input, in this process.</summary>
internal static class StageMemory
{
    public static async Task<int> RunAsync(string[] args)
    {
        var size = Args.Int(args, "--size", 10 * 1024 * 1024);
        var kinds = (Args.Option(args, "--inputs") ?? string.Join(",", HostileInputs.Names)).Split(',');
        var options = new PipelineOptions { MaxInputBytes = long.MaxValue };
        Console.WriteLine($"| input ({size:N0} bytes) | stage | allocated MB | allocated / input | peak heap during, MB | live after, MB | ms |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var kind in kinds)
            await MeasureAsync(kind, size, options);
        return 0;
    }

    // Its own method so that one input's document is garbage before the next is measured.
    private static async Task MeasureAsync(string kind, int size, PipelineOptions options)
    {
        {
            var (name, bytes) = HostileInputs.Make(kind, size);
            Collect();
            var baseline = GC.GetTotalMemory(false);
            var stages = TextPipelineBuilder.StandardStages(options, PipelineServices.InMemory());
            var document = new PipelineDocument(new DocumentSource("incoming", name, "\"e\"", bytes.Length), bytes);
            long total = 0;
            Rejection? rejected = null;
            foreach (var stage in stages)
            {
                Collect();
                var before = GC.GetTotalAllocatedBytes(precise: true);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                StageVerdict verdict;
                long peak;
                using (var sampler = new HeapSampler())
                {
                    verdict = await stage.ProcessAsync(document, CancellationToken.None);
                    peak = sampler.Peak;
                }
                var ms = clock.ElapsedMilliseconds;
                var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
                total += allocated;
                Collect();
                Row(kind, stage.Name, allocated, bytes.Length, peak - baseline, GC.GetTotalMemory(false) - baseline, ms);
                if (verdict.IsRejected)
                {
                    rejected = verdict.Rejection;
                    break;
                }
            }
            var factory = new OutputDocumentFactory(options, TimeProvider.System);
            Collect();
            var start = GC.GetTotalAllocatedBytes(precise: true);
            var output = factory.FromResult(new PipelineResult(document, rejected, [], [], []));
            var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(output, OutputJsonContext.Default.OutputDocument);
            var outAllocated = GC.GetTotalAllocatedBytes(precise: true) - start;
            total += outAllocated;
            Row(kind, $"output ({json.Length / 1e6:F1} MB JSON)", outAllocated, bytes.Length, 0, GC.GetTotalMemory(false) - baseline, 0);
            Row(kind, $"**total** ({rejected?.Code ?? "accepted"})", total, bytes.Length, 0, 0, 0);
            GC.KeepAlive(document);
        }
    }

    private static void Row(string kind, string stage, long allocated, int size, long peak, long live, long ms) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {kind} | {stage} | {allocated / 1e6:F1} | {(double)allocated / size:F1}× | {peak / 1e6:F1} | {live / 1e6:F1} | {ms} |"));

    private static void Collect()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }
}

/// <summary>
/// The heap's high-water mark while a stage runs, garbage included (what the process must hold),
/// sampled every millisecond from another thread; heap sizes are relative to the input's baseline.
/// </summary>
internal sealed class HeapSampler : IDisposable
{
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _peak;

    public HeapSampler()
    {
        _peak = GC.GetTotalMemory(false);
        _thread = new Thread(() =>
        {
            while (!_stop)
            {
                var now = GC.GetTotalMemory(false);
                if (now > Interlocked.Read(ref _peak))
                    Interlocked.Exchange(ref _peak, now);
                Thread.Sleep(1);
            }
        }) { IsBackground = true };
        _thread.Start();
    }

    public long Peak => Math.Max(Interlocked.Read(ref _peak), GC.GetTotalMemory(false));

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

/// <summary>
/// The worker as its own process, with the bench's startup hook reporting its GC heap; its peak
/// and current resident set come from /proc.
/// </summary>
internal sealed class MeasuredWorker : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _heap, _peakHeap, _committed, _peakCommitted, _gen2;
    private int _outcomes;

    public MeasuredWorker(ProcessStartInfo info)
    {
        _process = Process.Start(info)!;
        Children.Track(_process);
        _process.EnableRaisingEvents = true;
        _process.Exited += (_, _) => _ready.TrySetException(new InvalidOperationException("The worker exited before it was watching its container."));
        _process.OutputDataReceived += (_, e) => Read(e.Data);
        _process.ErrorDataReceived += (_, e) => Read(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Task Ready => _ready.Task;

    /// <summary>Where the worker's own lines go (not the hook's), when set: $MEMORYBENCH_WORKER_LOG.</summary>
    private static readonly StreamWriter? Log = Environment.GetEnvironmentVariable("MEMORYBENCH_WORKER_LOG") is { Length: > 0 } path
        ? new StreamWriter(path, append: true) { AutoFlush = true }
        : null;

    public bool HasExited => _process.HasExited;

    public int Outcomes => Volatile.Read(ref _outcomes);

    public bool ServerGc { get; private set; }

    public long Heap => Interlocked.Read(ref _heap);

    public long Committed => Interlocked.Read(ref _committed);

    public long Gen2 => Interlocked.Read(ref _gen2);

    public long PeakHeap => Interlocked.Read(ref _peakHeap);

    public long PeakCommitted => Interlocked.Read(ref _peakCommitted);

    /// <summary>VmRSS and VmHWM (the peak) from /proc, in bytes.</summary>
    public (long Rss, long PeakRss) Resident()
    {
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                rss = Kb(line);
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                peak = Kb(line);
        }
        return (rss, peak);
    }

    /// <summary>Forgets the peaks so far (VmHWM too), so that what follows is measured alone.</summary>
    public void ResetPeaks()
    {
        Interlocked.Exchange(ref _peakHeap, Heap);
        Interlocked.Exchange(ref _peakCommitted, Committed);
        // Writing 5 to clear_refs resets the kernel's peak resident set of the process.
        File.WriteAllText($"/proc/{_process.Id}/clear_refs", "5");
    }

    private static long Kb(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;

    private void Read(string? line)
    {
        if (line is null)
            return;
        if (line.StartsWith(StartupHook.LinePrefix, StringComparison.Ordinal))
        {
            var f = line[StartupHook.LinePrefix.Length..].Split(' ');
            var heap = long.Parse(f[0], CultureInfo.InvariantCulture);
            var committed = long.Parse(f[1], CultureInfo.InvariantCulture);
            Interlocked.Exchange(ref _heap, heap);
            Interlocked.Exchange(ref _committed, committed);
            Interlocked.Exchange(ref _gen2, long.Parse(f[2], CultureInfo.InvariantCulture));
            ServerGc = f[3] == "1";
            if (heap > Interlocked.Read(ref _peakHeap))
                Interlocked.Exchange(ref _peakHeap, heap);
            if (committed > Interlocked.Read(ref _peakCommitted))
                Interlocked.Exchange(ref _peakCommitted, committed);
            return;
        }
        if (Log is { } log)
        {
            lock (log)
                log.WriteLine(line);
        }
        if (line.Contains("Watching container", StringComparison.Ordinal))
            _ready.TrySetResult();
        if (line.Contains(" -> ", StringComparison.Ordinal) && line.Contains("(attempt ", StringComparison.Ordinal))
            Interlocked.Increment(ref _outcomes);
        if (line.Contains(" fail: ", StringComparison.Ordinal) || line.Contains(" crit: ", StringComparison.Ordinal))
            Console.Error.WriteLine($"worker: {line}");
    }

    public void Dispose()
    {
        Children.Stop(_process);
        _process.Dispose();
    }
}

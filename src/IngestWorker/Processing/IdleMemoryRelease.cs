using System.Diagnostics.Metrics;
using System.Runtime;
using IngestWorker.Options;
using IngestWorker.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestWorker.Processing;

/// <summary>
/// Gives the memory of a burst back once the worker is idle. A burst of large inputs grows the
/// heap; afterwards an idle worker allocates too little to trigger a full collection, so without
/// this the process would keep its peak footprint until the next burst (docs/benchmarks.md,
/// Memory). Watches the blobs-in-flight counter of this host's own meter, as the dashboard does.
/// </summary>
public sealed class IdleMemoryRelease : BackgroundService
{
    private readonly MeterListener _listener = new();
    private readonly TimeSpan _after;
    private readonly TimeProvider _clock;
    private readonly ILogger<IdleMemoryRelease> _logger;
    private readonly IdleTracker _tracker;

    public IdleMemoryRelease(IngestWorkerMetrics metrics, IOptions<IngestWorkerOptions> options, TimeProvider clock, ILogger<IdleMemoryRelease> logger)
    {
        _after = options.Value.Memory.ReleaseAfterIdle;
        _clock = clock;
        _logger = logger;
        _tracker = new IdleTracker(clock.GetUtcNow());
        var meter = metrics.Meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter) && instrument.Name == IngestWorkerMetrics.BlobInFlightName)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => _tracker.Add(value, _clock.GetUtcNow()));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_after <= TimeSpan.Zero)
            return;
        _listener.Start();
        // A tenth of the delay: the release comes at most that late, and an idle check costs nothing.
        using var timer = new PeriodicTimer(_after / 10, _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (_tracker.TakeRelease(_clock.GetUtcNow(), _after))
                    Release();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Release()
    {
        var before = GC.GetGCMemoryInfo().TotalCommittedBytes;
        // Large documents live on the large-object heap, which is not compacted unless asked; the
        // aggressive mode also decommits what the collection freed, which is what lowers the RSS.
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        _logger.LogDebug("Idle for {Idle}: released memory, GC committed {Before:N0} -> {After:N0} bytes.",
            _after, before, GC.GetGCMemoryInfo().TotalCommittedBytes);
    }

    public override void Dispose()
    {
        _listener.Dispose();
        base.Dispose();
    }
}

/// <summary>When the blobs in flight last went to zero, and whether the idle spell since then has had its release.</summary>
internal sealed class IdleTracker(DateTimeOffset start)
{
    private readonly Lock _lock = new();
    private long _inFlight;
    private DateTimeOffset _idleSince = start;
    private bool _released = true;

    public void Add(long delta, DateTimeOffset now)
    {
        lock (_lock)
        {
            _inFlight += delta;
            if (_inFlight > 0)
                _released = false;
            else
                _idleSince = now;
        }
    }

    /// <summary>True once per idle spell, when it has lasted <paramref name="after"/> and some work came before it.</summary>
    public bool TakeRelease(DateTimeOffset now, TimeSpan after)
    {
        lock (_lock)
        {
            if (_released || _inFlight > 0 || now - _idleSince < after)
                return false;
            _released = true;
            return true;
        }
    }
}

using System.Diagnostics.Metrics;
using IngestWorker.Telemetry;

namespace IngestWorker.Dashboard;

/// <summary>
/// The dashboard's live counters, read off this host's own <c>IngestWorker</c> meter, so they are
/// the numbers an OTLP backend or dotnet-counters would show and the processor needs no second hook.
/// </summary>
public sealed class LiveCounters : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Meter _meter;
    private long _seen;
    private long _accepted;
    private long _rejected;
    private long _failed;
    private long _poisoned;
    private long _retries;
    private long _inFlight;

    public LiveCounters(IngestWorkerMetrics metrics)
    {
        _meter = metrics.Meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Each host has its own meter (tests run several in one process): only ours counts.
            if (ReferenceEquals(instrument.Meter, _meter) && Field(instrument.Name) is not null)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            switch (instrument.Name)
            {
                case IngestWorkerMetrics.BlobSeenName: Interlocked.Add(ref _seen, value); break;
                case IngestWorkerMetrics.BlobAcceptedName: Interlocked.Add(ref _accepted, value); break;
                case IngestWorkerMetrics.BlobRejectedName: Interlocked.Add(ref _rejected, value); break;
                case IngestWorkerMetrics.BlobFailedName: Interlocked.Add(ref _failed, value); break;
                case IngestWorkerMetrics.BlobPoisonedName: Interlocked.Add(ref _poisoned, value); break;
                case IngestWorkerMetrics.BlobRetriesName: Interlocked.Add(ref _retries, value); break;
                case IngestWorkerMetrics.BlobInFlightName: Interlocked.Add(ref _inFlight, value); break;
            }
        });
        _listener.Start();
    }

    public CounterSnapshot Snapshot() => new(
        Interlocked.Read(ref _seen), Interlocked.Read(ref _accepted), Interlocked.Read(ref _rejected), Interlocked.Read(ref _failed),
        Interlocked.Read(ref _poisoned), Interlocked.Read(ref _retries), Interlocked.Read(ref _inFlight));

    private static string? Field(string name) => name switch
    {
        IngestWorkerMetrics.BlobSeenName or IngestWorkerMetrics.BlobAcceptedName or IngestWorkerMetrics.BlobRejectedName
            or IngestWorkerMetrics.BlobFailedName or IngestWorkerMetrics.BlobPoisonedName or IngestWorkerMetrics.BlobRetriesName
            or IngestWorkerMetrics.BlobInFlightName => name,
        _ => null,
    };

    public void Dispose() => _listener.Dispose();
}

/// <summary>Since this process started.</summary>
public sealed record CounterSnapshot(long Seen, long Accepted, long Rejected, long Failed, long Poisoned, long Retries, long InFlight);

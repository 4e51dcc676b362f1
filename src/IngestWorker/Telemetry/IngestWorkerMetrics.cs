using System.Diagnostics.Metrics;

namespace IngestWorker.Telemetry;

/// <summary>
/// The worker's instruments, all under one meter, <see cref="MeterName"/>. The meter comes from
/// the host's <see cref="IMeterFactory"/>, so each host (and each test's host) has its own.
/// </summary>
public sealed class IngestWorkerMetrics
{
    public const string MeterName = "IngestWorker";

    private readonly Counter<long> _storageRequests;

    public IngestWorkerMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(MeterName);
        _storageRequests = Meter.CreateCounter<long>("ingestworker.storage.requests", "{request}",
            "Requests sent to blob storage, tagged by container role, state area, operation and HTTP status (0 = no response).");
    }

    public Meter Meter { get; }

    public void StorageRequest(string role, string area, string operation, int status) =>
        _storageRequests.Add(1,
            new KeyValuePair<string, object?>("role", role),
            new KeyValuePair<string, object?>("area", area),
            new KeyValuePair<string, object?>("operation", operation),
            new KeyValuePair<string, object?>("status", status));
}

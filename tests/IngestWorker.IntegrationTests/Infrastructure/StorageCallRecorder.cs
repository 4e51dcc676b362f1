using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using IngestWorker.Telemetry;

namespace IngestWorker.IntegrationTests.Infrastructure;

/// <summary>One kind of storage request, as the worker's <c>ingestworker.storage.requests</c> counter tags it.</summary>
internal readonly record struct RequestKind(string Role, string Area, string Operation, int Status) : IComparable<RequestKind>
{
    public int CompareTo(RequestKind other) => string.CompareOrdinal(ToString(), other.ToString());

    public override string ToString() => $"{(Area.Length > 0 ? Area : Role)} {Operation} {Status}";
}

/// <summary>Listens to one host's storage request counter; snapshots are deltas since the last.</summary>
internal sealed class StorageCallRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<RequestKind, long> _counts = new();
    private Dictionary<RequestKind, long> _taken = [];

    public StorageCallRecorder(IMeterFactory host)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == IngestWorkerMetrics.MeterName && instrument.Meter.Scope == host && instrument.Name == "ingestworker.storage.requests")
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string role = "", area = "", operation = "";
            var status = 0;
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "role": role = (string)tag.Value!; break;
                    case "area": area = (string)tag.Value!; break;
                    case "operation": operation = (string)tag.Value!; break;
                    case "status": status = (int)tag.Value!; break;
                }
            }
            _counts.AddOrUpdate(new RequestKind(role, area, operation, status), value, (_, n) => n + value);
        });
        _listener.Start();
    }

    public IReadOnlyDictionary<RequestKind, long> TakeSnapshot()
    {
        var now = _counts.ToDictionary();
        var delta = now.ToDictionary(c => c.Key, c => c.Value - _taken.GetValueOrDefault(c.Key));
        _taken = now;
        return delta;
    }

    public void Dispose() => _listener.Dispose();
}

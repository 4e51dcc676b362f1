using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using IngestWorker.Telemetry;

namespace IngestWorker.IntegrationTests.Infrastructure;

/// <summary>One measurement of one of the worker's instruments, with its tags.</summary>
internal sealed record Measured(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    public bool Has(string key, object? value) => Tags.TryGetValue(key, out var actual) && Equals(actual, value);
}

/// <summary>
/// Reads every instrument of one host's <see cref="IngestWorkerMetrics.MeterName"/> meter through a
/// <see cref="MeterListener"/>, as a metrics exporter would: other hosts in the test process (other
/// tests) have meters of their own and are not heard.
/// </summary>
internal sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measured> _measured = new();
    private readonly ConcurrentDictionary<string, Instrument> _instruments = new();

    public MetricsRecorder(IMeterFactory host)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == IngestWorkerMetrics.MeterName && instrument.Meter.Scope == host)
            {
                _instruments[instrument.Name] = instrument;
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The instruments the meter published, by name.</summary>
    public IReadOnlyDictionary<string, Instrument> Instruments => _instruments;

    public IReadOnlyList<Measured> Of(string instrument) => _measured.Where(m => m.Instrument == instrument).ToList();

    /// <summary>The sum of a counter's measurements whose tags include <paramref name="tags"/>.</summary>
    public double Sum(string instrument, params (string Key, object? Value)[] tags) =>
        Of(instrument).Where(m => tags.All(t => m.Has(t.Key, t.Value))).Sum(m => m.Value);

    /// <summary>The values a histogram recorded with tags including <paramref name="tags"/>.</summary>
    public IReadOnlyList<double> Values(string instrument, params (string Key, object? Value)[] tags) =>
        Of(instrument).Where(m => tags.All(t => m.Has(t.Key, t.Value))).Select(m => m.Value).ToList();

    /// <summary>Asks the observable instruments (gauges) for their values now, as an exporter does on each collection.</summary>
    public void Observe() => _listener.RecordObservableInstruments();

    public void Dispose() => _listener.Dispose();

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags) where T : struct
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
            copy[tag.Key] = tag.Value;
        _measured.Enqueue(new Measured(instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), copy));
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;

/// <summary>
/// Loaded into the worker's process through DOTNET_STARTUP_HOOKS, so the worker measured is the
/// unmodified IngestWorker.dll: listens to its <c>ingestworker.storage.requests</c> counter and,
/// every 200 ms, writes one line to standard error: <c>scanbench {json}</c> with the requests so far
/// by kind (and when each kind was last made), the completion times of the input listing's pages,
/// the GC heap and the working set, each now and at its peak.
/// </summary>
internal static class StartupHook
{
    public const string LinePrefix = "scanbench ";

    private static readonly ConcurrentDictionary<string, long> Counts = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, long> LastAt = new(StringComparer.Ordinal);
    private static readonly ConcurrentQueue<long> InputListPages = new();
    private static MeterListener? _listener;

    public static void Initialize()
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "IngestWorker" && instrument.Name == "ingestworker.storage.requests")
                    listener.EnableMeasurementEvents(instrument);
            },
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string role = "", area = "", operation = "";
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "role": role = (string)tag.Value!; break;
                    case "area": area = (string)tag.Value!; break;
                    case "operation": operation = (string)tag.Value!; break;
                }
            }
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var key = $"{role}|{area}|{operation}";
            Counts.AddOrUpdate(key, value, (_, n) => n + value);
            LastAt[key] = now;
            if (role == "input" && operation == "list")
                InputListPages.Enqueue(now);
        });
        _listener.Start();
        new Thread(Report) { IsBackground = true, Name = "scanbench" }.Start();
    }

    private static void Report()
    {
        long peakHeap = 0;
        using var process = Process.GetCurrentProcess();
        while (true)
        {
            // The heap as the last collection left it: live objects and fragmentation, not garbage.
            var heap = GC.GetGCMemoryInfo().HeapSizeBytes;
            peakHeap = Math.Max(peakHeap, heap);
            process.Refresh();
            var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteNumber("at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                json.WriteNumber("heap", heap);
                json.WriteNumber("peakHeap", peakHeap);
                json.WriteNumber("workingSet", process.WorkingSet64);
                json.WriteNumber("peakWorkingSet", process.PeakWorkingSet64);
                json.WriteStartObject("counts");
                foreach (var (key, n) in Counts)
                    json.WriteNumber(key, n);
                json.WriteEndObject();
                json.WriteStartObject("lastAt");
                foreach (var (key, at) in LastAt)
                    json.WriteNumber(key, at);
                json.WriteEndObject();
                json.WriteStartArray("inputListPages");
                foreach (var at in InputListPages)
                    json.WriteNumberValue(at);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            Console.Error.WriteLine(LinePrefix + Encoding.UTF8.GetString(buffer.ToArray()));
            Thread.Sleep(200);
        }
    }
}

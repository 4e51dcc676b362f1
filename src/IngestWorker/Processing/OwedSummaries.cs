using IngestWorker.Storage;
using IngestWorker.Telemetry;
using IngestWorker.Text.Output;
using IngestWorker.Text.Pipeline;
using Microsoft.Extensions.Logging;

namespace IngestWorker.Processing;

/// <summary>A finished input's summary that waits for proof that its receipt is in storage.</summary>
/// <param name="Receipt">The receipt exactly as this attempt wrote it: finding it stored, byte for byte the same, is the proof.</param>
public sealed record OwedSummary(Receipt Receipt, BlobSummary Summary, LogLevel Level, OutputDocument Document, PipelineResult? Result)
{
    public ProcessingResult Outcome => Summary.Outcome == BlobSummary.Poisoned ? ProcessingResult.Poisoned : ProcessingResult.Completed;
}

/// <summary>
/// Summaries this process owes: an attempt wrote its outcome and then could not confirm its receipt
/// (the write failed through every retry, perhaps after storage had carried it out). Whether the
/// input is finished is then known only to storage, so the summary line, metrics, statistics and
/// dashboard entry are held here until the next look at the receipt settles it: the receipt this
/// attempt wrote is there (emit them, once), another attempt's receipt is there (that attempt
/// emitted its own), or none is (the input is processed again and emits its own).
/// </summary>
/// <remarks>
/// In memory, so a process that ends while it owes a summary loses it: the input still has its one
/// outcome and receipt, and only the line and counts are missing. Making that durable would cost a
/// storage call after every summary; the case it covers, a receipt written at the very moment
/// storage went away followed by the end of the process before storage came back, is rare enough.
/// Entries are few (at most one per blob in flight when storage went away) and bounded: the oldest
/// is dropped beyond <c>capacity</c>, which only an input deleted or overwritten after such a
/// failure leaves behind.
/// </remarks>
public sealed class OwedSummaries(int capacity)
{
    private readonly Dictionary<(string Name, string ETag), OwedSummary> _owed = [];
    private readonly Queue<(string Name, string ETag)> _order = new();

    public int Count
    {
        get
        {
            lock (_owed)
                return _owed.Count;
        }
    }

    public void Add(InputBlob input, OwedSummary owed)
    {
        lock (_owed)
        {
            var key = (input.Name, input.ETag);
            if (_owed.TryAdd(key, owed))
                _order.Enqueue(key);
            else
                _owed[key] = owed;
            while (_owed.Count > capacity && _order.TryDequeue(out var oldest))
                _owed.Remove(oldest);
            // Keys settled meanwhile linger in the queue; drop them once it is much longer than the map.
            if (_order.Count > 4 * Math.Max(capacity, 16))
            {
                var live = _order.Where(_owed.ContainsKey).Distinct().ToList();
                _order.Clear();
                foreach (var key2 in live)
                    _order.Enqueue(key2);
            }
        }
    }

    /// <summary>Takes the summary owed for this input version, if any: whoever takes it settles it.</summary>
    public OwedSummary? Take(InputBlob input)
    {
        lock (_owed)
            return _owed.Remove((input.Name, input.ETag), out var owed) ? owed : null;
    }
}

using IngestWorker.Storage;
using IngestWorker.Telemetry;
using IngestWorker.Text.Output;
using IngestWorker.Text.Pipeline;
using Microsoft.Extensions.Logging;

namespace IngestWorker.Processing;

/// <summary>A finished input's summary that waits for proof that its outcome is in storage.</summary>
/// <param name="WriteId">The write id this attempt stored with its outcome: finding the outcome stored with it is the proof.</param>
/// <param name="Summary">The summary as of the failed write; where the outcome is (<see cref="BlobSummary.WithOutput"/>) is filled in when it is found.</param>
public sealed record OwedSummary(string WriteId, BlobSummary Summary, LogLevel Level, OutputDocument Document, PipelineResult? Result)
{
    public ProcessingResult Outcome => Document.Status == OutputStatus.Failed ? ProcessingResult.Poisoned : ProcessingResult.Completed;
}

/// <summary>
/// Summaries this process owes: an attempt could not confirm the write of its outcome, which is
/// the input's receipt (the write failed through every retry, perhaps after storage had carried it
/// out). Whether the input is finished is then known only to storage, so the summary line, metrics,
/// statistics and dashboard entry are held here until the next look at the outcome settles it: the
/// outcome carries this attempt's write id (emit them, once), another attempt's outcome is there
/// (that attempt emitted its own), or none is (the input is processed again and emits its own).
/// </summary>
/// <remarks>
/// In memory, so a process that ends while it owes a summary loses it: the input still has its one
/// outcome, and only the line and counts are missing. Making that durable would cost a
/// storage call after every summary; the case it covers, an outcome written at the very moment
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

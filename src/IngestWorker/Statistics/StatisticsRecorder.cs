using System.Text.Json;
using IngestWorker.Options;
using IngestWorker.Telemetry;
using IngestWorker.Text.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestWorker.Statistics;

/// <summary>
/// This process's run statistics, per hour, in memory until <see cref="StatisticsFlusher"/> writes
/// them. Recording is a few additions under a lock: it never touches storage, so it cannot slow
/// down or fail the blob it counts.
/// </summary>
public sealed class StatisticsRecorder
{
    private readonly object _lock = new();
    private readonly Dictionary<DateTimeOffset, HourCounts> _hours = [];
    private readonly TimeProvider _clock;
    private readonly ILogger<StatisticsRecorder> _logger;

    public StatisticsRecorder(IOptions<IngestWorkerOptions> options, TimeProvider clock, ILogger<StatisticsRecorder> logger)
    {
        _clock = clock;
        _logger = logger;
        PipelineVersion = options.Value.Pipeline.Version;
        // One file per process: a restarted worker must not overwrite the counts its previous life
        // flushed for the same hour, and no two processes may ever write one blob.
        Worker = WorkerId(Environment.MachineName, Environment.ProcessId, Guid.NewGuid());
    }

    public string PipelineVersion { get; }

    /// <summary>Names this process's files: <c>{machine}-{pid}-{random}</c>, blob-name safe.</summary>
    public string Worker { get; }

    /// <summary>Counts an outcome in the hour it was written. A poisoned input has no <paramref name="result"/>.</summary>
    public void Record(BlobSummary summary, PipelineResult? result)
    {
        try
        {
            var hour = HourlyStatisticsFile.HourStart(_clock.GetUtcNow());
            lock (_lock)
            {
                if (!_hours.TryGetValue(hour, out var counts))
                    _hours[hour] = counts = new HourCounts();
                counts.Statistics.Record(summary, result);
                counts.Changes++;
            }
        }
        catch (Exception e)
        {
            // Statistics are a by-product: an accounting bug must not turn into a failed blob.
            _logger.LogWarning(e, "Could not count {BlobName} in the run statistics.", summary.BlobName);
        }
    }

    /// <summary>The hours with counts not yet written, each as the whole file to write.</summary>
    internal IReadOnlyList<PendingFile> Pending()
    {
        var now = _clock.GetUtcNow();
        lock (_lock)
        {
            return _hours.Where(h => h.Value.Changes != h.Value.Flushed)
                .OrderBy(h => h.Key)
                .Select(h => new PendingFile(h.Key, h.Value.Changes, JsonSerializer.SerializeToUtf8Bytes(new HourlyStatisticsFile
                {
                    PipelineVersion = PipelineVersion,
                    Hour = h.Key,
                    Worker = Worker,
                    UpdatedAt = now,
                    Statistics = h.Value.Statistics,
                }, HourlyStatisticsFile.Json)))
                .ToList();
        }
    }

    /// <summary>The file of <paramref name="hour"/> is stored as it stood at <paramref name="changes"/>.</summary>
    internal void Written(DateTimeOffset hour, long changes)
    {
        var current = HourlyStatisticsFile.HourStart(_clock.GetUtcNow());
        lock (_lock)
        {
            if (!_hours.TryGetValue(hour, out var counts))
                return;
            counts.Flushed = Math.Max(counts.Flushed, changes);
            // A past hour fully written is done with; an outcome counted in it later is impossible
            // (outcomes are counted in the hour they happen), so memory stays at about one hour.
            if (hour < current && counts.Flushed == counts.Changes)
                _hours.Remove(hour);
        }
    }

    internal static string WorkerId(string machine, int processId, Guid instance)
    {
        var safe = new string(machine.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
        if (safe.Length > 60)
            safe = safe[..60];
        return $"{safe}-{processId}-{instance.ToString("N")[..8]}";
    }

    internal sealed record PendingFile(DateTimeOffset Hour, long Changes, byte[] Content);

    private sealed class HourCounts
    {
        public RunStatistics Statistics { get; } = new();
        public long Changes { get; set; }
        public long Flushed { get; set; }
    }
}

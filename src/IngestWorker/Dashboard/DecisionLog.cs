using IngestWorker.Options;
using IngestWorker.Telemetry;
using IngestWorker.Text.Output;
using Microsoft.Extensions.Options;

namespace IngestWorker.Dashboard;

/// <summary>
/// What the dashboard shows about documents: the last <c>recentDocuments</c> decisions with their
/// kept and removed lines, per-minute outcome and drop-reason counts for the last hour, a quality
/// score histogram and the language mix. In memory only, bounded, and fed from the same place as
/// the summary line; it records nothing unless the dashboard is on, so production pays nothing.
/// </summary>
public sealed class DecisionLog
{
    /// <summary>Minutes of history kept for "over time".</summary>
    public const int WindowMinutes = 60;

    /// <summary>Histogram buckets over the score's [0, 1].</summary>
    public const int ScoreBuckets = 10;

    // A document can have thousands of lines; the ring keeps enough to judge the decision by eye.
    internal const int MaxLinesPerSide = 300;
    internal const int MaxLineChars = 400;

    private readonly Lock _lock = new();
    private readonly TimeProvider _clock;
    private readonly int _capacity;
    private readonly LinkedList<DocumentDecision> _recent = new();
    private readonly Queue<MinuteCounts> _minutes = new();
    private readonly long[] _acceptedScores = new long[ScoreBuckets];
    private readonly long[] _rejectedScores = new long[ScoreBuckets];
    private readonly Dictionary<string, long> _languages = new(StringComparer.Ordinal);
    private long _nextId;

    public DecisionLog(IOptions<IngestWorkerOptions> options, TimeProvider clock)
        : this(options.Value.Http.Dashboard, options.Value.Http.RecentDocuments, clock)
    {
    }

    internal DecisionLog(bool enabled, int capacity, TimeProvider clock)
    {
        Enabled = enabled;
        _capacity = capacity;
        _clock = clock;
    }

    public bool Enabled { get; }

    public void Record(BlobSummary summary, OutputDocument document)
    {
        if (!Enabled)
            return;
        var now = _clock.GetUtcNow();
        var (kept, keptTotal) = KeptLines(document.Text);
        var removedListed = document.Boilerplate?.RemovedLines ?? [];
        var removed = removedListed.Take(MaxLinesPerSide).Select(l => new RemovedLine(Clip(l.Text), l.Reason)).ToList();
        // The outcome lists only the first removed lines; its count covers them all.
        var removedCount = document.Boilerplate?.RemovedLineCount ?? removedListed.Count;
        var score = document.Quality?.Score;
        var language = document.Language?.Code;
        lock (_lock)
        {
            var decision = new DocumentDecision(++_nextId, now, summary.BlobName, summary.Outcome, summary.Reasons, summary.RejectionStage,
                document.Rejection?.Message ?? document.Error?.Message, document.Flags ?? [], document.Title, language, document.Language?.Confidence,
                score, document.Quality?.Failed ?? [], summary.OutputContainer, summary.OutputName, summary.Total?.TotalMilliseconds,
                kept, keptTotal, removed, removedCount, document.Boilerplate?.RemovedChars ?? 0);
            _recent.AddFirst(decision);
            if (_recent.Count > _capacity)
                _recent.RemoveLast();

            Minute(now).Add(summary);
            if (score is { } s && summary.Outcome != BlobSummary.Poisoned)
                (summary.Outcome == BlobSummary.Accepted ? _acceptedScores : _rejectedScores)[ScoreBucket(s)]++;
            if (summary.Outcome != BlobSummary.Poisoned)
            {
                var code = language ?? "none";
                _languages[code] = _languages.GetValueOrDefault(code) + 1;
            }
        }
    }

    /// <summary>Newest first.</summary>
    public IReadOnlyList<DocumentDecision> Recent(int max)
    {
        lock (_lock)
            return _recent.Take(max).ToList();
    }

    public DocumentDecision? Find(long id)
    {
        lock (_lock)
            return _recent.FirstOrDefault(d => d.Id == id);
    }

    public DecisionAggregates Aggregates()
    {
        lock (_lock)
        {
            var now = _clock.GetUtcNow();
            Prune(now);
            // Every minute of the window, empty ones too, so a chart's x axis is time and not just events.
            var first = MinuteOf(now).AddMinutes(-(WindowMinutes - 1));
            var byMinute = _minutes.ToDictionary(m => m.Minute);
            var minutes = Enumerable.Range(0, WindowMinutes).Select(i =>
            {
                var minute = first.AddMinutes(i);
                return byMinute.TryGetValue(minute, out var m) ? m.Snapshot() : new MinuteSnapshot(minute, 0, 0, 0, new Dictionary<string, long>());
            }).ToList();
            var buckets = Enumerable.Range(0, ScoreBuckets).Select(i => new ScoreBucket(
                (double)i / ScoreBuckets, (double)(i + 1) / ScoreBuckets, _acceptedScores[i], _rejectedScores[i])).ToList();
            var languages = _languages.OrderByDescending(l => l.Value).ThenBy(l => l.Key, StringComparer.Ordinal)
                .Select(l => new LanguageCount(l.Key, l.Value)).ToList();
            return new DecisionAggregates(minutes, buckets, languages);
        }
    }

    internal static int ScoreBucket(double score) => Math.Clamp((int)Math.Floor(score * ScoreBuckets), 0, ScoreBuckets - 1);

    private static (IReadOnlyList<string> Lines, int Total) KeptLines(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return ([], 0);
        var lines = text.Split('\n').Where(l => l.Length > 0).ToList();
        return (lines.Take(MaxLinesPerSide).Select(Clip).ToList(), lines.Count);
    }

    private static string Clip(string line) => line.Length <= MaxLineChars ? line : line[..MaxLineChars] + "…";

    private static DateTimeOffset MinuteOf(DateTimeOffset t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerMinute, t.Offset);

    private MinuteCounts Minute(DateTimeOffset now)
    {
        Prune(now);
        var minute = MinuteOf(now);
        // Outcomes arrive in clock order, give or take a tick: the newest minute is the last one.
        var last = _minutes.Count > 0 ? _minutes.Last() : null;
        if (last is not null && last.Minute >= minute)
            return last;
        var added = new MinuteCounts(minute);
        _minutes.Enqueue(added);
        return added;
    }

    private void Prune(DateTimeOffset now)
    {
        var oldest = MinuteOf(now).AddMinutes(-(WindowMinutes - 1));
        while (_minutes.Count > 0 && _minutes.Peek().Minute < oldest)
            _minutes.Dequeue();
    }

    private sealed class MinuteCounts(DateTimeOffset minute)
    {
        private readonly Dictionary<string, long> _reasons = new(StringComparer.Ordinal);
        private long _accepted;
        private long _rejected;
        private long _poisoned;

        public DateTimeOffset Minute { get; } = minute;

        public void Add(BlobSummary summary)
        {
            switch (summary.Outcome)
            {
                case BlobSummary.Accepted:
                    _accepted++;
                    break;
                case BlobSummary.Rejected:
                    _rejected++;
                    // The first code is the one that dropped it, as in the rejected counter's reason tag.
                    var reason = summary.Reasons.FirstOrDefault() ?? "unknown";
                    _reasons[reason] = _reasons.GetValueOrDefault(reason) + 1;
                    break;
                case BlobSummary.Poisoned:
                    _poisoned++;
                    break;
            }
        }

        public MinuteSnapshot Snapshot() => new(Minute, _accepted, _rejected, _poisoned, new Dictionary<string, long>(_reasons));
    }
}

public sealed record DocumentDecision(
    long Id,
    DateTimeOffset At,
    string BlobName,
    string Outcome,
    IReadOnlyList<string> Reasons,
    string? Stage,
    string? Message,
    IReadOnlyList<string> Flags,
    string? Title,
    string? Language,
    double? LanguageConfidence,
    double? QualityScore,
    IReadOnlyList<string> QualityFailed,
    string OutputContainer,
    string OutputName,
    double? ElapsedMs,
    IReadOnlyList<string> KeptLines,
    int KeptLineCount,
    IReadOnlyList<RemovedLine> RemovedLines,
    int RemovedLineCount,
    long RemovedChars);

public sealed record RemovedLine(string Text, string Reason);

public sealed record MinuteSnapshot(DateTimeOffset Minute, long Accepted, long Rejected, long Poisoned, IReadOnlyDictionary<string, long> Reasons);

public sealed record ScoreBucket(double From, double To, long Accepted, long Rejected);

public sealed record LanguageCount(string Code, long Documents);

public sealed record DecisionAggregates(IReadOnlyList<MinuteSnapshot> Minutes, IReadOnlyList<ScoreBucket> QualityScores, IReadOnlyList<LanguageCount> Languages);

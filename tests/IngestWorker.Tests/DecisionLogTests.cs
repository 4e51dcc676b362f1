using IngestWorker.Dashboard;
using IngestWorker.Telemetry;
using IngestWorker.Text.Output;

namespace IngestWorker.Tests;

/// <summary>The dashboard's in-memory decisions: the ring's bounds, the per-minute window, the histogram and the language mix.</summary>
public sealed class DecisionLogTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 10, 0, 30, TimeSpan.Zero);

    [Fact]
    public void The_ring_keeps_the_newest_documents_first_and_forgets_the_oldest()
    {
        var clock = new ManualClock(Start);
        var log = new DecisionLog(enabled: true, capacity: 3, clock);
        for (var i = 1; i <= 5; i++)
            log.Record(Summary($"doc{i}.txt", BlobSummary.Accepted), Document("accepted", []));

        Assert.Equal(["doc5.txt", "doc4.txt", "doc3.txt"], log.Recent(10).Select(d => d.BlobName));
        Assert.Equal(["doc5.txt"], log.Recent(1).Select(d => d.BlobName));
        Assert.Null(log.Find(2));
        Assert.Equal("doc4.txt", log.Find(4)!.BlobName);
    }

    [Fact]
    public void A_document_keeps_its_kept_and_removed_lines_with_reasons_bounded_in_number_and_length()
    {
        var log = new DecisionLog(enabled: true, capacity: 10, new ManualClock(Start));
        var longLine = new string('x', DecisionLog.MaxLineChars + 50);
        var text = string.Join('\n', Enumerable.Range(0, DecisionLog.MaxLinesPerSide + 20).Select(i => i == 0 ? longLine : $"line {i}")) + "\n\n";
        var removed = Enumerable.Range(0, DecisionLog.MaxLinesPerSide + 5).Select(i => new OutputRemovedLine($"menu {i}", "nav_link")).ToList();
        log.Record(Summary("a.txt", BlobSummary.Rejected, "gopher_short_doc"), Document("rejected", ["gopher_short_doc"], text, removed));

        var d = log.Recent(1).Single();
        Assert.Equal(DecisionLog.MaxLinesPerSide, d.KeptLines.Count);
        Assert.Equal(DecisionLog.MaxLinesPerSide + 20, d.KeptLineCount);
        Assert.Equal(DecisionLog.MaxLineChars + 1, d.KeptLines[0].Length);
        Assert.EndsWith("…", d.KeptLines[0]);
        Assert.Equal(DecisionLog.MaxLinesPerSide, d.RemovedLines.Count);
        Assert.Equal(DecisionLog.MaxLinesPerSide + 5, d.RemovedLineCount);
        Assert.Equal(new RemovedLine("menu 0", "nav_link"), d.RemovedLines[0]);
        Assert.Equal(["gopher_short_doc"], d.Reasons);
    }

    [Fact]
    public void A_capped_outcome_counts_every_removed_line_not_only_the_listed_ones()
    {
        var log = new DecisionLog(enabled: true, capacity: 10, new ManualClock(Start));
        var document = Document("rejected", ["no_article"], removed: [new OutputRemovedLine("a", "short"), new OutputRemovedLine("a", "repeated")]);
        document = document with { Boilerplate = document.Boilerplate! with { RemovedLineCount = 5_000_000, RemovedLinesOmitted = 4_999_998 } };
        log.Record(Summary("a.txt", BlobSummary.Rejected, "no_article"), document);

        var d = log.Recent(1).Single();
        Assert.Equal(2, d.RemovedLines.Count);
        Assert.Equal(5_000_000, d.RemovedLineCount);
    }

    [Fact]
    public void Outcomes_and_drop_reasons_are_counted_per_minute_over_the_last_hour()
    {
        var clock = new ManualClock(Start);
        var log = new DecisionLog(enabled: true, capacity: 10, clock);
        log.Record(Summary("a", BlobSummary.Accepted), Document("accepted", []));
        log.Record(Summary("b", BlobSummary.Rejected, "language"), Document("rejected", ["language"]));
        log.Record(Summary("c", BlobSummary.Rejected, "duplicate_exact", "other"), Document("rejected", ["duplicate_exact", "other"]));
        clock.Advance(TimeSpan.FromMinutes(2));
        log.Record(Summary("d", BlobSummary.Rejected, "language"), Document("rejected", ["language"]));
        log.Record(Summary("e", BlobSummary.Poisoned), Document("failed", []));

        var minutes = log.Aggregates().Minutes;
        Assert.Equal(DecisionLog.WindowMinutes, minutes.Count);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 10, 2, 0, TimeSpan.Zero), minutes[^1].Minute);
        Assert.Equal(TimeSpan.FromMinutes(1), minutes[^1].Minute - minutes[^2].Minute);
        var first = minutes[^3];
        Assert.Equal((1, 2, 0), (first.Accepted, first.Rejected, first.Poisoned));
        // Only the first code of a rejection: the one that dropped it.
        Assert.Equal(new Dictionary<string, long> { ["language"] = 1, ["duplicate_exact"] = 1 }, first.Reasons);
        Assert.Equal((0L, 0L, 0L), (minutes[^2].Accepted, minutes[^2].Rejected, minutes[^2].Poisoned));
        Assert.Equal((0, 1, 1), (minutes[^1].Accepted, minutes[^1].Rejected, minutes[^1].Poisoned));

        // An hour later the first minute has left the window.
        clock.Advance(TimeSpan.FromMinutes(DecisionLog.WindowMinutes - 1));
        minutes = log.Aggregates().Minutes;
        Assert.Equal(DecisionLog.WindowMinutes, minutes.Count);
        Assert.Equal(2, minutes.Sum(m => m.Rejected + m.Poisoned));
        Assert.Equal(0, minutes.Sum(m => m.Accepted));
    }

    [Fact]
    public void Quality_scores_fall_in_tenths_split_by_outcome_and_languages_are_counted_most_first()
    {
        var log = new DecisionLog(enabled: true, capacity: 10, new ManualClock(Start));
        log.Record(Summary("a", BlobSummary.Accepted), Document("accepted", [], score: 0.97, language: "en"));
        log.Record(Summary("b", BlobSummary.Accepted), Document("accepted", [], score: 1.0, language: "de"));
        log.Record(Summary("c", BlobSummary.Rejected, "c4_too_few_sentences"), Document("rejected", ["c4_too_few_sentences"], score: 0.31, language: "en"));
        log.Record(Summary("d", BlobSummary.Rejected, "empty"), Document("rejected", ["empty"]));
        log.Record(Summary("e", BlobSummary.Poisoned), Document("failed", [], score: 0.5, language: "fr"));

        var aggregates = log.Aggregates();
        Assert.Equal(DecisionLog.ScoreBuckets, aggregates.QualityScores.Count);
        Assert.Equal(2, aggregates.QualityScores[9].Accepted);
        Assert.Equal(1, aggregates.QualityScores[3].Rejected);
        Assert.Equal(3, aggregates.QualityScores.Sum(b => b.Accepted + b.Rejected));
        Assert.Equal((0.3, 0.4), (aggregates.QualityScores[3].From, aggregates.QualityScores[3].To));
        // A document rejected before the language stage has none; poisoned inputs have no text at all.
        Assert.Equal([new LanguageCount("en", 2), new LanguageCount("de", 1), new LanguageCount("none", 1)], aggregates.Languages);
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.0999, 0)]
    [InlineData(0.1, 1)]
    [InlineData(0.5, 5)]
    [InlineData(0.999, 9)]
    [InlineData(1.0, 9)]
    [InlineData(-0.1, 0)]
    public void Score_buckets_are_tenths_with_one_in_the_top_bucket(double score, int bucket) =>
        Assert.Equal(bucket, DecisionLog.ScoreBucket(score));

    [Fact]
    public void Off_it_records_nothing()
    {
        var log = new DecisionLog(enabled: false, capacity: 10, new ManualClock(Start));
        log.Record(Summary("a", BlobSummary.Accepted), Document("accepted", [], score: 0.9, language: "en"));
        Assert.Empty(log.Recent(10));
        Assert.Empty(log.Aggregates().Languages);
    }

    private static BlobSummary Summary(string name, string outcome, params string[] reasons) =>
        new(name, outcome, reasons, outcome == BlobSummary.Accepted ? "cleaned" : outcome, name + ".json", 1)
        {
            RejectionStage = outcome == BlobSummary.Rejected ? "quality" : null,
        };

    private static OutputDocument Document(string status, IReadOnlyList<string> reasons, string? text = "Kept line one.\nKept line two.",
        IReadOnlyList<OutputRemovedLine>? removed = null, double? score = null, string? language = null) => new()
    {
        Id = "0123456789abcdef",
        Source = new OutputSource("incoming", "x.txt", "\"0x1\"", 10, null, Start),
        Status = status,
        Reasons = reasons,
        Text = text,
        Quality = score is { } s ? new OutputQuality(s, new Dictionary<string, double>(), []) : null,
        Language = language is null ? null : new OutputLanguage(language, 0.9, [], [], false),
        Boilerplate = new OutputBoilerplate(2, 10, removed ?? [new OutputRemovedLine("Home | News", "nav_link")], null),
        Pipeline = new OutputPipeline("1", Start, []),
    };

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}

using IngestWorker.Text.Extraction;
using IngestWorker.Text.Extraction.PageTypes;
using System.Text.Json;
using IngestWorker.Options;
using IngestWorker.Statistics;
using IngestWorker.Telemetry;
using IngestWorker.Text.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;

namespace IngestWorker.Tests;

/// <summary>The run statistics' arithmetic: what one outcome adds, and how workers' hourly files merge and roll up.</summary>
public sealed class RunStatisticsTests
{
    private static readonly DateTimeOffset TenOClock = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_forwarded_document_counts_what_each_stage_cut_and_a_dropped_one_all_its_text_at_the_filter()
    {
        var stats = new RunStatistics();
        stats.Record(Summary(BlobSummary.Accepted, 500), Result(null, ("decode", 0, 480), ("read", 480, 300), ("boilerplate", 300, 200), ("quality", 200, 200)));
        stats.Record(Summary(BlobSummary.Rejected, 400), Result(new Rejection("quality", "gopher_short", "short", ["gopher_short", "c4_few_sentences"]),
            ("decode", 0, 390), ("read", 390, 250), ("boilerplate", 250, 120), ("quality", 120, 120)));
        stats.Record(Summary(BlobSummary.Rejected, 0), Result(new Rejection("size_limit", "too_large", "big"), ("size_limit", 0, 0)));
        stats.Record(Summary(BlobSummary.Poisoned, 0), null);

        Assert.Equal(["decode", "read", "boilerplate", "quality", "size_limit"], stats.Steps.Select(s => s.Name));
        var read = Step(stats, "read");
        Assert.Equal((2, 0, 870, 550, 320), (read.DocumentsIn, read.DocumentsDropped, read.CharsIn, read.CharsOut, read.CharsRemoved));
        var boilerplate = Step(stats, "boilerplate");
        Assert.Equal(100 + 130, boilerplate.CharsRemoved);
        var quality = Step(stats, "quality");
        Assert.Equal((2, 1, 1, 320, 200, 120), (quality.DocumentsIn, quality.DocumentsDropped, quality.DocumentsForwarded, quality.CharsIn, quality.CharsOut, quality.CharsRemoved));
        // Credited to the first code only, so that the reasons add up to the drops.
        Assert.Equal(["gopher_short"], quality.Reasons.Keys);
        Assert.Equal((1, 120), (quality.Reasons["gopher_short"].Documents, quality.Reasons["gopher_short"].Chars));
        var size = Step(stats, "size_limit");
        Assert.Equal((1, 1, 0), (size.DocumentsIn, size.DocumentsDropped, size.CharsRemoved));
        var totals = stats.Totals;
        Assert.Equal((4, 1, 2, 1, 900, 200), (totals.Documents, totals.Accepted, totals.Rejected, totals.Poisoned, totals.InputBytes, totals.OutputChars));
    }

    [Fact]
    public void Page_types_are_counted_and_add_up_across_workers()
    {
        PipelineResult Typed(string type, Rejection? rejection)
        {
            var result = Result(rejection, ("read", 100, 100));
            result.Document.Page = new PageContent([], PageMetadata.None) { Type = new PageType(type, 0.8) };
            return result;
        }
        var a = new RunStatistics();
        a.Record(Summary(BlobSummary.Accepted, 100), Typed(PageTypes.Forum, null));
        a.Record(Summary(BlobSummary.Rejected, 100), Typed(PageTypes.Forum, new Rejection("quality", "gopher_short", "short")));
        a.Record(Summary(BlobSummary.Accepted, 100), Result(null, ("read", 100, 100)));
        var b = new RunStatistics();
        b.Record(Summary(BlobSummary.Accepted, 100), Typed(PageTypes.Product, null));

        a.Add(b);

        Assert.Equal([PageTypes.Forum, PageTypes.Product], a.PageTypes.Keys);
        Assert.Equal((2, 1), (a.PageTypes[PageTypes.Forum].Documents, a.PageTypes[PageTypes.Forum].Accepted));
        Assert.Equal((1, 1), (a.PageTypes[PageTypes.Product].Documents, a.PageTypes[PageTypes.Product].Accepted));
    }

    [Fact]
    public void Workers_files_merge_per_hour_and_roll_up_by_day_and_in_total()
    {
        var a10 = File("a", TenOClock, Accepted(300, 200));
        var b10 = File("b", TenOClock, Accepted(100, 40), Dropped("quality", "gopher_short", 70));
        var a11 = File("a", TenOClock.AddHours(1), Dropped("boilerplate", "no_article", 50));
        var nextDay = File("c", TenOClock.AddDays(1), Accepted(10, 10));

        var hours = StatisticsRollup.Roll([nextDay, a11, b10, a10], RollupPeriod.Hour);
        Assert.Equal([TenOClock, TenOClock.AddHours(1), TenOClock.AddDays(1)], hours.Select(b => b.Start!.Value));
        Assert.Equal(TenOClock.AddHours(1), hours[0].End);
        Assert.Equal(["a", "b"], hours[0].Workers);
        Assert.Equal(2, hours[0].Files);
        Assert.Equal(3, hours[0].Statistics.Totals.Documents);
        var quality = Step(hours[0].Statistics, "quality");
        Assert.Equal((3, 1, 70), (quality.DocumentsIn, quality.DocumentsDropped, quality.CharsRemoved));
        Assert.Equal(200 + 40, hours[0].Statistics.Totals.OutputChars);

        var days = StatisticsRollup.Roll([a10, b10, a11, nextDay], RollupPeriod.Day);
        Assert.Equal(2, days.Count);
        Assert.Equal((TenOClock.UtcDateTime.Date, TenOClock.UtcDateTime.Date.AddDays(1)), (days[0].Start!.Value.UtcDateTime, days[0].End!.Value.UtcDateTime));
        Assert.Equal(4, days[0].Statistics.Totals.Documents);
        // What cleaning cut from the two accepted documents, and all of the one it dropped.
        Assert.Equal((1, 100 + 60 + 50), (Step(days[0].Statistics, "boilerplate").DocumentsDropped, Step(days[0].Statistics, "boilerplate").CharsRemoved));

        var total = Assert.Single(StatisticsRollup.Roll([a10, b10, a11, nextDay], RollupPeriod.Total));
        Assert.Equal(5, total.Statistics.Totals.Documents);
        Assert.Equal(["a", "b", "c"], total.Workers);
        Assert.Equal((TenOClock, TenOClock.AddDays(1).AddHours(1)), (total.Start!.Value, total.End!.Value));
        // Merging never changes its inputs: the same files can be rolled up again.
        Assert.Equal(1, a10.Statistics.Totals.Documents);
    }

    [Fact]
    public void A_file_survives_its_json_and_its_name_gives_back_its_hour()
    {
        var file = File("host-12-0badcafe", TenOClock, Accepted(300, 200), Dropped("quality", "c4_lorem_ipsum", 80));
        var json = JsonSerializer.Serialize(file, HourlyStatisticsFile.Json);
        var back = JsonSerializer.Deserialize<HourlyStatisticsFile>(json, HourlyStatisticsFile.Json)!;
        Assert.Equal(JsonSerializer.Serialize(back, HourlyStatisticsFile.Json), json);
        Assert.Contains("\"charsRemoved\"", json);
        Assert.DoesNotContain("documentsForwarded", json);

        var name = HourlyStatisticsFile.BlobName("2", TenOClock.AddMinutes(59), "host-12-0badcafe");
        Assert.Equal("stats/2/2026-11-22T10/host-12-0badcafe.json", name);
        Assert.Equal(TenOClock, HourlyStatisticsFile.HourOf(name, "2"));
        Assert.Null(HourlyStatisticsFile.HourOf(name, "1"));
        Assert.Null(HourlyStatisticsFile.HourOf("stats/2/notanhour/x.json", "2"));
    }

    [Fact]
    public void The_recorder_counts_by_hour_and_forgets_a_past_hour_once_it_is_written()
    {
        var clock = new ManualClock(TenOClock.AddMinutes(50));
        var recorder = new StatisticsRecorder(Microsoft.Extensions.Options.Options.Create(new IngestWorkerOptions()), clock, NullLogger<StatisticsRecorder>.Instance);
        Assert.Matches(@"^[A-Za-z0-9._-]+-\d+-[0-9a-f]{8}$", recorder.Worker);
        recorder.Record(Summary(BlobSummary.Accepted, 10), Result(null, ("decode", 0, 10)));
        clock.Now = TenOClock.AddMinutes(70);
        recorder.Record(Summary(BlobSummary.Accepted, 10), Result(null, ("decode", 0, 10)));

        var pending = recorder.Pending();
        Assert.Equal([TenOClock, TenOClock.AddHours(1)], pending.Select(p => p.Hour));
        var file = JsonSerializer.Deserialize<HourlyStatisticsFile>(pending[0].Content, HourlyStatisticsFile.Json)!;
        Assert.Equal((recorder.Worker, "1", 1L), (file.Worker, file.PipelineVersion, file.Statistics.Totals.Documents));

        // A write that fails leaves both pending; a count after the snapshot keeps its hour pending.
        recorder.Record(Summary(BlobSummary.Rejected, 10), Result(new Rejection("decode", "binary", "x"), ("decode", 0, 0)));
        foreach (var written in pending)
            recorder.Written(written.Hour, written.Changes);
        var again = Assert.Single(recorder.Pending());
        Assert.Equal(TenOClock.AddHours(1), again.Hour);
        // Cumulative: the hour's file holds everything counted in it, not just what came since the last write.
        Assert.Equal(2, JsonSerializer.Deserialize<HourlyStatisticsFile>(again.Content, HourlyStatisticsFile.Json)!.Statistics.Totals.Documents);
        recorder.Written(again.Hour, again.Changes);
        Assert.Empty(recorder.Pending());
    }

    [Theory]
    [InlineData("my host!", "my_host_")]
    [InlineData("a/b", "a_b")]
    public void Worker_ids_are_safe_in_a_blob_name(string machine, string expected) =>
        Assert.StartsWith(expected + "-7-", StatisticsRecorder.WorkerId(machine, 7, Guid.NewGuid()));

    private static StepStatistics Step(RunStatistics stats, string name) => stats.Steps.Single(s => s.Name == name);

    private static BlobSummary Summary(string outcome, long inputBytes) =>
        new("x.txt", outcome, [], "c", "x.txt.json", 1) { InputBytes = inputBytes };

    private static PipelineResult Result(Rejection? rejection, params (string Stage, int Before, int After)[] stages)
    {
        var document = new PipelineDocument(new DocumentSource("incoming", "x.txt", "\"e\"", 0), ReadOnlyMemory<byte>.Empty)
        {
            Text = new string('x', stages.Length == 0 ? 0 : stages[^1].After),
        };
        return new PipelineResult(document, rejection, stages.Select(s => s.Stage).ToArray(), null,
            stages.Select(s => new StageCharacters(s.Stage, s.Before, s.After)).ToArray());
    }

    private static RunStatistics Accepted(int inChars, int outChars)
    {
        var stats = new RunStatistics();
        stats.Record(Summary(BlobSummary.Accepted, inChars), Result(null, ("decode", 0, inChars), ("boilerplate", inChars, outChars), ("quality", outChars, outChars)));
        return stats;
    }

    private static RunStatistics Dropped(string stage, string code, int chars)
    {
        var stats = new RunStatistics();
        var stages = stage == "quality"
            ? new[] { ("decode", 0, chars), ("boilerplate", chars, chars), ("quality", chars, chars) }
            : new[] { ("decode", 0, chars), ("boilerplate", chars, 0) };
        stats.Record(Summary(BlobSummary.Rejected, chars), Result(new Rejection(stage, code, code), stages));
        return stats;
    }

    private static HourlyStatisticsFile File(string worker, DateTimeOffset hour, params RunStatistics[] parts)
    {
        var stats = new RunStatistics();
        foreach (var part in parts)
            stats.Add(part);
        return new HourlyStatisticsFile { PipelineVersion = "1", Hour = hour, Worker = worker, UpdatedAt = hour.AddMinutes(30), Statistics = stats };
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}

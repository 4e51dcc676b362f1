using IngestWorker.Telemetry;
using IngestWorker.Text.Pipeline;
using IngestWorker.Text.Quality;

namespace IngestWorker.Tests;

public sealed class TelemetryTests
{
    [Fact]
    public void Reason_tags_are_the_published_codes_and_anything_else_is_other()
    {
        Assert.Equal(ReasonCodes.DuplicateNear, IngestWorkerMetrics.ReasonTag(ReasonCodes.DuplicateNear));
        Assert.Equal(ReasonCodes.TooLarge, IngestWorkerMetrics.ReasonTag(ReasonCodes.TooLarge));
        Assert.All(QualityReasons.All, code => Assert.Equal(code, IngestWorkerMetrics.ReasonTag(code)));
        Assert.Equal(IngestWorkerMetrics.OtherReason, IngestWorkerMetrics.ReasonTag("news/some-blob-name.txt"));
        Assert.Equal(IngestWorkerMetrics.OtherReason, IngestWorkerMetrics.ReasonTag(null));
    }

    [Fact]
    public void An_accepted_summary_line_lists_every_step_and_the_latency()
    {
        var summary = new BlobSummary("news/a.txt", BlobSummary.Accepted, [], "cleaned", "news/a.txt.json", 1)
        {
            InputBytes = 1200,
            OutputBytes = 5400,
            Total = TimeSpan.FromMilliseconds(42.4),
            Steps = [new("download", TimeSpan.FromMilliseconds(3.24)), new("decode", TimeSpan.FromMilliseconds(0.04)), new("write_outcome", TimeSpan.FromMilliseconds(12))],
            Latency = TimeSpan.FromMilliseconds(1250),
        };

        Assert.Equal("news/a.txt accepted -> cleaned/news/a.txt.json (attempt 1, 42 ms: download 3.2, decode 0, write_outcome 12; 1.25 s after upload).", summary.ToString());
        var fields = summary.ToDictionary();
        Assert.Equal("accepted", fields["Outcome"]);
        Assert.Equal("", fields["Reasons"]);
        Assert.Equal(1, fields["Attempt"]);
        Assert.Equal(1200L, fields["InputBytes"]);
        Assert.Equal(5400L, fields["OutputBytes"]);
        Assert.Equal(42.4, fields["ElapsedMs"]);
        Assert.Equal(3.24, fields["StageMs.download"]);
        Assert.Equal(12.0, fields["StageMs.write_outcome"]);
        Assert.Equal(1250.0, fields["LatencyMs"]);
        Assert.True(fields.ContainsKey("{OriginalFormat}"));
        Assert.False(fields.ContainsKey("ErrorType"));
    }

    [Fact]
    public void A_rejected_summary_line_names_its_reasons()
    {
        var summary = new BlobSummary("b.txt", BlobSummary.Rejected, ["gopher_short_doc", "c4_too_few_sentences"], "rejected", "b.txt.json", 2)
        {
            RejectionStage = "quality",
            Total = TimeSpan.FromMilliseconds(8),
        };

        Assert.Equal("b.txt rejected [gopher_short_doc, c4_too_few_sentences] -> rejected/b.txt.json (attempt 2, 8 ms).", summary.ToString());
        Assert.Equal("gopher_short_doc,c4_too_few_sentences", summary.ToDictionary()["Reasons"]);
        Assert.Equal("quality", summary.ToDictionary()["RejectionStage"]);
        Assert.False(summary.ToDictionary().ContainsKey("LatencyMs"));
    }

    [Fact]
    public void A_poisoned_summary_line_says_why_and_that_it_is_left_alone()
    {
        var summary = new BlobSummary("c.txt", BlobSummary.Poisoned, [ReasonCodes.ProcessingFailed], "poison", "c.txt.json", 5)
        {
            ErrorType = "System.InvalidOperationException",
            Error = "the stage broke",
            Latency = TimeSpan.FromSeconds(61),
        };

        Assert.Equal("c.txt poisoned after 5 failed attempts (System.InvalidOperationException: the stage broke) -> poison/c.txt.json (61 s after upload). It is not tried again until it changes.",
            summary.ToString());
        Assert.Equal("System.InvalidOperationException", summary.ToDictionary()["ErrorType"]);
    }
}

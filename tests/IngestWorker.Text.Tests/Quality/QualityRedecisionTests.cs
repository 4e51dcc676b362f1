using IngestWorker.Text.Output;
using IngestWorker.Text.Pipeline;
using IngestWorker.Text.Quality;

namespace IngestWorker.Text.Tests.Quality;

public sealed class QualityRedecisionTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-22T12:00:00Z");

    [Fact]
    public async Task An_exact_duplicate_stays_a_duplicate_when_it_still_passes_and_becomes_a_quality_rejection_when_it_fails()
    {
        var (first, copy) = await RunTwice(File.ReadAllBytes(TestData.SeedPaths[2]));
        Assert.Equal(OutputStatus.Accepted, first.Status);
        Assert.Equal([ReasonCodes.DuplicateExact], copy.Reasons);

        var same = QualityRedecision.Redecide(copy, new QualityOptions(), Now);
        Assert.Equal([ReasonCodes.DuplicateExact], same.Reasons);
        Assert.Equal(Now, same.Quality!.RedecidedAt);

        var strict = new QualityOptions();
        strict.GopherQuality.MinWords = 100_000;
        strict.GopherQuality.MaxWords = 100_000;
        var failing = QualityRedecision.Redecide(copy, strict, Now);
        Assert.Equal(OutputStatus.Rejected, failing.Status);
        Assert.Equal([QualityReasons.GopherShortDoc], failing.Reasons);
        Assert.Equal("quality", failing.Rejection!.Stage);
        Assert.Equal(copy.Dedup, failing.Dedup);
    }

    [Fact]
    public async Task A_document_rejected_before_the_quality_stage_is_left_as_it_was()
    {
        var (rejected, _) = await RunTwice("\u00A0 \n"u8.ToArray());
        Assert.Null(rejected.Quality);
        var lenient = new QualityOptions { Enabled = true, DisabledReasons = [.. QualityReasons.All] };
        Assert.Same(rejected, QualityRedecision.Redecide(rejected, lenient, Now));
    }

    [Fact]
    public async Task Disabling_every_rule_accepts_a_quality_rejection_and_flags_that_dedup_never_ran()
    {
        var (rejected, _) = await RunTwice("Too short to be an article."u8.ToArray());
        Assert.Equal("quality", rejected.Rejection!.Stage);
        var accepted = QualityRedecision.Redecide(rejected, new QualityOptions { DisabledReasons = [.. QualityReasons.All] }, Now);
        Assert.Equal(OutputStatus.Accepted, accepted.Status);
        Assert.Empty(accepted.Reasons);
        Assert.Null(accepted.Rejection);
        Assert.Equal([FlagCodes.DedupNotChecked], accepted.Flags);
        Assert.Empty(accepted.Quality!.Failed);
        Assert.Equal(rejected.Quality!.Signals, accepted.Quality.Signals);
    }

    private static async Task<(OutputDocument First, OutputDocument Second)> RunTwice(byte[] content)
    {
        var options = new PipelineOptions();
        var pipeline = new TextPipeline(TextPipelineBuilder.StandardStages(options, PipelineServices.InMemory()));
        var factory = new OutputDocumentFactory(options, TimeProvider.System);
        var first = await pipeline.RunAsync(new DocumentSource("in", "a.txt", "\"1\"", content.Length), content, CancellationToken.None);
        var second = await pipeline.RunAsync(new DocumentSource("in", "b.txt", "\"2\"", content.Length), content, CancellationToken.None);
        return (factory.FromResult(first), factory.FromResult(second));
    }
}

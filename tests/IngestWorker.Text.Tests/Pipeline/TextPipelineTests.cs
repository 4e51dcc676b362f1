using System.Text;
using IngestWorker.Text.Dedup;
using IngestWorker.Text.Dedup.Near;
using IngestWorker.Text.Pipeline;
using IngestWorker.Text.Templates;

namespace IngestWorker.Text.Tests.Pipeline;

public sealed class TextPipelineTests
{
    private static readonly DocumentSource Source = new("incoming", "a.txt", "\"e1\"", 0);

    [Fact]
    public async Task Clean_text_is_accepted_normalised_and_hashed()
    {
        var pipeline = Standard(new InMemoryExactDuplicateIndex());
        var result = await Run(pipeline, "a.txt", "Hello\u00A0world.\r\n\r\n\r\nSecond   paragraph.  ");

        Assert.True(result.IsAccepted);
        Assert.Equal("Hello world.\n\nSecond paragraph.", result.Document.Text);
        Assert.Equal(ContentHash.Sha256Hex("Hello world.\n\nSecond paragraph."), result.Document.Dedup!.ContentHash);
        Assert.Null(result.Document.Dedup.DuplicateOf);
        Assert.Equal(["size_limit", "detect_format", "decompress", "decode", "read", "normalize", "boilerplate", "exact_dedup"], result.StagesRun);
    }

    [Fact]
    public async Task A_second_copy_is_rejected_naming_the_first_and_the_first_stays_accepted_when_seen_again()
    {
        var index = new InMemoryExactDuplicateIndex();
        var pipeline = Standard(index);
        await Run(pipeline, "first.txt", "Identical words.");

        var copy = await Run(pipeline, "second.txt", "Identical   words.\n");
        Assert.Equal(ReasonCodes.DuplicateExact, copy.Rejection!.Code);
        Assert.Equal("first.txt", copy.Document.Dedup!.DuplicateOf);
        Assert.Contains("first.txt", copy.Rejection.Message);

        var again = await Run(pipeline, "first.txt", "Identical words.");
        Assert.True(again.IsAccepted);
    }

    [Fact]
    public async Task An_input_over_the_limit_is_rejected_by_its_declared_size_without_its_bytes()
    {
        var pipeline = Standard(new InMemoryExactDuplicateIndex(), new PipelineOptions { MaxInputBytes = 100 });
        var result = await pipeline.RunAsync(Source with { ContentLength = 101 }, ReadOnlyMemory<byte>.Empty, CancellationToken.None);

        Assert.Equal(ReasonCodes.TooLarge, result.Rejection!.Code);
        Assert.Contains("101", result.Rejection.Message);
        Assert.Contains("maxInputBytes", result.Rejection.Message);
        Assert.Null(result.Document.Text);
    }

    [Fact]
    public async Task The_first_rejection_ends_the_run()
    {
        var later = new RecordingStage();
        var pipeline = new TextPipeline([.. TextPipelineBuilder.StandardStages(new PipelineOptions(), PipelineServices.InMemory()), later]);
        var result = await Run(pipeline, "a.txt", "\u200B \u00A0");

        Assert.Equal(ReasonCodes.Empty, result.Rejection!.Code);
        Assert.Equal("normalize", result.Rejection.Stage);
        Assert.Equal(0, later.Calls);
        Assert.Equal(["size_limit", "detect_format", "decompress", "decode", "read", "normalize"], result.StagesRun);
    }

    [Fact]
    public async Task Every_stage_that_ran_is_timed_in_order_including_the_one_that_rejected()
    {
        var slow = new DelayStage("slow", TimeSpan.FromMilliseconds(60));
        var pipeline = new TextPipeline([slow, new RejectingStage(), new RecordingStage()]);
        var result = await Run(pipeline, "a.txt", "text");

        Assert.Equal(["slow", "rejecting"], result.StageTimings.Select(t => t.Stage));
        Assert.Equal(result.StagesRun, result.StageTimings.Select(t => t.Stage));
        // The wait counts: stages backed by storage spend most of their time awaiting it.
        Assert.True(result.StageTimings[0].Elapsed >= TimeSpan.FromMilliseconds(50), $"{result.StageTimings[0].Elapsed}");
        Assert.True(result.StageTimings[1].Elapsed >= TimeSpan.Zero);
    }

    [Fact]
    public async Task Each_stage_records_the_text_length_it_found_and_left_including_the_one_that_rejected()
    {
        var pipeline = new TextPipeline([new SetTextStage("set", "Hello brave new world"), new SetTextStage("trim", "Hello world"), new RejectingStage(), new RecordingStage()]);
        var result = await Run(pipeline, "a.txt", "ignored");

        Assert.Equal([new StageCharacters("set", 0, 21), new StageCharacters("trim", 21, 11), new StageCharacters("rejecting", 11, 11)], result.StageCharacters);
        Assert.Equal([0, 10, 0], result.StageCharacters.Select(c => c.Removed));
    }

    [Fact]
    public async Task In_the_standard_stages_each_length_continues_the_last_and_ends_at_the_kept_text()
    {
        var pipeline = Standard(new InMemoryExactDuplicateIndex());
        var input = "<!doctype html><html><body><nav><a href=\"/\">Home</a> <a href=\"/n\">News</a></nav><article><h1>Title of it</h1>"
            + "<p>The council met on Tuesday and voted on the new plan for the river bank, which has been argued about for years.</p>"
            + "<p>Residents said they were pleased that the matter was settled at last, though some still want a public vote.</p></article>"
            + "<footer>Copyright 2024 Example News. All rights reserved.</footer></body></html>";
        var result = await Run(pipeline, "a.html", input);

        Assert.True(result.IsAccepted, result.Rejection?.Message);
        var chars = result.StageCharacters;
        Assert.Equal(result.StagesRun, chars.Select(c => c.Stage));
        Assert.All(chars.TakeWhile(c => c.Stage != "decode"), c => Assert.Equal((0, 0), (c.Before, c.After)));
        Assert.Equal(input.Length, chars.Single(c => c.Stage == "decode").After);
        for (var i = 1; i < chars.Count; i++)
            Assert.Equal(chars[i - 1].After, chars[i].Before);
        // The reader drops markup and the navigation; what it kept is what normalisation starts from.
        var read = chars.Single(c => c.Stage == "read");
        Assert.True(read.Removed > input.Length / 3, $"{read}");
        Assert.Equal(result.Document.Text!.Length, chars[^1].After);
    }

    [Fact]
    public async Task A_document_over_its_time_budget_is_rejected_too_complex_by_the_stage_that_ran()
    {
        var later = new RecordingStage();
        var pipeline = new TextPipeline([new SetTextStage("set", "text"), new SpinningStage(), later], TimeSpan.FromMilliseconds(1));
        var result = await Run(pipeline, "a.txt", "text");

        Assert.Equal(ReasonCodes.TooComplex, result.Rejection?.Code);
        Assert.Equal("spinning", result.Rejection!.Stage);
        Assert.Contains("maxDocumentTime", result.Rejection.Message);
        Assert.Equal(0, later.Calls);
        Assert.Equal(["set", "spinning"], result.StagesRun);
    }

    [Fact]
    public async Task A_document_over_its_time_budget_in_a_waiting_stage_is_rejected_too_complex()
    {
        var pipeline = new TextPipeline([new DelayStage("stuck", Timeout.InfiniteTimeSpan)], TimeSpan.FromMilliseconds(1));
        var result = await Run(pipeline, "a.txt", "text");
        Assert.Equal(ReasonCodes.TooComplex, result.Rejection?.Code);
    }

    [Fact]
    public async Task The_callers_cancellation_still_abandons_the_document_instead_of_rejecting_it()
    {
        var pipeline = new TextPipeline([new DelayStage("stuck", Timeout.InfiniteTimeSpan)], TimeSpan.FromHours(1));
        using var shutdown = new CancellationTokenSource();
        var bytes = Encoding.UTF8.GetBytes("text");
        var run = pipeline.RunAsync(Source with { ContentLength = bytes.Length }, bytes, shutdown.Token).AsTask();
        shutdown.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task Without_a_budget_a_slow_stage_is_not_stopped()
    {
        var pipeline = new TextPipeline([new DelayStage("slow", TimeSpan.FromMilliseconds(20))]);
        var result = await Run(pipeline, "a.txt", "text");
        Assert.True(result.IsAccepted);
    }

    [Fact]
    public void A_budget_that_is_not_positive_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TextPipeline([new RecordingStage()], TimeSpan.Zero));

    [Fact]
    public void Two_stages_with_one_name_are_refused() =>
        Assert.Throws<ArgumentException>(() => new TextPipeline([new RecordingStage(), new RecordingStage()]));

    // These tests drive the pipeline's mechanics with one-line texts, which the quality rules would
    // reject; the quality stage has its own tests (Quality/QualityStageTests).
    private static TextPipeline Standard(IExactDuplicateIndex index, PipelineOptions? options = null)
    {
        options ??= new PipelineOptions();
        options.Quality.Enabled = false;
        options.NearDuplicates.Enabled = false;
        return new(TextPipelineBuilder.StandardStages(options, new PipelineServices(index, new InMemorySiteTemplateIndex(), NearDuplicates: new InMemoryNearDuplicateIndex())));
    }

    private static ValueTask<PipelineResult> Run(TextPipeline pipeline, string name, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return pipeline.RunAsync(Source with { Name = name, ContentLength = bytes.Length }, bytes, CancellationToken.None);
    }

    private sealed class DelayStage(string name, TimeSpan delay) : IPipelineStage
    {
        public string Name => name;

        public async ValueTask<StageVerdict> ProcessAsync(PipelineDocument document, CancellationToken cancellationToken)
        {
            await Task.Delay(delay, cancellationToken);
            return StageVerdict.Continue;
        }
    }

    /// <summary>Synchronous CPU work that checks its token, as the real stages do in their long loops.</summary>
    private sealed class SpinningStage : IPipelineStage
    {
        public string Name => "spinning";

        public ValueTask<StageVerdict> ProcessAsync(PipelineDocument document, CancellationToken cancellationToken)
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Thread.SpinWait(1000);
            }
        }
    }

    private sealed class SetTextStage(string name, string text) : IPipelineStage
    {
        public string Name => name;

        public ValueTask<StageVerdict> ProcessAsync(PipelineDocument document, CancellationToken cancellationToken)
        {
            document.Text = text;
            return ValueTask.FromResult(StageVerdict.Continue);
        }
    }

    private sealed class RejectingStage : IPipelineStage
    {
        public string Name => "rejecting";

        public ValueTask<StageVerdict> ProcessAsync(PipelineDocument document, CancellationToken cancellationToken) =>
            ValueTask.FromResult(StageVerdict.Reject(Name, ReasonCodes.Empty, "Nothing to keep."));
    }

    private sealed class RecordingStage : IPipelineStage
    {
        public int Calls { get; private set; }

        public string Name => "recording";

        public ValueTask<StageVerdict> ProcessAsync(PipelineDocument document, CancellationToken cancellationToken)
        {
            Calls++;
            return ValueTask.FromResult(StageVerdict.Continue);
        }
    }
}

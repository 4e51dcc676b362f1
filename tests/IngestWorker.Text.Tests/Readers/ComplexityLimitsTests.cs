using System.Text;
using IngestWorker.Text.Pipeline;
using IngestWorker.Text.Readers;

namespace IngestWorker.Text.Tests.Readers;

public sealed class ComplexityLimitsTests
{
    private static readonly DocumentSource Source = new("incoming", "a.txt", "\"e\"", 0);

    [Fact]
    public void Lines_count_only_when_they_hold_more_than_spaces_and_counting_stops_past_the_limit()
    {
        Assert.Equal(3, ComplexityLimits.CountNonBlankLines("one\n\n two\n \nthree", 100));
        Assert.Equal(0, ComplexityLimits.CountNonBlankLines("", 100));
        Assert.Equal(1, ComplexityLimits.CountNonBlankLines("last line without a break", 100));
        Assert.Equal(6, ComplexityLimits.CountNonBlankLines(string.Concat(Enumerable.Repeat("a\n", 1000)), 5));
    }

    [Fact]
    public void Start_tags_are_a_less_than_sign_before_a_letter()
    {
        Assert.Equal(3, ComplexityLimits.CountStartTags("<html><p>a < b</p><!-- c --><br/>", 100));
        Assert.Equal(0, ComplexityLimits.CountStartTags("1 < 2 and <3 <", 100));
        Assert.Equal(11, ComplexityLimits.CountStartTags(string.Concat(Enumerable.Repeat("<i>", 100)), 10));
    }

    [Theory]
    [InlineData("a.txt")]
    [InlineData("a.md")]
    public async Task Text_with_more_lines_than_maxBlocks_is_too_complex_and_at_the_limit_it_is_read(string name)
    {
        var options = new PipelineOptions { MaxBlocks = 200 };
        var over = await Run(options, name, Lines(201));
        var at = await Run(options, name, Lines(200) + "\n\n\n");

        Assert.Equal(ReasonCodes.TooComplex, over.Rejection?.Code);
        Assert.Equal("read", over.Rejection!.Stage);
        Assert.Contains("maxBlocks", over.Rejection.Message);
        Assert.Null(over.Document.Page);
        Assert.NotEqual(ReasonCodes.TooComplex, at.Rejection?.Code);
        Assert.NotNull(at.Document.Page);
    }

    [Fact]
    public async Task Html_with_more_tags_than_maxHtmlElements_is_too_complex_without_being_parsed()
    {
        var options = new PipelineOptions { MaxHtmlElements = 100 };
        var html = "<html><body>" + string.Concat(Enumerable.Repeat("<p>a</p>", 99)) + "</body></html>";

        var over = await Run(options, "a.html", html);

        Assert.Equal(ReasonCodes.TooComplex, over.Rejection?.Code);
        Assert.Contains("maxHtmlElements", over.Rejection!.Message);
        Assert.Null(over.Document.Page);
        var under = await Run(options, "a.html", html.Replace("<html>", "", StringComparison.Ordinal));
        Assert.NotEqual(ReasonCodes.TooComplex, under.Rejection?.Code);
    }

    [Fact]
    public async Task An_html_page_of_few_tags_but_more_blocks_than_maxBlocks_is_too_complex_once_read()
    {
        var options = new PipelineOptions { MaxBlocks = 100 };
        var html = "<html><body><pre>" + Lines(150) + "</pre>" + string.Concat(Enumerable.Range(0, 120).Select(i => $"<br>line {i} of words")) + "</body></html>";

        var result = await Run(options, "a.html", html);

        Assert.Equal(ReasonCodes.TooComplex, result.Rejection?.Code);
        Assert.Contains("blocks", result.Rejection!.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_json_article_whose_body_is_too_complex_is_refused_before_the_body_is_read(bool htmlBody)
    {
        var options = new PipelineOptions { MaxBlocks = 100, MaxHtmlElements = 100 };
        var body = htmlBody ? string.Concat(Enumerable.Repeat("<p>a</p>", 150)) : Lines(150);
        var json = System.Text.Json.JsonSerializer.Serialize(new { title = "T", text = body });

        var result = await Run(options, "a.json", json);

        Assert.Equal(ReasonCodes.TooComplex, result.Rejection?.Code);
        Assert.Null(result.Document.Page);
    }

    private static string Lines(int count) => string.Join("\n", Enumerable.Range(0, count).Select(i => $"Line {i} of an ordinary text."));

    private static async Task<PipelineResult> Run(PipelineOptions options, string name, string text)
    {
        var pipeline = new TextPipeline(TextPipelineBuilder.StandardStages(options, PipelineServices.InMemory()));
        var content = Encoding.UTF8.GetBytes(text);
        return await pipeline.RunAsync(Source with { Name = name, ContentLength = content.Length }, content, CancellationToken.None);
    }
}

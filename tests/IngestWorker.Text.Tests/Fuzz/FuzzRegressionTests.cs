using System.Text;
using IngestWorker.Text.Cleaning;
using IngestWorker.Text.Decoding;
using IngestWorker.Text.Html;
using IngestWorker.Text.Normalization;
using IngestWorker.Text.Pipeline;
using IngestWorker.Text.Quality;

namespace IngestWorker.Text.Tests.Fuzz;

/// <summary>
/// Every failure the fuzz properties found, shrunk to the smallest input that shows it, as a plain
/// test that fails without its fix.
/// </summary>
public sealed class FuzzRegressionTests
{
    [Theory]
    [InlineData("a.txt")]
    [InlineData("a.md")]
    [InlineData("a.html")]
    public void A_byte_swapped_byte_order_mark_in_the_text_is_removed_instead_of_crashing_the_run(string name)
    {
        // U+FFFE is valid UTF-8 (EF BF BE), and .NET's NFC check throws on it.
        var result = Run(name, "<p>Hello\uFFFE world, and goodbye.</p>");

        Assert.DoesNotContain('\uFFFE', result.Document.Text ?? "");
        Assert.Equal("Hello world.", TextNormalizer.Normalize("Hello\uFFFE world."));
    }

    [Fact]
    public void A_page_declaring_utf_7_is_read_without_its_declaration()
    {
        // .NET knows the label but refuses to decode UTF-7 (NotSupportedException, not ArgumentException).
        Assert.Null(DeclaredCharset.Resolve("utf-7"));
        var result = Run("a.html", "<meta charset=\"utf-7\"><p>Hello world, and goodbye.</p>");

        Assert.Equal("utf-8", result.Document.Decoding?.Encoding);
    }

    [Theory]
    [InlineData("{\"text\":\"\\ud800\"}")]
    [InlineData("{\"text\":\"Hello world, and goodbye.\",\"\\udfff\":1}")]
    [InlineData("{\"title\":\"a\\ud800\\u00e9\",\"text\":\"Hello world, and goodbye.\"}")]
    public void Json_with_an_escaped_lone_surrogate_is_a_format_mismatch_not_a_crash(string json)
    {
        var result = Run("a.json", json);

        Assert.Equal(ReasonCodes.FormatMismatch, result.Rejection?.Code);
        Assert.Contains("not valid Unicode", result.Rejection!.Message);
    }

    [Fact]
    public void Json_ld_with_an_escaped_lone_surrogate_is_ignored_like_broken_json_ld()
    {
        var page = new HtmlArticleExtractor().Extract(
            "<script type=\"application/ld+json\">{\"headline\":\"\\ud800\"}</script><meta property=\"og:title\" content=\"Title\"><p>Hello world.</p>");

        Assert.Equal("Title", page.Metadata.Title);
    }

    [Theory]
    [InlineData("<link rel=\"canonical\" href=\"% \uD83D\uDE00\"><p>Hello world.</p>")]
    [InlineData("<meta property=\"og:url\" content=\"https://example.com/%\n\uD83D\uDE00\"><p>Hello world.</p>")]
    public void A_page_url_that_dotnet_unescapes_into_a_lone_surrogate_is_kept_escaped(string html)
    {
        // Uri.ToString() turns "% 😀" into "%25 \uD83D%EF%BF%BD": half a surrogate pair.
        var url = new HtmlArticleExtractor().Extract(html, "https://example.com/a").Metadata.Url;

        Assert.NotNull(url);
        Assert.StartsWith("https://example.com/%25", url);
        Assert.All(url, c => Assert.False(char.IsSurrogate(c), url));
    }

    [Theory]
    [InlineData("Hello world.")]
    [InlineData("\"a\" \"a\" \"a\" \"a\" \"a\" \"a\" \"a\" \"a\" \"a\" \"a\" \"a\" \"a\"")]
    [InlineData("\"\" \"\" \"\" \"\" \"\" \"\" \"\" \"\" \"\" \"\" \"\" \"\"")]
    public void N_gram_character_shares_stay_fractions_when_the_tokens_are_longer_than_the_text(string text)
    {
        // Before: top_3_gram_char_frac 13/12 for "Hello world.", up to 3.46 (top 4-gram) and 1.2
        // (duplicated 7-grams) for the quotes, which NLTK's tokens write as `` and ''.
        var signals = QualitySignals.Compute(text, "en");

        Assert.All(signals.Where(s => s.Key.EndsWith("_frac", StringComparison.Ordinal)), s => Assert.InRange(s.Value, 0, 1));
        Assert.Equal(1, signals[QualitySignals.Top3GramCharFrac]);
    }

    [Theory]
    [InlineData("31 de fevereiro de 2020")]
    [InlineData("Feb 30, 2019")]
    [InlineData("29.02.2021")]
    [InlineData("April 31, 2020 at 9:24 pm")]
    public void A_day_that_its_month_does_not_have_is_not_a_date(string line) =>
        Assert.Null(DateText.Find(line));

    [Theory]
    [InlineData("Nov 18, 006\u07C0")]
    [InlineData("18.11.006\u07C0")]
    public void Digits_of_other_scripts_are_not_read_as_ascii_digits(string line) =>
        // N'Ko zero (U+07C0) minus '0' is 1936: "006߀" was the year 1996.
        Assert.Null(DateText.Find(line));

    [Fact]
    public void The_29th_of_February_is_a_date_in_a_leap_year() =>
        Assert.Equal("2020-02-29", DateText.Find("29 de fevereiro de 2020")?.Iso);

    private static PipelineResult Run(string name, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var pipeline = new TextPipeline(TextPipelineBuilder.StandardStages(new PipelineOptions(), PipelineServices.InMemory()));
        return pipeline.RunAsync(new DocumentSource("incoming", name, "\"etag\"", bytes.Length), bytes, CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }
}

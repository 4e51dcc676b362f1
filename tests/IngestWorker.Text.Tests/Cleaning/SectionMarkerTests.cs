using IngestWorker.Text.Cleaning;
using IngestWorker.Text.Extraction;
using IngestWorker.Text.Html;

namespace IngestWorker.Text.Tests.Cleaning;

/// <summary>
/// In the article the HTML reader chose, a soft end marker ("Top picks", "Related") ends the
/// article only when less of its prose follows than came before: a buying guide's reviews under
/// a "Top picks" heading are the article.
/// </summary>
public sealed class SectionMarkerTests
{
    private const string Intro = "I bake bread at home every week, and a good machine saves me an hour of kneading on the busy days when there is no time for the whole process.";

    private static readonly string[] Reviews =
    [
        "The first machine we tested has a paddle that folds away after kneading, so the loaf comes out without the usual hole in its base, and it kept every crust even.",
        "The second one is compact enough for a small kitchen and still bakes a two pound loaf, although the outside gets hot during baking and it is louder than the rest.",
        "The third machine heats from above as well as below, which browns the top of the loaf the way an oven does, and its manual comes with dozens of good recipes.",
    ];

    private static string Page(string body) =>
        $"<html><head><title>The best bread machines</title></head><body><article><h1>The best bread machines</h1>{body}</article></body></html>";

    private static CleanedPage Clean(string html) => new BoilerplateCleaner(new BoilerplateOptions()).Clean(new HtmlArticleExtractor().Extract(html));

    // A review: the product's name, what we like in a short list, then the paragraph.
    private static string Review(int i, string paragraph) =>
        $"<h3>Bread machine number {i}</h3><p>What we like</p><ul><li>Quiet</li><li>Easy to clean</li></ul><p>{paragraph}</p>";

    [Fact]
    public void A_marker_with_most_of_the_article_below_it_is_a_section_heading()
    {
        var html = Page($"<p>{Intro}</p><h2>Top picks</h2>" + string.Concat(Reviews.Select((r, i) => Review(i + 1, r))));

        var cleaned = Clean(html);

        Assert.All(Reviews, r => Assert.Contains(r, cleaned.Text));
    }

    [Fact]
    public void A_marker_after_most_of_the_article_still_ends_it()
    {
        var teaser = "Our guide to sourdough starters explains how to keep one alive for years, with a feeding plan for every week of the year.";
        var html = Page($"<p>{Intro}</p>" + string.Concat(Reviews.Select((r, i) => Review(i + 1, r))) + $"<h2>Top picks</h2><p>{teaser}</p>");

        var cleaned = Clean(html);

        Assert.All(Reviews, r => Assert.Contains(r, cleaned.Text));
        Assert.Contains(cleaned.Removed, r => r.Text == teaser && r.Reason == BoilerplateReasons.EndOfArticle);
    }
}

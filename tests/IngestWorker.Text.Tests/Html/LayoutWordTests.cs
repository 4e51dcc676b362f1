using IngestWorker.Text.Extraction;
using IngestWorker.Text.Html;

namespace IngestWorker.Text.Tests.Html;

/// <summary>
/// A class word that names most of a page's prose is that page's layout vocabulary (a page
/// builder's "widget" on every block), not a sidebar or a menu; the same word on a small box
/// still marks furniture.
/// </summary>
public sealed class LayoutWordTests
{
    private static readonly string[] Paragraphs =
    [
        "The council voted on Tuesday to expand the city's bus network, adding three new routes that will connect the northern suburbs with the hospital.",
        "Officials said the first buses would run in the spring, and that the fares would stay the same for at least two years, although the budget is under review.",
        "Residents who spoke at the meeting were broadly in favour, but several of them asked why the plan had taken so long and whether the night service would return.",
        "The mayor answered that the delay was caused by the shortage of drivers, which has affected every city in the region, and promised a report by the end of the year.",
    ];

    private static List<string> Kept(PageContent page) => page.Blocks.Where(b => b.RemovedBy is null).Select(b => b.Text).ToList();

    [Fact]
    public void A_page_builder_that_calls_every_block_a_widget_keeps_its_article()
    {
        var widgets = string.Concat(Paragraphs.Select(p =>
            $"<div class=\"builder-widget builder-widget-text\"><div class=\"builder-widget-container\"><p>{p}</p></div></div>"));
        var html = "<html><head><title>Buses are coming</title></head><body>"
            + "<nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav>"
            + $"<div class=\"builder-section\"><div class=\"builder-widget builder-widget-heading\"><h1>Buses are coming</h1></div>{widgets}</div>"
            + "<footer><p>All rights reserved.</p></footer></body></html>";

        var page = new HtmlArticleExtractor().Extract(html);

        Assert.Equal(Paragraphs, Kept(page));
    }

    [Fact]
    public void A_widget_that_holds_a_small_part_of_the_page_is_still_a_sidebar()
    {
        var article = string.Concat(Paragraphs.Select(p => $"<p>{p}</p>"));
        var html = "<html><head><title>Buses are coming</title></head><body>"
            + $"<div class=\"content\"><h1>Buses are coming</h1>{article}</div>"
            + "<div class=\"widget\"><h3>About us</h3><p>We are a small team of local reporters who have covered the city since the year two thousand and one, with help from readers.</p></div>"
            + "</body></html>";

        var page = new HtmlArticleExtractor().Extract(html);

        Assert.Equal(Paragraphs, Kept(page));
        Assert.NotNull(page.Blocks.Single(b => b.Text.StartsWith("We are a small team", StringComparison.Ordinal)).RemovedBy);
    }

    // A shop's results page: a search box in the header, the grid of results in a "search" wrapper.
    private static string ResultsPage(string wrapper, string results, int menuLinks = 0) =>
        "<html><head><title>Packs</title></head><body><header><div class=\"search-box\"><p>Search our store</p></div>"
        + (menuLinks == 0 ? "" : "<nav><ul>" + string.Concat(Enumerable.Range(1, menuLinks).Select(i => $"<li><a href=\"/c{i}\">Camping and hiking category {i}</a></li>")) + "</ul></nav>")
        + "</header>"
        + $"<div class=\"{wrapper}\"><h1>Backpacking packs</h1><ul class=\"{results}\">"
        + string.Concat(Enumerable.Range(1, 10).Select(i => $"<li><a href=\"/p{i}\">Trail pack {i}, 60 litres</a><p>$1{i}9.00</p><p>Light frame, rain cover</p></li>"))
        + "</ul></div></body></html>";

    [Theory]
    [InlineData("grid", "search-results")]
    [InlineData("search-page-wrapper", "grid")]
    public void Search_results_and_a_search_page_wrapper_are_what_the_page_lists(string wrapper, string results)
    {
        var page = new HtmlArticleExtractor().Extract(ResultsPage(wrapper, results));

        Assert.True(page.Blocks.Single(b => b.Text == "Trail pack 7, 60 litres").InMainRegion);
        Assert.False(page.Blocks.Single(b => b.Text == "Search our store").InMainRegion);
    }

    [Fact]
    public void A_search_page_wrapper_beside_a_mega_menu_is_still_what_the_page_lists()
    {
        // The menu holds three times the grid's text: only the text outside the site's header,
        // menus and footer says what the page is about.
        var page = new HtmlArticleExtractor().Extract(ResultsPage("search-page-wrapper", "grid", menuLinks: 60));

        Assert.All(page.Blocks.Where(b => b.Text.StartsWith("Trail pack", StringComparison.Ordinal)), b => Assert.True(b.InMainRegion));
        Assert.Equal(10, page.Blocks.Count(b => b.Text.StartsWith("Trail pack", StringComparison.Ordinal)));
    }
}

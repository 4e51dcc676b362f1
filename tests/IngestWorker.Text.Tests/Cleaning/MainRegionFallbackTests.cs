using IngestWorker.Text.Cleaning;
using IngestWorker.Text.Extraction;
using IngestWorker.Text.Html;
using IngestWorker.Text.Readers;

namespace IngestWorker.Text.Tests.Cleaning;

/// <summary>
/// A page whose article engine finds next to nothing keeps its main region instead, by markup;
/// a page that says it is an article, and plain text, keep the engine's answer.
/// </summary>
public sealed class MainRegionFallbackTests
{
    private static readonly BoilerplateOptions Options = new();

    // A category page: a menu, a grid of product cards (names are links, prices and blurbs short), a footer.
    private static string Listing(string head = "") => $$"""
        <html><head><title>Backpacks | Example Outdoor</title>{{head}}</head><body>
        <nav><ul><li><a href="/">Home</a></li><li><a href="/packs">Packs</a></li><li><a href="/tents">Tents</a></li></ul></nav>
        <main><h1>Backpacking packs</h1>
        {{string.Concat(Enumerable.Range(1, 12).Select(i => $"<div class=\"card\"><a href=\"/p{i}\">Trail pack {i}, 60 litres</a><p>$1{i}9.00</p><p>Light frame, rain cover included</p></div>"))}}
        </main>
        <footer><p>Copyright Example Outdoor. All rights reserved.</p></footer>
        </body></html>
        """;

    [Fact]
    public void A_page_without_an_article_keeps_its_main_region_and_not_its_menus()
    {
        var page = new HtmlArticleExtractor().Extract(Listing());
        var article = new BoilerplateCleaner(Options).Clean(page);

        var recovered = MainRegionFallback.Recover(page, article, Options);

        Assert.NotNull(recovered);
        Assert.Contains("Trail pack 7, 60 litres", recovered.Text);
        Assert.Contains("Light frame, rain cover included", recovered.Text);
        Assert.DoesNotContain("Tents", recovered.Text);
        Assert.DoesNotContain("All rights reserved", recovered.Text);
    }

    [Fact]
    public void A_page_that_declares_an_article_keeps_the_engines_answer_down_to_a_brief()
    {
        var page = new HtmlArticleExtractor().Extract(Listing("<meta property=\"og:type\" content=\"article\">"));
        var article = new BoilerplateCleaner(Options).Clean(page);

        Assert.True(page.Metadata.DeclaresArticle);
        // The same grid: above the declared floor only if the engine kept 50 words or more.
        var expected = article.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length < Options.MinDeclaredArticleWords;
        Assert.Equal(expected, MainRegionFallback.Recover(page, article, Options) is not null);
        Assert.Null(MainRegionFallback.Recover(page, article, new BoilerplateOptions { MinDeclaredArticleWords = 0 }));
    }

    [Theory]
    [InlineData("""<script type="application/ld+json">{"@graph":[{"@type":"WebPage","name":"Backpacks"}]}</script>""", false, true)]
    [InlineData("""<script type="application/ld+json">{"@graph":[{"@type":"WebPage"},{"@type":"BlogPosting","headline":"Backpacks"}]}</script>""", true, false)]
    [InlineData("", true, false)]
    public void An_og_type_article_that_the_json_ld_calls_a_web_page_is_a_weak_claim(string jsonLd, bool declared, bool openGraphOnly)
    {
        var page = new HtmlArticleExtractor().Extract(Listing("<meta property=\"og:type\" content=\"article\">" + jsonLd));

        Assert.Equal(declared, page.Metadata.DeclaresArticle);
        Assert.Equal(openGraphOnly, page.Metadata.ArticleByOpenGraphOnly);
    }

    [Fact]
    public void A_page_tagged_article_only_by_og_type_has_its_own_floor()
    {
        var page = new HtmlArticleExtractor().Extract(Listing("""<meta property="og:type" content="article"><script type="application/ld+json">{"@type":"WebPage"}</script>"""));
        var article = new BoilerplateCleaner(Options).Clean(page);

        // Only the og:type floor decides: the others are set to the opposite answer.
        Assert.NotNull(MainRegionFallback.Recover(page, article, new BoilerplateOptions { MinOpenGraphArticleWords = 100_000, MinArticleWords = 0, MinDeclaredArticleWords = 0 }));
        Assert.Null(MainRegionFallback.Recover(page, article, new BoilerplateOptions { MinOpenGraphArticleWords = 0, MinArticleWords = 100_000, MinDeclaredArticleWords = 100_000 }));
    }

    // A service page read as blocks: the engine found its first section; the others are its main region too.
    private static (PageContent Page, CleanedPage Article) ServicePage(string type, int sections)
    {
        var section = Enumerable.Range(1, sections).Select(i =>
            $"Our consultants review section {i} of your security programme, test every control that protects your customers, and write a plan your board can act on within a month.").ToList();
        var blocks = section.Select((text, i) => new ContentBlock(text) { InMainRegion = true, RemovedBy = i == 0 ? null : BoilerplateReasons.OutsideMainContent }).ToList();
        var page = new PageContent(blocks, new PageMetadata()) { Type = new IngestWorker.Text.Extraction.PageTypes.PageType(type, 0.6) };
        var article = new CleanedPage(string.Concat(Enumerable.Repeat(section[0] + " ", 20)), null, page.Metadata, Enumerable.Repeat(section[0], 20).ToList(), []);
        return (page, article);
    }

    [Theory]
    [InlineData("service", 30, true)]    // 30 sections of prose against the engine's 20 copies of one: 1.5 times, and 200 words more
    [InlineData("service", 25, false)]   // 25 against 20: not 1.5 times
    [InlineData("article", 60, false)]   // an article's engine answer stands
    [InlineData("forum", 60, false)]     // so does a thread's
    public void A_page_that_is_not_an_article_keeps_its_region_when_that_holds_well_more_prose(string type, int sections, bool recovered)
    {
        var (page, article) = ServicePage(type, sections);

        Assert.Equal(recovered, MainRegionFallback.Recover(page, article, Options) is not null);
        Assert.Null(MainRegionFallback.Recover(page, article, new BoilerplateOptions { MinSpreadProseWords = 0 }));
    }

    [Fact]
    public void Plain_text_has_no_markup_to_fall_back_on()
    {
        var page = PlainTextReader.Read("Home\nPacks\nTents\nTrail pack 1\n$119.00");
        var article = new BoilerplateCleaner(Options).Clean(page);

        Assert.All(page.Blocks, b => Assert.Null(b.InMainRegion));
        Assert.Null(MainRegionFallback.Recover(page, article, Options));
    }

    [Fact]
    public void Turned_off_it_never_applies()
    {
        var page = new HtmlArticleExtractor().Extract(Listing());
        var article = new BoilerplateCleaner(Options).Clean(page);

        Assert.Null(MainRegionFallback.Recover(page, article, new BoilerplateOptions { MinArticleWords = 0 }));
    }

    [Fact]
    public void A_product_page_keeps_its_description_and_not_the_reviews_or_other_products()
    {
        const string html = """
            <html><head><title>Trail pack 25 | Example Outdoor</title>
            <script type="application/ld+json">{"@type":"Product","name":"Trail pack 25","offers":{"@type":"Offer","price":"119.00"}}</script></head>
            <body><main><h1>Trail pack 25</h1><p>$119.00</p><button>Add to cart</button>
            <div class="description"><p>A day pack with a frame sheet, a rain cover and pockets for everything.</p>
            <ul><li>Capacity: 25 litres</li><li>Weight: 1 lb 13 oz</li></ul></div>
            <div class="product-reviews"><h2>Reviews</h2><p>Great pack, I carried it up three peaks this summer.</p><p>Comfortable, but the hip belt is thin.</p></div>
            <div class="related"><h2>You may also like</h2><p><a href="/p2">Trail pack 40</a> $149.00</p><p><a href="/p3">Summit bag</a> $89.00</p></div>
            </main></body></html>
            """;
        var page = new HtmlArticleExtractor().Extract(html);
        var article = new BoilerplateCleaner(Options).Clean(page);

        var recovered = MainRegionFallback.Recover(page, article, Options) ?? article;

        Assert.Equal(IngestWorker.Text.Extraction.PageTypes.PageTypes.Product, page.Type!.Type);
        Assert.Contains("A day pack with a frame sheet", recovered.Text);
        Assert.Contains("Capacity: 25 litres", recovered.Text);
        Assert.DoesNotContain("three peaks", recovered.Text);
        Assert.DoesNotContain("Summit bag", recovered.Text);
    }

    [Fact]
    public void A_product_description_shown_again_in_a_tab_and_a_mobile_copy_is_kept_once_but_a_grid_keeps_its_repeated_cards()
    {
        const string description = "A day pack with a frame sheet, a rain cover and pockets for everything you carry.";
        var html = $$$"""
            <html><head><title>Trail pack 25 | Example Outdoor</title>
            <script type="application/ld+json">{"@type":"Product","name":"Trail pack 25","offers":{"@type":"Offer","price":"119.00"}}</script></head>
            <body><main><h1>Trail pack 25</h1><p>$119.00</p><button>Add to cart</button>
            <div class="summary"><p>{{{description}}}</p></div>
            <div class="tabs"><h2>Description</h2><p>{{{description}}}</p><ul><li>Capacity: 25 litres</li><li>Weight: 1 lb 13 oz</li></ul></div>
            <div class="mobile-copy"><p>{{{description}}}</p></div>
            </main></body></html>
            """;
        var page = new HtmlArticleExtractor().Extract(html);
        var recovered = MainRegionFallback.Recover(page, new BoilerplateCleaner(Options).Clean(page), Options);

        Assert.NotNull(recovered);
        Assert.Equal(1, Occurrences(recovered.Text, description));
        Assert.Contains("Capacity: 25 litres", recovered.Text);
        Assert.Equal(2, recovered.Removed.Count(b => b.Reason == BoilerplateReasons.Repeated && b.Text == description));

        // On a category grid, cards that say the same thing are each content.
        var grid = new HtmlArticleExtractor().Extract(Listing().Replace("Light frame, rain cover included", "Light frame, rain cover and hip belt pockets included.", StringComparison.Ordinal));
        var cards = MainRegionFallback.Recover(grid, new BoilerplateCleaner(Options).Clean(grid), Options);
        Assert.NotNull(cards);
        Assert.Equal(12, Occurrences(cards.Text, "Light frame, rain cover and hip belt pockets included."));
    }

    private static int Occurrences(string text, string part) =>
        (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}

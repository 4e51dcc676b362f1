using IngestWorker.Text.Extraction.PageTypes;
using IngestWorker.Text.Html;

namespace IngestWorker.Text.Tests.Extraction;

/// <summary>Each kind of page from the cues that mark it, one case each; and the evidence read from markup.</summary>
public sealed class PageTypeClassifierTests
{
    private static string Classify(PageTypeEvidence evidence) => PageTypeClassifier.Classify(evidence).Type;

    [Fact]
    public void A_page_without_cues_is_an_article_but_unsure()
    {
        var type = PageTypeClassifier.Classify(new PageTypeEvidence { ArticleWords = 300 });
        Assert.Equal(PageTypes.Article, type.Type);
        Assert.Equal(1.0, type.Confidence);
        Assert.True(PageTypeClassifier.Classify(new PageTypeEvidence { Url = "https://example.com/docs/install", ArticleWords = 300 }).Confidence < 1.0);
    }

    [Fact]
    public void A_declared_article_stays_an_article_despite_a_list_of_related_links() =>
        Assert.Equal(PageTypes.Article, Classify(new PageTypeEvidence
        {
            JsonLdTypes = new HashSet<string> { "NewsArticle" }, OgType = "article", HeadlineLinks = 8, ArticleWords = 900,
        }));

    [Fact]
    public void A_thread_is_a_forum() =>
        Assert.Equal(PageTypes.Forum, Classify(new PageTypeEvidence { Url = "https://forum.example.org/t/some-question/123", Posts = 6 }));

    [Fact]
    public void Numbered_posts_and_comment_microdata_make_a_thread_of_a_page_that_says_article()
    {
        // Forum software often puts og:type "article" on every thread; it names, numbers and marks up the posts.
        var thread = new PageTypeEvidence { OgType = "article", Posts = 12, NumberedPosts = 12, ThreadItems = 12 };
        Assert.Equal(PageTypes.Forum, Classify(thread));
        Assert.Equal(PageTypes.Article, Classify(thread with { NumberedPosts = 0, ThreadItems = 2 }));
    }

    [Fact]
    public void One_product_with_a_buy_button_is_a_product_and_a_grid_of_them_a_collection()
    {
        Assert.Equal(PageTypes.Product, Classify(new PageTypeEvidence
        {
            JsonLdTypes = new HashSet<string> { "Product", "Offer" }, JsonLdProducts = 1, Prices = 2, BuyButtons = 1,
        }));
        Assert.Equal(PageTypes.Collection, Classify(new PageTypeEvidence
        {
            JsonLdTypes = new HashSet<string> { "ItemList", "Product" }, JsonLdProducts = 24, Prices = 24, Cards = 24,
            Url = "https://shop.example.com/collections/packs",
        }));
    }

    [Fact]
    public void Many_headline_links_without_prices_are_a_listing() =>
        Assert.Equal(PageTypes.Listing, Classify(new PageTypeEvidence { Url = "https://example.com/blog/", HeadlineLinks = 20, ArticleWords = 200 }));

    [Fact]
    public void Code_and_documentation_furniture_are_documentation() =>
        Assert.Equal(PageTypes.Documentation, Classify(new PageTypeEvidence { CodeBlocks = 7, DocumentationChrome = 2, ArticleWords = 700 }));

    [Fact]
    public void Calls_to_action_on_a_website_are_a_service_page() =>
        Assert.Equal(PageTypes.Service, Classify(new PageTypeEvidence { OgType = "website", CallsToAction = 3, ArticleWords = 120 }));

    [Theory]
    [InlineData("https://example.com/services/data-analytics/")]
    [InlineData("https://example.com/solutions/retail")]
    [InlineData("https://example.com/what-we-do/consulting.html")]
    public void A_page_filed_under_services_or_solutions_is_a_service_page(string url) =>
        Assert.Equal(PageTypes.Service, Classify(new PageTypeEvidence { Url = url, ArticleWords = 300 }));

    [Fact]
    public void The_html_reader_gathers_the_evidence_and_classifies_the_page()
    {
        const string html = """
            <html><head><meta property="og:type" content="product">
            <script type="application/ld+json">{"@type":"Product","name":"Trail pack","offers":{"@type":"Offer","price":"119.00"}}</script>
            </head><body><main><h1>Trail pack</h1><p>$119.00</p><button>Add to cart</button>
            <p>A light pack with a frame that carries sixty litres over a week in the hills, and a rain cover.</p></main></body></html>
            """;
        var type = new HtmlArticleExtractor().Extract(html).Type;

        Assert.NotNull(type);
        Assert.Equal(PageTypes.Product, type.Type);
        Assert.InRange(type.Confidence, 0.5, 1.0);
    }

    [Fact]
    public void The_html_reader_counts_numbered_posts_but_not_numbered_comments()
    {
        static string Page(string prefix) => "<html><head><meta property=\"og:type\" content=\"article\"></head><body><h1>Which pack for a week?</h1>"
            + string.Concat(Enumerable.Range(1, 5).Select(i => $"<div id=\"{prefix}{i}\" class=\"post\" itemscope itemtype=\"https://schema.org/Comment\"><p>Reply number {i}: I carried a sixty litre pack for a week and it was fine.</p></div>"))
            + "</body></html>";

        Assert.Equal(PageTypes.Forum, new HtmlArticleExtractor().Extract(Page("post-")).Type!.Type);
        Assert.NotEqual(PageTypes.Forum, new HtmlArticleExtractor().Extract(Page("comment-").Replace("schema.org/Comment", "schema.org/Thing", StringComparison.Ordinal).Replace("class=\"post\"", "", StringComparison.Ordinal)).Type!.Type);
    }

    [Fact]
    public void A_discussion_around_a_short_summary_is_a_thread_but_a_long_post_with_many_comments_is_an_article()
    {
        var discussion = new PageTypeEvidence { OgType = "article", CommentShare = 0.8, ProseOutsideComments = 600 };
        Assert.Equal(PageTypes.Forum, Classify(discussion));
        Assert.Equal(PageTypes.Article, Classify(discussion with { ProseOutsideComments = 6000 }));
        Assert.Equal(PageTypes.Article, Classify(discussion with { CommentShare = 0.3 }));
    }

    [Fact]
    public void The_html_reader_measures_how_much_of_the_prose_sits_in_comments()
    {
        const string Reply = "I carried a sixty litre pack for a week in the hills and it was fine, though the hip belt rubbed on the third day.";
        var html = "<html><head><meta property=\"og:type\" content=\"article\"></head><body><h1>Which pack for a week?</h1>"
            + "<p>Link: a review of six trail packs, tested over a season in the Alps and the Pyrenees by three walkers.</p>"
            + "<div class=\"comments\">" + string.Concat(Enumerable.Range(1, 4).Select(i => $"<div><p>Reply {i}: {Reply}</p></div>")) + "</div></body></html>";
        var page = new HtmlArticleExtractor().Extract(html);
        var type = page.Type!;

        Assert.Equal(PageTypes.Forum, type.Type);
        // The evidence goes out with the page, as the classifier saw it (the bench's --dump shows it).
        Assert.InRange(page.TypeEvidence!.CommentShare, 0.5, 1.0);
        Assert.Equal(type, PageTypeClassifier.Classify(page.TypeEvidence));
        Assert.Equal(PageTypes.Article, new HtmlArticleExtractor().Extract(html.Replace("class=\"comments\"", "class=\"more\"", StringComparison.Ordinal)).Type!.Type);
    }
}

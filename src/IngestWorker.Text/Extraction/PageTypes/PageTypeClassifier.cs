namespace IngestWorker.Text.Extraction.PageTypes;

/// <summary>
/// Says what kind of page this is from its <see cref="PageTypeEvidence"/>: every cue adds its
/// points to one type (the table below, all on one screen), the type with the most wins, and the
/// confidence is its share of all the points. A page with no cue at all is an article, unsure.
/// </summary>
public static class PageTypeClassifier
{
    // Cues and their points. What a page declares weighs most; where it lives next; counts least.
    private const double Prior = 1.0;                 // article: most pages are
    private const double Declared = 4.0;              // a JSON-LD type or og:type naming the kind
    private const double DeclaredWeak = 1.5;          // a type that several kinds use (ItemList, WebSite…)
    private const double Address = 2.5;               // the URL's path or host naming the kind
    private const double StrongCount = 2.0;           // a count typical of one kind (posts, code blocks, prices)
    private const double WeakCount = 1.0;

    // Count thresholds.
    private const int ManyCards = 8;
    private const int ManyHeadlineLinks = 6;
    private const int SomeCallsToAction = 2;
    private const int SomeDocumentationChrome = 1;
    private const int ManyPrices = 5;
    private const int SomePosts = 3;
    private const int SomeCodeBlocks = 2;
    private const int ManyCodeBlocks = 6;
    private const double MostlyDiscussion = 0.5;
    private const int ShortPostChars = 2500;
    private const int LongArticleWords = 600;
    private const int ShortArticleWords = 150;

    private static readonly string[] ArticleTypes = ["Article", "NewsArticle", "BlogPosting", "ReportageNewsArticle", "AnalysisNewsArticle",
        "OpinionNewsArticle", "LiveBlogPosting", "Report", "ScholarlyArticle", "Review", "BackgroundNewsArticle", "Recipe", "HowTo"];
    private static readonly string[] ForumTypes = ["DiscussionForumPosting", "QAPage", "SocialMediaPosting"];
    private static readonly string[] DocumentationTypes = ["TechArticle", "APIReference", "SoftwareSourceCode"];
    private static readonly string[] ServiceTypes = ["Service", "ProfessionalService", "LocalBusiness", "FAQPage", "Course", "EducationalOrganization",
        "CollegeOrUniversity", "SoftwareApplication", "WebApplication", "MedicalBusiness", "FinancialService", "InsuranceAgency"];
    private static readonly string[] CollectionTypes = ["CollectionPage", "OfferCatalog", "SearchResultsPage"];

    private static readonly string[] ForumPaths = ["/t/", "/forum", "/forums/", "/thread", "/threads/", "/topic/", "/topics/", "/questions/", "/discussion", "/community/", "/viewtopic", "/showthread", "/comments/"];
    private static readonly string[] ForumHosts = ["forum.", "forums.", "community.", "discuss.", "discourse.", "answers.", "boards."];
    private static readonly string[] DocumentationPaths = ["/docs/", "/doc/", "/documentation/", "/reference/", "/api/", "/manual/", "/guide/", "/guides/", "/tutorial", "/handbook/", "/sdk/"];
    private static readonly string[] DocumentationHosts = ["docs.", "developer.", "developers.", "learn.", "wiki.", "devdocs.", "doc."];
    private static readonly string[] ProductPaths = ["/product/", "/products/", "/p/", "/dp/", "/item/", "/itm/", "/ip/"];
    private static readonly string[] CollectionPaths = ["/collections/", "/collection/", "/category/", "/categories/", "/c/", "/shop/", "/catalog/", "/browse/", "/department/"];
    private static readonly string[] ServicePaths = ["/services/", "/service/", "/solutions/", "/what-we-do/", "/use-cases/", "/support-services/"];
    private static readonly string[] ListingPaths = ["/blog", "/news", "/articles", "/tag/", "/tags/", "/search", "/jobs", "/events", "/latest", "/archive"];

    public static PageType Classify(PageTypeEvidence evidence)
    {
        var points = new Dictionary<string, double>(StringComparer.Ordinal) { [PageTypes.Article] = Prior };
        void Add(string type, double value) => points[type] = points.GetValueOrDefault(type) + value;
        var ld = evidence.JsonLdTypes;
        var og = evidence.OgType?.ToLowerInvariant();

        // Declared. og:type "article" is what many site builders put on every page, so it weighs little.
        if (ArticleTypes.Any(ld.Contains))
            Add(PageTypes.Article, Declared);
        if (og == "article")
            Add(PageTypes.Article, Declared - WeakCount);
        if (ForumTypes.Any(ld.Contains))
            Add(PageTypes.Forum, Declared);
        if (DocumentationTypes.Any(ld.Contains))
            Add(PageTypes.Documentation, Declared);
        // One product, or one product in its variants (a ProductGroup), is a product page; many products a grid.
        var productPage = evidence.JsonLdProducts == 1 || ld.Contains("ProductGroup") || og is "product" or "og:product";
        if (productPage)
            Add(PageTypes.Product, Declared);
        if ((evidence.JsonLdProducts >= 3 && !productPage) || og == "product.group" || CollectionTypes.Any(ld.Contains))
            Add(PageTypes.Collection, Declared);
        if (ld.Contains("ItemList"))
        {
            Add(PageTypes.Listing, DeclaredWeak);
            Add(PageTypes.Collection, DeclaredWeak);
        }
        if (og == "website" || ServiceTypes.Any(ld.Contains))
            Add(PageTypes.Service, DeclaredWeak);

        // Where it lives.
        if (HostAndPath(evidence.Url) is var (host, path))
        {
            if (ForumPaths.Any(path.Contains) || ForumHosts.Any(host.StartsWith))
                Add(PageTypes.Forum, Address);
            if (DocumentationPaths.Any(path.Contains) || DocumentationHosts.Any(host.StartsWith))
                Add(PageTypes.Documentation, Address);
            if (ProductPaths.Any(path.Contains))
                Add(PageTypes.Product, Address);
            if (CollectionPaths.Any(path.Contains))
                Add(PageTypes.Collection, Address);
            if (ListingPaths.Any(p => path.EndsWith(p, StringComparison.Ordinal) || path.EndsWith(p + "/", StringComparison.Ordinal) || path.Contains(p + "/page/", StringComparison.Ordinal)))
                Add(PageTypes.Listing, Address);
            if (ServicePaths.Any(path.Contains))
                Add(PageTypes.Service, Address);
            if (DatedPath(path))
                Add(PageTypes.Article, WeakCount);
        }

        // Counts.
        if (evidence.Posts >= SomePosts)
            Add(PageTypes.Forum, StrongCount);
        if (evidence.NumberedPosts >= SomePosts)
            Add(PageTypes.Forum, StrongCount);
        if (evidence.ThreadItems >= SomePosts)
            Add(PageTypes.Forum, StrongCount);
        // The discussion is the page: it outweighs what it discusses, a link or a summary. A blog
        // post can draw more comments than it has words, but the post itself is long.
        if (evidence.CommentShare >= MostlyDiscussion && evidence.ProseOutsideComments < ShortPostChars)
            Add(PageTypes.Forum, Declared + WeakCount);
        if (evidence.CodeBlocks >= SomeCodeBlocks)
            Add(PageTypes.Documentation, evidence.CodeBlocks >= ManyCodeBlocks ? StrongCount + WeakCount : WeakCount);
        if (evidence.Prices >= ManyPrices)
            Add(PageTypes.Collection, WeakCount);
        else if (evidence.Prices > 0 && evidence.BuyButtons > 0)
            Add(PageTypes.Product, StrongCount);
        if (evidence.Cards >= ManyCards)
            Add(evidence.Prices >= ManyPrices ? PageTypes.Collection : PageTypes.Listing, StrongCount);
        if (evidence.HeadlineLinks >= ManyHeadlineLinks)
            Add(evidence.Prices >= ManyPrices ? PageTypes.Collection : PageTypes.Listing, evidence.HeadlineLinks >= 3 * ManyHeadlineLinks ? StrongCount + WeakCount : StrongCount);
        if (evidence.CallsToAction >= SomeCallsToAction)
            Add(PageTypes.Service, StrongCount);
        if (evidence.DocumentationChrome >= SomeDocumentationChrome)
            Add(PageTypes.Documentation, StrongCount);
        if (evidence.ArticleWords >= LongArticleWords)
            Add(PageTypes.Article, WeakCount);
        else if (evidence.ArticleWords < ShortArticleWords)
            Add(PageTypes.Service, WeakCount);

        var best = points.MaxBy(p => p.Value);
        return new PageType(best.Key, Math.Round(best.Value / points.Values.Sum(), 3));
    }

    private static (string Host, string Path)? HostAndPath(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri)
            ? (uri.Host.ToLowerInvariant() is var host && host.StartsWith("www.", StringComparison.Ordinal) ? host[4..] : host, uri.AbsolutePath.ToLowerInvariant())
            : null;

    // "/2024/05/…": a dated path is how blogs and newspapers file their stories.
    private static bool DatedPath(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i + 1 < parts.Length; i++)
        {
            if (parts[i].Length == 4 && int.TryParse(parts[i], out var year) && year is >= 1995 and <= 2100
                && parts[i + 1].Length is 1 or 2 && int.TryParse(parts[i + 1], out var month) && month is >= 1 and <= 12)
                return true;
        }
        return false;
    }
}

using System.Globalization;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace IngestWorker.Text.Html;

/// <summary>What the page says about itself: JSON-LD, OpenGraph and other meta tags, canonical link.</summary>
internal sealed class HtmlMetadata
{
    public string? Title { get; set; }
    public string? JsonLdHeadline { get; set; }
    public string? OgTitle { get; set; }
    public string? DocumentTitle { get; set; }
    public string? Author { get; set; }
    public string? Published { get; set; }
    public string? Url { get; set; }
    public string? Site { get; set; }
    public string? ArticleBody { get; set; }

    /// <summary>The page says it is an article: a JSON-LD article type, or <c>og:type</c> <c>article</c> that its JSON-LD does not contradict.</summary>
    public bool DeclaresArticle { get; set; }

    public string? OgType { get; set; }

    /// <summary>
    /// Only <c>og:type</c> says article, while the page's JSON-LD calls it a web page and names no
    /// article: SEO plugins tag every page of a site so, its service and product pages too.
    /// </summary>
    public bool ArticleByOpenGraphOnly { get; set; }

    /// <summary>Every JSON-LD <c>@type</c> anywhere in the page's JSON-LD, nested ones included.</summary>
    public HashSet<string> JsonLdTypes { get; } = new(StringComparer.Ordinal);

    /// <summary>JSON-LD objects of type Product (one: a product page; many: a grid of them).</summary>
    public int JsonLdProducts { get; set; }
}

internal static class HtmlMetadataReader
{
    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 64,
    };

    public static HtmlMetadata Read(IDocument document, string? url)
    {
        var meta = new HtmlMetadata();
        string? metaAuthor = null, metaPublished = null, ogUrl = null, ogSite = null, canonical = null;
        var ogArticle = false;
        string? twitterTitle = null, itempropPublished = null, parselyTitle = null, metaModified = null;

        foreach (var element in document.QuerySelectorAll("meta"))
        {
            var key = (element.GetAttribute("property") ?? element.GetAttribute("name") ?? element.GetAttribute("itemprop"))?.Trim().ToLowerInvariant();
            var content = element.GetAttribute("content")?.Trim();
            if (key is null || string.IsNullOrEmpty(content))
                continue;
            switch (key)
            {
                case "og:title": meta.OgTitle ??= content; break;
                case "twitter:title": twitterTitle ??= content; break;
                case "parsely-title" or "sailthru.title" or "dc.title": parselyTitle ??= content; break;
                case "og:site_name": ogSite ??= content; break;
                case "og:url": ogUrl ??= content; break;
                case "article:modified_time" or "og:updated_time" or "datemodified" or "dcterms.modified" or "last-modified":
                    metaModified ??= content;
                    break;
                case "og:type":
                    meta.OgType ??= content;
                    ogArticle |= content.Equals("article", StringComparison.OrdinalIgnoreCase);
                    break;
                case "author" or "byl" or "parsely-author" or "sailthru.author" or "dc.creator" or "dcterms.creator" or "article:author" or "twitter:creator":
                    if (metaAuthor is null && !content.StartsWith("http", StringComparison.OrdinalIgnoreCase) && !content.StartsWith('@'))
                        metaAuthor = content;
                    break;
                case "article:published_time" or "og:article:published_time" or "datepublished" or "date" or "pubdate" or "publishdate"
                    or "publish-date" or "published-date" or "parsely-pub-date" or "sailthru.date" or "dc.date" or "dc.date.issued"
                    or "dcterms.date" or "dcterms.created" or "article.published" or "publication_date" or "original-publish-date" or "displaydate":
                    metaPublished ??= content;
                    break;
            }
        }
        foreach (var link in document.QuerySelectorAll("link[rel]"))
        {
            if (link.GetAttribute("rel")!.Split(' ').Contains("canonical", StringComparer.OrdinalIgnoreCase))
            {
                canonical ??= link.GetAttribute("href")?.Trim();
            }
        }
        foreach (var element in document.QuerySelectorAll("[itemprop=datePublished]"))
        {
            itempropPublished ??= element.GetAttribute("datetime") ?? element.GetAttribute("content");
        }

        var ld = new JsonLd();
        foreach (var script in document.QuerySelectorAll("script[type]"))
        {
            if (!script.GetAttribute("type")!.Contains("ld+json", StringComparison.OrdinalIgnoreCase))
                continue;
            try
            {
                using var json = JsonDocument.Parse(script.TextContent, JsonOptions);
                ld.Visit(json.RootElement, 0);
                CollectTypes(json.RootElement, meta, 0);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                // Broken JSON-LD is common; the meta tags still count. InvalidOperationException is a
                // string holding an escaped lone surrogate ("\ud800"), which parses but cannot be read.
            }
        }

        meta.JsonLdHeadline = Clean(ld.Headline);
        meta.DocumentTitle = Clean(document.Title);
        meta.ArticleBody = ld.ArticleBody;
        meta.DeclaresArticle = ld.DeclaresArticle || ogArticle && !ld.DeclaresPage;
        meta.ArticleByOpenGraphOnly = ogArticle && !meta.DeclaresArticle;
        meta.Site = SiteName(Clean(ogSite)) ?? SiteName(Clean(ld.Publisher)) ?? HostOf(url ?? canonical ?? ogUrl);
        meta.Title = StripSiteSuffix(Clean(meta.OgTitle) ?? meta.JsonLdHeadline ?? Clean(twitterTitle) ?? Clean(parselyTitle), meta.Site);
        meta.Author = CleanAuthor(ld.Author) ?? CleanAuthor(metaAuthor) ?? CleanAuthor(MicrodataAuthor(document));
        // The last change stands in for a page that gives no publication date (a page updated in place).
        meta.Published = NormaliseDate(ld.Published) ?? NormaliseDate(metaPublished) ?? NormaliseDate(itempropPublished) ?? FirstTime(document)
            ?? NormaliseDate(ld.Modified) ?? NormaliseDate(metaModified);
        meta.Url = Absolute(canonical, url) ?? Absolute(ogUrl, url) ?? url;
        return meta;
    }

    /// <summary>The first machine-readable &lt;time datetime&gt;, preferring one inside the article.</summary>
    private static string? FirstTime(IDocument document)
    {
        var time = document.QuerySelector("article time[datetime], main time[datetime]") ?? document.QuerySelector("time[datetime]");
        return NormaliseDate(time?.GetAttribute("datetime"));
    }

    /// <summary>The document title without a " - Site Name" or " | Site" suffix (or prefix).</summary>
    public static string? StripSiteName(string? title, string? site)
    {
        if (string.IsNullOrWhiteSpace(title))
            return null;
        title = title.Trim();
        string[] separators = [" | ", " - ", " – ", " — ", " :: ", " » ", " · ", " // "];
        foreach (var separator in separators)
        {
            var last = title.LastIndexOf(separator, StringComparison.Ordinal);
            if (last > 0)
            {
                var tail = title[(last + separator.Length)..].Trim();
                var head = title[..last].Trim();
                if (NamesSite(tail, site))
                    return head;
                if (tail.Length <= 30 && head.Length > tail.Length * 2)
                    return head;
            }
            var first = title.IndexOf(separator, StringComparison.Ordinal);
            if (first > 0 && site is not null)
            {
                var lead = title[..first].Trim();
                if (NamesSite(lead, site))
                    return title[(first + separator.Length)..].Trim();
            }
        }
        return title;
    }

    /// <summary>A title as declared, without a suffix (or prefix) that names the site: "Headline | The Daily Example".</summary>
    internal static string? StripSiteSuffix(string? title, string? site)
    {
        if (title is null)
            return null;
        string[] separators = [" | ", " - ", " – ", " — ", " :: ", " » ", " · "];
        foreach (var separator in separators)
        {
            var last = title.LastIndexOf(separator, StringComparison.Ordinal);
            if (last > 0 && NamesSite(title[(last + separator.Length)..].Trim(), site))
                return title[..last].Trim();
        }
        return title;
    }

    /// <summary>A site name as declared; a URL given as the name becomes its host.</summary>
    private static string? SiteName(string? name) =>
        name is not null && name.StartsWith("http", StringComparison.OrdinalIgnoreCase) ? HostOf(name) ?? name : name;

    /// <summary>Whether a title part names the site: "The Daily Example" for "The Daily Example" or "www.example.com".</summary>
    private static bool NamesSite(string part, string? site)
    {
        if (site is null || part.Length == 0)
            return false;
        if (part.Contains(site, StringComparison.OrdinalIgnoreCase) || site.Contains(part, StringComparison.OrdinalIgnoreCase))
            return true;
        // A host: its main label ("example" of www.example.co.uk), with spaces and punctuation
        // ignored, in a part short enough to be a name rather than a phrase.
        if (!site.Contains('.') || site.Contains(' ') || TextStats.SpaceSeparatedWords(part) > 3)
            return false;
        var labels = site.Split('.');
        var main = labels.Where(l => l is not ("www" or "m" or "com" or "co" or "org" or "net" or "uk" or "news") && l.Length > 2)
            .OrderByDescending(l => l.Length).FirstOrDefault();
        if (main is null)
            return false;
        var squashed = new string(part.Where(char.IsLetterOrDigit).ToArray());
        return squashed.Contains(main, StringComparison.OrdinalIgnoreCase);
    }

    internal static string? Clean(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        var text = System.Net.WebUtility.HtmlDecode(value);
        var builder = new System.Text.StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = builder.Length > 0;
                continue;
            }
            if (space)
                builder.Append(' ');
            space = false;
            builder.Append(c);
        }
        return builder.Length == 0 ? null : builder.ToString();
    }

    // A microdata author longer than this is a bio or a card, not a name.
    private const int MaxMicrodataAuthorWords = 6;

    /// <summary>
    /// The first microdata author (<c>itemprop="author"</c>): its <c>name</c> property (an element's
    /// text or a <c>meta</c>'s content), else its own text when short enough to be a name. On a
    /// thread the first is the opening post's: forum software marks every post's author this way.
    /// </summary>
    private static string? MicrodataAuthor(IDocument document)
    {
        var author = document.QuerySelector("[itemprop~=author]");
        if (author is null)
            return null;
        var name = author.QuerySelector("[itemprop~=name]") is { } named
            ? named.LocalName == "meta" ? named.GetAttribute("content") : named.TextContent
            : author.TextContent;
        var text = Clean(name);
        return text is not null && TextStats.SpaceSeparatedWords(text) <= MaxMicrodataAuthorWords ? text : null;
    }

    private static string? CleanAuthor(string? author)
    {
        var text = Clean(author);
        if (text is null)
            return null;
        if (text.StartsWith("by ", StringComparison.OrdinalIgnoreCase))
            text = text[3..].Trim();
        return text.Length == 0 ? null : text;
    }

    private static string? HostOf(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.Host) ? uri.Host : null;

    private static string? Absolute(string? href, string? baseUrl)
    {
        if (string.IsNullOrWhiteSpace(href))
            return null;
        if (Uri.TryCreate(href, UriKind.Absolute, out var absolute) && (absolute.Scheme == Uri.UriSchemeHttp || absolute.Scheme == Uri.UriSchemeHttps))
            return Display(absolute);
        if (baseUrl is not null && Uri.TryCreate(baseUrl, UriKind.Absolute, out var b) && Uri.TryCreate(b, href, out var combined))
            return Display(combined);
        return null;
    }

    /// <summary>
    /// The URL as people read it (unescaped), unless unescaping broke it: for some inputs ("% 😀")
    /// <see cref="Uri.ToString"/> splits a surrogate pair, and a lone surrogate cannot be written as
    /// UTF-8. The escaped form is plain ASCII.
    /// </summary>
    private static string Display(Uri uri)
    {
        var text = uri.ToString();
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
            else if (char.IsSurrogate(text[i]))
                return uri.AbsoluteUri;
        }
        return text;
    }

    private static readonly string[] DateFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd HH:mm:ssK", "yyyy-MM-dd HH:mm:ss",
        "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm", "yyyyMMdd'T'HHmmssK", "yyyyMMddHHmmss",
    ];

    /// <summary>ISO 8601: <c>yyyy-MM-dd</c> for a date, the full timestamp when a time is given; the input when unparseable.</summary>
    internal static string? NormaliseDate(string? value)
    {
        var text = Clean(value);
        if (text is null)
            return null;
        if (text.Length == 10 && DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (text.Length == 8 && DateTime.TryParseExact(text, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
            return day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var hasOffset = text.EndsWith('Z') || HasOffset(text);
        if (DateTimeOffset.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AssumeUniversal, out var exact))
            return Format(exact, hasOffset);
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AssumeUniversal, out var parsed))
        {
            var hasTime = text.Contains(':');
            return hasTime ? Format(parsed, hasOffset) : parsed.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
        // A date at the start of something longer: "2019-11-19 by …".
        if (text.Length > 10 && DateTime.TryParseExact(text[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
            return day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        // As people write dates ("Thu, 09/25/2025 - 11:38", "13/11/2025", "5 de março de 2024"):
        // the reader of visible datelines knows those; what it cannot read is kept as written.
        return Cleaning.DateText.Find(text) is { } found ? found.Iso : text;
    }

    private static bool HasOffset(string text)
    {
        var t = text.LastIndexOf('T');
        if (t < 0)
            return false;
        var tail = text.AsSpan(t);
        return tail.Contains('+') || tail.LastIndexOf('-') > 0;
    }

    private static string Format(DateTimeOffset value, bool hasOffset) =>
        hasOffset
            ? value.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)
            : value.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    // Every @type, however deep (an ItemList's products, a QAPage's answers), for the page type.
    private static void CollectTypes(JsonElement element, HtmlMetadata meta, int depth)
    {
        if (depth > 12)
            return;
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
                CollectTypes(item, meta, depth + 1);
            return;
        }
        if (element.ValueKind != JsonValueKind.Object)
            return;
        foreach (var property in element.EnumerateObject())
        {
            if (property.NameEquals("@type"))
            {
                foreach (var type in JsonLd.Types(property.Value))
                {
                    meta.JsonLdTypes.Add(type);
                    if (type == "Product")
                        meta.JsonLdProducts++;
                }
            }
            else if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                CollectTypes(property.Value, meta, depth + 1);
        }
    }

    /// <summary>Collects headline, author, dates, publisher and body from JSON-LD, preferring article types.</summary>
    private sealed class JsonLd
    {
        public bool DeclaresArticle;
        /// <summary>A web page type (WebPage, ItemPage, CollectionPage…) is declared.</summary>
        public bool DeclaresPage;
        public string? Modified;
        private int _modifiedRank = -1;
        private int _headlineRank = -1, _authorRank = -1, _publishedRank = -1, _publisherRank = -1;
        public string? Headline;
        public string? Author;
        public string? Published;
        public string? Publisher;
        public string? ArticleBody;

        public void Visit(JsonElement element, int depth)
        {
            if (depth > 8)
                return;
            if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray())
                    Visit(item, depth + 1);
                return;
            }
            if (element.ValueKind != JsonValueKind.Object)
                return;
            if (element.TryGetProperty("@graph", out var graph))
                Visit(graph, depth + 1);
            // A Q&A page's question is its main entity: its author asked, its date is the thread's.
            if (element.TryGetProperty("mainEntity", out var main))
                Visit(main, depth + 1);
            var rank = Rank(element);
            if (rank < 0)
                return;
            DeclaresArticle |= rank >= 3;
            DeclaresPage |= rank == 1;
            Take(ref Headline, ref _headlineRank, rank, Str(element, "headline") ?? (rank >= 3 ? Str(element, "name") : null));
            Take(ref Author, ref _authorRank, rank, Person(element, "author") ?? Person(element, "creator"));
            Take(ref Published, ref _publishedRank, rank, Str(element, "datePublished") ?? Str(element, "dateCreated"));
            Take(ref Modified, ref _modifiedRank, rank, Str(element, "dateModified"));
            Take(ref Publisher, ref _publisherRank, rank, Person(element, "publisher"));
            var body = Str(element, "articleBody");
            if (body is not null && (ArticleBody is null || body.Length > ArticleBody.Length))
                ArticleBody = body;
        }

        private static void Take(ref string? field, ref int fieldRank, int rank, string? value)
        {
            if (value is not null && rank > fieldRank)
            {
                field = value;
                fieldRank = rank;
            }
        }

        // Article types rank above a thread's opening post, which ranks above pages; other types
        // (Organization, BreadcrumbList…) are ignored.
        private static int Rank(JsonElement element)
        {
            if (!element.TryGetProperty("@type", out var type))
                return -1;
            var best = -1;
            foreach (var name in Types(type))
            {
                var r = name switch
                {
                    "NewsArticle" or "Article" or "BlogPosting" or "ReportageNewsArticle" or "AnalysisNewsArticle" or "OpinionNewsArticle"
                        or "Report" or "ScholarlyArticle" or "TechArticle" or "Review" or "LiveBlogPosting" or "SocialMediaPosting" or "BackgroundNewsArticle" => 3,
                    // A thread's opening post: its author and date are the thread's, but it is not an article.
                    "DiscussionForumPosting" or "Question" => 2,
                    "WebPage" or "ItemPage" or "AboutPage" or "QAPage" or "CollectionPage" => 1,
                    "VideoObject" or "Recipe" or "HowTo" => 0,
                    _ => -1,
                };
                best = Math.Max(best, r);
            }
            return best;
        }

        public static IEnumerable<string> Types(JsonElement type)
        {
            if (type.ValueKind == JsonValueKind.String)
                yield return type.GetString() ?? "";
            else if (type.ValueKind == JsonValueKind.Array)
            {
                foreach (var t in type.EnumerateArray())
                {
                    if (t.ValueKind == JsonValueKind.String)
                        yield return t.GetString() ?? "";
                }
            }
        }

        private static string? Str(JsonElement element, string name)
        {
            if (!element.TryGetProperty(name, out var value))
                return null;
            return value.ValueKind switch
            {
                JsonValueKind.String => NullIfEmpty(value.GetString()),
                JsonValueKind.Array when value.GetArrayLength() > 0 && value[0].ValueKind == JsonValueKind.String => NullIfEmpty(value[0].GetString()),
                _ => null,
            };
        }

        private static string? Person(JsonElement element, string name)
        {
            if (!element.TryGetProperty(name, out var value))
                return null;
            var names = new List<string>();
            Collect(value, names, 0);
            return names.Count == 0 ? null : string.Join(", ", names.Distinct(StringComparer.Ordinal));
        }

        private static void Collect(JsonElement value, List<string> names, int depth)
        {
            if (depth > 3)
                return;
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    var s = value.GetString();
                    if (!string.IsNullOrWhiteSpace(s) && !s.StartsWith("http", StringComparison.OrdinalIgnoreCase))
                        names.Add(s.Trim());
                    break;
                case JsonValueKind.Array:
                    foreach (var item in value.EnumerateArray())
                        Collect(item, names, depth + 1);
                    break;
                case JsonValueKind.Object:
                    if (value.TryGetProperty("name", out var n))
                        Collect(n, names, depth + 1);
                    break;
            }
        }

        private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
    }
}

using System.Text.Json;
using IngestWorker.Text.Extraction;
using IngestWorker.Text.Html;

namespace IngestWorker.Text.Readers;

/// <summary>
/// A JSON object holding one article: the body in <c>text</c>, <c>content</c> or <c>body</c>
/// (plain text, or HTML that then goes through the HTML extractor), and optional <c>title</c>,
/// <c>url</c>, <c>date</c>/<c>published</c>, <c>author</c> and <c>site</c>.
/// </summary>
public static class JsonArticleReader
{
    private static readonly string[] BodyFields = ["text", "content", "body"];

    private static readonly HashSet<string> KnownFields = new(
        [.. BodyFields, "title", "headline", "url", "link", "date", "published", "datePublished", "author", "byline", "site", "source"],
        StringComparer.OrdinalIgnoreCase);

    /// <returns>The page, or a sentence saying why the JSON is not an article object.</returns>
    public static (PageContent? Page, string? Problem) Read(string json, HtmlArticleExtractor html)
    {
        var (article, problem) = Parse(json);
        return article is null ? (null, problem) : (Read(article, html), null);
    }

    /// <summary>The page of an article found by <see cref="Parse"/>: its body read as HTML or as plain text.</summary>
    public static PageContent Read(JsonArticle article, HtmlArticleExtractor html)
    {
        if (article.IsHtml)
        {
            var page = html.Extract(article.Body, article.Metadata.Url);
            // What the JSON states outranks what the HTML fragment implies.
            return page with { Metadata = Merge(article.Metadata, page.Metadata) };
        }
        return PlainTextReader.Read(article.Body, article.Metadata);
    }

    /// <summary>
    /// The article's body and metadata, without reading the body yet, so that its size can be
    /// judged first. A plain-text body is returned normalised.
    /// </summary>
    /// <returns>The article, or a sentence saying why the JSON is not an article object.</returns>
    public static (JsonArticle? Article, string? Problem) Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            return (null, $"The input is not valid JSON: {e.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return (null, $"The JSON is {Article(document.RootElement.ValueKind)}, not an object holding one article.");
            try
            {
                return ArticleOf(KnownFieldsOf(document.RootElement));
            }
            catch (InvalidOperationException e)
            {
                // The parser accepts an escaped lone surrogate ("\ud800"); reading the string refuses it.
                return (null, $"The JSON holds a string that is not valid Unicode text: {e.Message}");
            }
        }
    }

    private static (JsonArticle? Article, string? Problem) ArticleOf(Dictionary<string, JsonElement> root)
    {
        string? body = null;
        foreach (var field in BodyFields)
        {
            if (Field(root, field) is { } value)
            {
                body = value;
                break;
            }
        }
        if (body is null)
            return (null, "The JSON object has no string field 'text', 'content' or 'body' holding the article.");

        var metadata = new PageMetadata
        {
            Title = Field(root, "title") ?? Field(root, "headline"),
            Url = Field(root, "url") ?? Field(root, "link"),
            Published = Field(root, "date") ?? Field(root, "published") ?? Field(root, "datePublished"),
            Author = Field(root, "author") ?? Field(root, "byline"),
            Site = Field(root, "site") ?? Field(root, "source"),
        };
        return LooksLikeHtml(body)
            ? (new JsonArticle(body, true, metadata), null)
            : (new JsonArticle(Normalization.TextNormalizer.Normalize(body), false, metadata), null);
    }

    /// <summary>
    /// The first property of each known name (any case), found in one pass: looking each name up
    /// separately walked every property a dozen times, allocating its name each time, which for an
    /// object of a million fields cost thirty times the input's size.
    /// </summary>
    private static Dictionary<string, JsonElement> KnownFieldsOf(JsonElement root)
    {
        var found = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in root.EnumerateObject())
        {
            var name = property.Name;
            if (KnownFields.Contains(name))
                found.TryAdd(name, property.Value);
        }
        return found;
    }

    private static string? Field(Dictionary<string, JsonElement> fields, string name)
    {
        if (!fields.TryGetValue(name, out var value))
            return null;
        return value.ValueKind switch
        {
            JsonValueKind.String when !string.IsNullOrWhiteSpace(value.GetString()) => value.GetString(),
            // Authors often come as {"name": "..."}.
            JsonValueKind.Object when value.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String => n.GetString(),
            _ => null,
        };
    }

    /// <summary>A body with paragraph-level tags is HTML; a stray "&lt;" in prose is not.</summary>
    internal static bool LooksLikeHtml(string text)
    {
        foreach (var tag in new[] { "<p>", "<p ", "<div", "<br", "<h1", "<h2", "<li>", "<article", "<html", "<body" })
        {
            if (text.Contains(tag, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    private static PageMetadata Merge(PageMetadata preferred, PageMetadata fallback) => new()
    {
        Title = preferred.Title ?? fallback.Title,
        Author = preferred.Author ?? fallback.Author,
        Published = preferred.Published ?? fallback.Published,
        Url = preferred.Url ?? fallback.Url,
        Site = preferred.Site ?? fallback.Site,
    };

    private static string Article(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => kind.ToString().ToLowerInvariant(),
    };
}

/// <summary>An article object's body (HTML, or normalised plain text) and what the object says about it.</summary>
public sealed record JsonArticle(string Body, bool IsHtml, PageMetadata Metadata);

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

    /// <returns>The page, or a sentence saying why the JSON is not an article object.</returns>
    public static (PageContent? Page, string? Problem) Read(string json, HtmlArticleExtractor html)
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
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return (null, $"The JSON is {Article(root.ValueKind)}, not an object holding one article.");

            string? body;
            PageMetadata metadata;
            try
            {
                (body, metadata) = Fields(root);
            }
            catch (InvalidOperationException e)
            {
                // The parser accepts an escaped lone surrogate ("\ud800"); reading the string refuses it.
                return (null, $"The JSON holds a string that is not valid Unicode text: {e.Message}");
            }
            if (body is null)
                return (null, "The JSON object has no string field 'text', 'content' or 'body' holding the article.");

            if (LooksLikeHtml(body))
            {
                var page = html.Extract(body, metadata.Url);
                // What the JSON states outranks what the HTML fragment implies.
                return (page with { Metadata = Merge(metadata, page.Metadata) }, null);
            }
            return (PlainTextReader.Read(Normalization.TextNormalizer.Normalize(body), metadata), null);
        }
    }

    private static (string? Body, PageMetadata Metadata) Fields(JsonElement root)
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
        var metadata = new PageMetadata
        {
            Title = Field(root, "title") ?? Field(root, "headline"),
            Url = Field(root, "url") ?? Field(root, "link"),
            Published = Field(root, "date") ?? Field(root, "published") ?? Field(root, "datePublished"),
            Author = Field(root, "author") ?? Field(root, "byline"),
            Site = Field(root, "site") ?? Field(root, "source"),
        };
        return (body, metadata);
    }

    private static string? Field(JsonElement root, string name)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (property.NameEquals(name) || string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value.ValueKind switch
                {
                    JsonValueKind.String when !string.IsNullOrWhiteSpace(property.Value.GetString()) => property.Value.GetString(),
                    // Authors often come as {"name": "..."}.
                    JsonValueKind.Object when property.Value.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String => n.GetString(),
                    _ => null,
                };
            }
        }
        return null;
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

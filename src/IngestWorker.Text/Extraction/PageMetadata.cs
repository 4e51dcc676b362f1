namespace IngestWorker.Text.Extraction;

/// <summary>What a page says about itself. Every field is optional.</summary>
public sealed record PageMetadata
{
    public string? Title { get; init; }
    public string? Author { get; init; }

    /// <summary>Publication date as found, normalised to ISO 8601 (<c>yyyy-MM-dd</c> or a full timestamp) where it could be parsed.</summary>
    public string? Published { get; init; }

    public string? Url { get; init; }

    /// <summary>The site's name or host, e.g. <c>The News</c> or <c>www.example.com</c>.</summary>
    public string? Site { get; init; }

    /// <summary>The page says it is an article: a JSON-LD Article, NewsArticle, BlogPosting… type, or <c>og:type</c> <c>article</c> that its JSON-LD does not contradict.</summary>
    public bool DeclaresArticle { get; init; }

    /// <summary>
    /// Only <c>og:type</c> <c>article</c> says so, and the page's JSON-LD calls it a plain web page:
    /// the default that WordPress SEO plugins put on every page of a site, so a weak claim.
    /// </summary>
    public bool ArticleByOpenGraphOnly { get; init; }

    public static PageMetadata None { get; } = new();
}

/// <summary>A page as a reader produced it: its blocks in reading order, and its metadata.</summary>
public sealed record PageContent(IReadOnlyList<ContentBlock> Blocks, PageMetadata Metadata)
{
    /// <summary>What kind of page this is, as its reader judged it; null when the reader cannot tell (plain text, Markdown).</summary>
    public PageTypes.PageType? Type { get; init; }

    /// <summary>What <see cref="Type"/> was decided from (null with it).</summary>
    public PageTypes.PageTypeEvidence? TypeEvidence { get; init; }
}

namespace IngestWorker.Text.Extraction.PageTypes;

/// <summary>The kinds of page the extraction tells apart (the output's <c>pageType</c>).</summary>
public static class PageTypes
{
    public const string Article = "article";
    public const string Forum = "forum";
    public const string Product = "product";
    public const string Collection = "collection";
    public const string Listing = "listing";
    public const string Documentation = "documentation";
    public const string Service = "service";

    public static IReadOnlyList<string> All { get; } = [Article, Forum, Product, Collection, Listing, Documentation, Service];
}

/// <summary>What kind of page this is, and how sure (0–1: the winning type's share of all the evidence).</summary>
public sealed record PageType(string Type, double Confidence);

/// <summary>
/// What a page shows about its kind, gathered by its reader: what it declares (JSON-LD types,
/// <c>og:type</c>), where it lives (its URL's host and path), and counts over its markup and text.
/// Plain text has only the counts its lines give.
/// </summary>
public sealed record PageTypeEvidence
{
    public IReadOnlySet<string> JsonLdTypes { get; init; } = new HashSet<string>();

    /// <summary>How many JSON-LD objects of type Product the page holds (one: a product page; many: a grid).</summary>
    public int JsonLdProducts { get; init; }

    public string? OgType { get; init; }

    /// <summary>The page's canonical (or declared) URL, when it has one.</summary>
    public string? Url { get; init; }

    /// <summary>Prices in the visible text ("$19.99", "€ 5,00", "19,99 €").</summary>
    public int Prices { get; init; }

    /// <summary>Buttons and links that buy ("Add to cart", "Buy now", "Add to bag").</summary>
    public int BuyButtons { get; init; }

    /// <summary><c>pre</c> and block <c>code</c> elements.</summary>
    public int CodeBlocks { get; init; }

    /// <summary><c>article</c> elements and elements whose class names a card, tile or teaser item.</summary>
    public int Cards { get; init; }

    /// <summary>Elements whose class or id names a post, reply or comment of a thread.</summary>
    public int Posts { get; init; }

    /// <summary>
    /// Elements whose id numbers a post or message (<c>post-123</c>, <c>p123</c>, <c>message_9</c>):
    /// forum software numbers every post of a thread so that it can be linked to.
    /// </summary>
    public int NumberedPosts { get; init; }

    /// <summary>Microdata items of a thread: <c>Comment</c>, <c>UserComments</c>, <c>DiscussionForumPosting</c>, <c>Question</c>, <c>Answer</c>.</summary>
    public int ThreadItems { get; init; }

    /// <summary>Headings (h2–h4) that are links: the headlines of a list of stories or items.</summary>
    public int HeadlineLinks { get; init; }

    /// <summary>Short lines that ask the reader to act ("Get started", "Request a demo", "Contact sales").</summary>
    public int CallsToAction { get; init; }

    /// <summary>Lines of documentation furniture ("On this page", "Edit this page", "Was this page helpful?").</summary>
    public int DocumentationChrome { get; init; }

    /// <summary>Share of the page's prose (blocks of a sentence or more) inside boxes named as comments or replies.</summary>
    public double CommentShare { get; init; }

    /// <summary>Characters of prose (blocks of a sentence or more) outside boxes named as comments or replies.</summary>
    public int ProseOutsideComments { get; init; }

    /// <summary>Words of prose in the article the engine found (before any fallback); null before the engine ran.</summary>
    public int? ArticleWords { get; init; }
}

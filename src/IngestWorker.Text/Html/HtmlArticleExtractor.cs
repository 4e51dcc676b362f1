using AngleSharp.Html.Parser;
using IngestWorker.Text.Extraction;

namespace IngestWorker.Text.Html;

/// <summary>
/// Finds the article in an HTML page: cuts the visible text into blocks, locates the region that
/// holds the article body, and marks every other block with the reason it is not content.
/// Thread-safe: one instance may serve concurrent documents.
/// </summary>
public sealed class HtmlArticleExtractor
{
    [ThreadStatic]
    private static HtmlParser? _parser;

    private static HtmlParser Parser => _parser ??= new HtmlParser(new HtmlParserOptions { IsScripting = false });

    private readonly int _maxNestingDepth;

    /// <param name="maxNestingDepth">Tags nested deeper are dropped before parsing, their text kept (see <see cref="HtmlNestingLimiter"/>).</param>
    private readonly Language.ILanguageIdentifier? _language;

    /// <param name="language">The language model that tells the page's language (its stopwords judge prose); without one, a stopword guess does.</param>
    public HtmlArticleExtractor(int maxNestingDepth = HtmlNestingLimiter.DefaultMaxDepth, Language.ILanguageIdentifier? language = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNestingDepth, 1);
        _maxNestingDepth = maxNestingDepth;
        _language = language;
    }

    public PageContent Extract(string html, string? url = null) => Extract(html, url, CancellationToken.None);

    /// <param name="cancellationToken">Checked between the steps and inside the DOM walk (the document's time budget).</param>
    public PageContent Extract(string html, string? url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(html);
        html = HtmlNestingLimiter.Limit(html, _maxNestingDepth, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        using var document = Parser.ParseDocument(html);
        cancellationToken.ThrowIfCancellationRequested();
        var meta = HtmlMetadataReader.Read(document, url);
        var root = document.DocumentElement;
        if (root is null)
            return new PageContent([], ToPageMetadata(meta, null));

        var segmenter = new DomSegmenter(cancellationToken);
        segmenter.Run(root);
        cancellationToken.ThrowIfCancellationRequested();
        // What kind of page it is, as far as can be told before the article is found: a thread's
        // replies are its content, where under an article they are comments.
        var evidence = PageTypeEvidenceReader.Read(document, meta, segmenter.Blocks);
        var early = Extraction.PageTypes.PageTypeClassifier.Classify(evidence).Type;
        var page = new ArticleLocator(segmenter.Blocks, segmenter.Boxes, segmenter.Root!, meta, segmenter.Images, _language)
        {
            Thread = early == Extraction.PageTypes.PageTypes.Forum,
            Product = early == Extraction.PageTypes.PageTypes.Product,
        };
        page.Run();

        var blocks = new List<ContentBlock>(segmenter.Blocks.Count);
        foreach (var block in segmenter.Blocks)
        {
            blocks.Add(new ContentBlock(block.Text)
            {
                Kind = block.Kind,
                HeadingLevel = block.HeadingLevel,
                StartsParagraph = block.StartsParagraph,
                LinkDensity = Math.Round(block.LinkDensity, 3),
                RemovedBy = block.Reason,
                InMainRegion = page.InMainRegion(block),
            });
        }
        evidence = evidence with { ArticleWords = PageTypeEvidenceReader.ArticleWords(segmenter.Blocks) };
        var type = Extraction.PageTypes.PageTypeClassifier.Classify(evidence);
        // A thread is started by its first poster: forum software names every poster in an element
        // classed "username" (or "author"), the opening post's first.
        if (page.Thread && meta.Author is null)
            meta.Author = FirstPoster(document);
        return new PageContent(blocks, ToPageMetadata(meta, page.TitleText)) { Type = type, TypeEvidence = evidence };
    }

    /// <summary>
    /// The headline as the page shows it, when one was found (a heading like the declared title,
    /// or the page's one h1): declared titles are often written for search engines and social
    /// cards ("Best X of 2026 – Top 10 Picks") while readers see the heading. Otherwise the declared
    /// title (OpenGraph, JSON-LD), or the document title without the site's name.
    /// </summary>
    /// <remarks>
    /// A title in parts ("Best movers in NYC 2025 | Top 19 companies", "Tips for a first visit - Japan
    /// Forum") is named by its first part: what follows a bar or a spaced dash is a tagline, a
    /// section or a site that <see cref="HtmlMetadataReader.StripSiteName"/> did not recognise.
    /// </remarks>
    private static string? ChooseTitle(HtmlMetadata meta, string? headline) =>
        LeadingPart(headline ?? meta.Title ?? HtmlMetadataReader.StripSiteName(meta.DocumentTitle, meta.Site));

    private static readonly string[] PosterClasses = ["username", "bigusername", "author"];

    // A poster's name is a handle or a name, not a line of text.
    private const int MaxPosterWords = 3;

    private static string? FirstPoster(AngleSharp.Dom.IDocument document)
    {
        foreach (var element in document.QuerySelectorAll("[class]"))
        {
            if (!element.ClassList.Any(c => PosterClasses.Contains(c, StringComparer.OrdinalIgnoreCase)))
                continue;
            var text = HtmlMetadataReader.Clean(element.TextContent);
            if (text is not null && TextStats.SpaceSeparatedWords(text) <= MaxPosterWords)
                return text;
        }
        return null;
    }

    private static readonly string[] TitlePartSeparators = [" | ", " - "];

    /// <summary>A lead part needs this many words to name the page on its own.</summary>
    private const int MinLeadingPartWords = 2;

    private static string? LeadingPart(string? title)
    {
        if (title is null)
            return null;
        foreach (var separator in TitlePartSeparators)
        {
            var at = title.IndexOf(separator, StringComparison.Ordinal);
            if (at <= 0)
                continue;
            var lead = title[..at].Trim();
            if (TextStats.SpaceSeparatedWords(lead) >= MinLeadingPartWords)
                return lead;
        }
        return title;
    }

    private static PageMetadata ToPageMetadata(HtmlMetadata meta, string? titleBlock) => new()
    {
        Title = ChooseTitle(meta, titleBlock),
        Author = meta.Author,
        Published = meta.Published,
        Url = meta.Url,
        Site = meta.Site,
        DeclaresArticle = meta.DeclaresArticle,
        ArticleByOpenGraphOnly = meta.ArticleByOpenGraphOnly,
    };
}

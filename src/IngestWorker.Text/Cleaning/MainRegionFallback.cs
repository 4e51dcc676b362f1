using System.Text;
using IngestWorker.Text.Extraction;
using IngestWorker.Text.Extraction.PageTypes;

namespace IngestWorker.Text.Cleaning;

/// <summary>
/// When the article engine keeps next to nothing of an HTML page, the page is most likely not an
/// article but a listing, a category grid, a product or a service page, whose content is the
/// page's main region as its markup marks it (everything but the menus, header, footer, sidebars
/// and hidden parts; <see cref="ContentBlock.InMainRegion"/>). On a page that is not an article, the
/// same holds when the region holds well more prose than the engine found: the content is spread
/// over sections the engine did not join (a service page's offers, a guide in tabs).
/// This keeps that region instead, and says so with a flag; otherwise the engine's decision stands.
/// </summary>
public static class MainRegionFallback
{
    /// <summary>A block with this many words and a sentence mark reads as prose, for <see cref="ProseWords"/>.</summary>
    private const int MinProseBlockWords = 8;

    /// <summary>
    /// The main region's blocks when the article is shorter than <see cref="BoilerplateOptions.MinArticleWords"/>
    /// (<see cref="BoilerplateOptions.MinDeclaredArticleWords"/> when the page says it is an article,
    /// <see cref="BoilerplateOptions.MinOpenGraphArticleWords"/> when only its <c>og:type</c> does) or,
    /// on a page of another type than an article, the region holds <see cref="BoilerplateOptions.SpreadProseFactor"/>
    /// times its prose; and the region holds more words. Otherwise null. A thread is never replaced:
    /// the engine reads it as a whole.
    /// </summary>
    public static CleanedPage? Recover(PageContent page, CleanedPage article, BoilerplateOptions options)
    {
        if (page.Type?.Type == PageTypes.Forum)
            return null;
        var minimum = page.Metadata.DeclaresArticle ? options.MinDeclaredArticleWords
            : page.Metadata.ArticleByOpenGraphOnly ? options.MinOpenGraphArticleWords
            : options.MinArticleWords;
        var articleWords = Words(article.Text);
        var tooShort = minimum > 0 && articleWords < minimum;
        // A page of another kind than an article may have its content in sections the engine did not join.
        var mayBeSpread = options.MinSpreadProseWords > 0 && page.Type?.Type != PageTypes.Article;
        if (!tooShort && !mayBeSpread)
            return null;

        var kept = new List<string>();
        var removed = new List<RemovedBlock>();
        var text = new StringBuilder();
        var prose = new HashSet<string>(StringComparer.Ordinal);
        var isProduct = page.Type?.Type == PageTypes.Product;
        foreach (var block in page.Blocks)
        {
            // Hidden text is not on the page, and a site's template lines are its furniture wherever they sit.
            if (block.InMainRegion != true || block.RemovedBy is BoilerplateReasons.Hidden or BoilerplateReasons.SiteTemplate)
            {
                removed.Add(new RemovedBlock(block.Text, block.RemovedBy ?? BoilerplateReasons.OutsideMainContent));
                continue;
            }
            // A product's description again (in its summary, its tab and its mobile copy) is one
            // description. Not on other pages: cards of a listing or a grid may say the same thing.
            if (isProduct && IsProse(block.Text) && !prose.Add(block.Text))
            {
                removed.Add(new RemovedBlock(block.Text, BoilerplateReasons.Repeated));
                continue;
            }
            if (text.Length > 0)
                text.Append(block.StartsParagraph ? "\n\n" : "\n");
            text.Append(block.Text);
            kept.Add(block.Text);
        }
        if (!tooShort && !Spread(ProseWords(article.KeptBlocks), ProseWords(kept), options))
            return null;
        var recovered = text.ToString();
        return Words(recovered) > articleWords ? new CleanedPage(recovered, article.Title, article.Metadata, kept, removed) : null;
    }

    private static bool Spread(int articleProse, int regionProse, BoilerplateOptions options) =>
        regionProse >= options.SpreadProseFactor * articleProse
        && regionProse - articleProse >= options.MinSpreadProseWords;

    /// <summary>Words in blocks that read as prose: <see cref="MinProseBlockWords"/> words or more, with a sentence mark.</summary>
    private static int ProseWords(IEnumerable<string> blocks)
    {
        var words = 0;
        foreach (var block in blocks)
            words += ProseWordCount(block);
        return words;
    }

    private static bool IsProse(string block) => ProseWordCount(block) > 0;

    /// <summary>The block's words when it reads as prose, else 0.</summary>
    private static int ProseWordCount(string block)
    {
        if (block.AsSpan().IndexOfAny(".!?:;,") < 0)
            return 0;
        var words = Words(block);
        return words >= MinProseBlockWords ? words : 0;
    }

    private static int Words(string text)
    {
        var words = 0;
        var inWord = false;
        foreach (var c in text)
        {
            var letter = char.IsLetterOrDigit(c);
            if (letter && !inWord)
                words++;
            inWord = letter;
        }
        return words;
    }
}

using System.Text;
using IngestWorker.Text.Extraction;

namespace IngestWorker.Text.Cleaning;

/// <summary>
/// When the article engine keeps next to nothing of an HTML page, the page is most likely not an
/// article but a listing, a category grid, a product or a service page, whose content is the
/// page's main region as its markup marks it (everything but the menus, header, footer, sidebars
/// and hidden parts; <see cref="ContentBlock.InMainRegion"/>). This keeps that region instead, and
/// says so with a flag; the article engine's own decision stands whenever it found an article.
/// </summary>
public static class MainRegionFallback
{
    /// <summary>
    /// The main region's blocks when the article is shorter than <see cref="BoilerplateOptions.MinArticleWords"/>
    /// (<see cref="BoilerplateOptions.MinDeclaredArticleWords"/> when the page says it is an article,
    /// <see cref="BoilerplateOptions.MinOpenGraphArticleWords"/> when only its <c>og:type</c> does)
    /// and the region holds more; otherwise null.
    /// </summary>
    public static CleanedPage? Recover(PageContent page, CleanedPage article, BoilerplateOptions options)
    {
        var minimum = page.Metadata.DeclaresArticle ? options.MinDeclaredArticleWords
            : page.Metadata.ArticleByOpenGraphOnly ? options.MinOpenGraphArticleWords
            : options.MinArticleWords;
        if (minimum == 0 || Words(article.Text) >= minimum)
            return null;
        var kept = new List<string>();
        var removed = new List<RemovedBlock>();
        var text = new StringBuilder();
        foreach (var block in page.Blocks)
        {
            // Hidden text is not on the page, and a site's template lines are its furniture wherever they sit.
            if (block.InMainRegion != true || block.RemovedBy is BoilerplateReasons.Hidden or BoilerplateReasons.SiteTemplate)
            {
                removed.Add(new RemovedBlock(block.Text, block.RemovedBy ?? BoilerplateReasons.OutsideMainContent));
                continue;
            }
            if (text.Length > 0)
                text.Append(block.StartsParagraph ? "\n\n" : "\n");
            text.Append(block.Text);
            kept.Add(block.Text);
        }
        var recovered = text.ToString();
        return Words(recovered) > Words(article.Text) ? new CleanedPage(recovered, article.Title, article.Metadata, kept, removed) : null;
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

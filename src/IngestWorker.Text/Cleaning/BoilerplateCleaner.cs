using System.Text;
using IngestWorker.Text.Extraction;

namespace IngestWorker.Text.Cleaning;

/// <summary>
/// Keeps the article's blocks and says why every other block went.
/// </summary>
/// <remarks>
/// <para>Plain text (one block per line, nothing known about it) goes through the whole analysis:
/// a jusText-style classifier (length, stopword density of the page's language, sentence
/// punctuation, phrase lists of chrome) revised by each block's neighbours; the densest run of
/// prose as the article's span; the headline above it (moved to the title); the byline and
/// captions between headline and body; end-of-article markers ("Related", "Comments", share bars,
/// newsletter boxes) that cut the rest even when teasers in full sentences follow, unless the
/// article resumes right after an inline box; line rules for captions, buttons, promotions, legal
/// notices and credits; repeated lines.</para>
/// <para>Blocks from the HTML extractor come pre-judged: removed ones keep the extractor's reason,
/// and the article blocks are only trimmed of what is clearly boilerplate (the headline, end
/// sections, buttons, promotions, captions, repeats).</para>
/// <para>Stateless after construction: one instance serves concurrent documents.</para>
/// </remarks>
public sealed class BoilerplateCleaner
{
    private readonly BoilerplateOptions _options;

    private readonly Language.ILanguageIdentifier? _language;

    /// <param name="language">The language model that tells a page's language (its stopwords judge prose); without one, a stopword guess does.</param>
    public BoilerplateCleaner(BoilerplateOptions options, Language.ILanguageIdentifier? language = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _language = language;
    }

    /// <param name="page">The page's blocks in reading order, and what is known about it.</param>
    /// <param name="templateLines">Keys (<see cref="TemplateLineKey"/>) of lines learned as this site's template.</param>
    public CleanedPage Clean(PageContent page, IReadOnlySet<ulong>? templateLines = null)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (!_options.Enabled)
            return KeepAll(page);
        return new PageAnalysis(page, _options, templateLines, _language).Run();
    }

    /// <summary>The stage switched off: every block the reader did not remove is kept.</summary>
    private static CleanedPage KeepAll(PageContent page)
    {
        var kept = new List<string>();
        var removed = new List<RemovedBlock>();
        var text = new StringBuilder();
        foreach (var block in page.Blocks)
        {
            if (block.RemovedBy is { } reason)
            {
                removed.Add(new RemovedBlock(block.Text, reason));
                continue;
            }
            if (text.Length > 0)
                text.Append(block.StartsParagraph ? "\n\n" : "\n");
            text.Append(block.Text);
            kept.Add(block.Text);
        }
        return new CleanedPage(text.ToString(), page.Metadata.Title, page.Metadata, kept, removed);
    }
}

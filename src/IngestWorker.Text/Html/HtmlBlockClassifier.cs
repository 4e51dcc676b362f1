using IngestWorker.Text.Extraction;

namespace IngestWorker.Text.Html;

/// <summary>
/// Thresholds of the HTML reader's one-block judgements, on one screen. They differ from the line
/// cleaner's (<see cref="Cleaning.BoilerplateOptions"/>) on purpose: here a block is evidence for
/// where the article sits, judged before its neighbours are known, and the markup has already said
/// which text is a link.
/// </summary>
internal sealed record HtmlBlockThresholds
{
    public static readonly HtmlBlockThresholds Default = new();

    /// <summary>More link text than this share and a block is not prose evidence (a teaser, a menu item with a blurb).</summary>
    public double MaxProseLinkDensity { get; init; } = 0.35;

    /// <summary>Fewer words than this and a block is too short to be prose on its own.</summary>
    public int MinProseWords { get; init; } = 8;

    /// <summary>Fewer characters than this and a block is too short to be prose, in any script.</summary>
    public int MinProseChars { get; init; } = 40;

    /// <summary>
    /// With a stopword list for the page's language, this share of stopwords (in percent) makes a
    /// block prose. Low, because it only has to tell sentences from lists of names and labels.
    /// </summary>
    public int MinStopwordPercent { get; init; } = 10;

    /// <summary>Without a stopword verdict, a block this long is prose even with no sentence end or comma.</summary>
    public int LongProseChars { get; init; } = 150;

    /// <summary>More link text than this share and a block is removed as <c>link_dense</c>...</summary>
    public double LinkDenseShare { get; init; } = 0.5;

    /// <summary>...unless it is a sentence of at least <see cref="LinkedSentenceMinWords"/> words with up to this share of links (a blogger's roundup).</summary>
    public double LinkedSentenceMaxShare { get; init; } = 0.8;

    public int LinkedSentenceMinWords { get; init; } = 12;
}

/// <summary>The HTML reader's one-block classifiers: is a block prose, is it mostly links.</summary>
internal static class HtmlBlockClassifier
{
    /// <summary>
    /// Measures <paramref name="block"/> with the line cleaner's scan (<see cref="Cleaning.BlockFeatures"/>)
    /// and sets its features and its two prose verdicts (<see cref="Block.Good"/>, <see cref="Block.Sentences"/>).
    /// </summary>
    /// <param name="languageBit">The page's language as a bit of <see cref="Cleaning.WordTable.Languages"/> (0: none).</param>
    public static void Judge(Block block, int languageBit, HtmlBlockThresholds t)
    {
        var f = Cleaning.BlockFeatures.Scan(block.Text, languageBit);
        block.Words = f.Tokens;
        block.Stopwords = f.Stopwords;
        block.Commas = Cleaning.BlockFeatures.CountCommas(block.Text);
        // A colon or an ellipsis ends a lead-in or a cut sentence: still sentence-shaped here.
        block.EndsSentence = f.Terminal || f.EndsWithColon || f.Truncated;
        var unspaced = !System.Text.Ascii.IsValid(block.Text) && Cleaning.BlockFeatures.MostlyUnspaced(block.Text, f);
        block.Good = IsProse(block, unspaced, languageBit != 0, ignoreLinks: false, t);
        block.Sentences = IsProse(block, unspaced, languageBit != 0, ignoreLinks: true, t);
    }

    /// <summary>
    /// Whether <paramref name="block"/> reads as prose: evidence for the article's container.
    /// </summary>
    /// <param name="unspaced">The block is mostly in a script written without spaces (word counts say nothing).</param>
    /// <param name="stopwordList">The page's language has a stopword list, so stopwords were counted.</param>
    /// <param name="ignoreLinks">Judge the words alone, whatever share of them is link text.</param>
    public static bool IsProse(Block block, bool unspaced, bool stopwordList, bool ignoreLinks, HtmlBlockThresholds t)
    {
        if (block.Kind == BlockKind.Heading || (!ignoreLinks && block.LinkDensity > t.MaxProseLinkDensity))
            return false;
        var length = block.Text.Length;
        if (unspaced)
            return length >= t.MinProseChars;
        if (block.Words < t.MinProseWords || length < t.MinProseChars)
            return false;
        if (stopwordList && block.Stopwords * 100 >= block.Words * t.MinStopwordPercent)
            return true;
        return block.EndsSentence || block.Commas > 0 || length >= t.LongProseChars;
    }

    /// <summary>Mostly link text; sentences rich in links are allowed more (needs <see cref="Block.Sentences"/>).</summary>
    public static bool IsLinkDense(Block block, HtmlBlockThresholds t) =>
        block.LinkDensity > t.LinkDenseShare
        && !(block.Sentences && block.Words >= t.LinkedSentenceMinWords && block.EndsSentence && block.LinkDensity <= t.LinkedSentenceMaxShare);
}

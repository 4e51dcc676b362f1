namespace IngestWorker.Text.Cleaning;

/// <summary>
/// jusText's context-free class of one block (bad, short, near-good, good) from its features and
/// phrase-list signals; <see cref="PageAnalysis"/> then revises it by the neighbours. Thresholds
/// are <see cref="BoilerplateOptions.LengthLow"/>, <see cref="BoilerplateOptions.LengthHigh"/>,
/// <see cref="BoilerplateOptions.StopwordsLow"/>, <see cref="BoilerplateOptions.StopwordsHigh"/> and
/// <see cref="BoilerplateOptions.MaxLinkDensity"/>.
/// </summary>
internal static class JusTextClassifier
{
    /// <param name="linkDensity">Share of link text, known for blocks from the HTML reader (0 for plain text).</param>
    /// <param name="stopwordList">The page's language has a stopword list: density decides; otherwise the block's shape does.</param>
    public static BlockClass Classify(in BlockFeatures f, Signal signal, double linkDensity, bool stopwordList, BoilerplateOptions options)
    {
        if ((signal & (Signal.Interface | Signal.Legal | Signal.Template | Signal.HardMarker | Signal.SoftMarker)) != 0)
            return BlockClass.Bad;
        if (linkDensity > options.MaxLinkDensity)
            return BlockClass.Bad;
        if (f.Copyright)
            return BlockClass.Bad;
        // Captions, credits, datelines, promotions: chrome that sits inside articles; neutral to
        // the neighbours (they must not break an article in two), removed by their own rules.
        if ((signal & Signal.Chrome) != 0)
            return BlockClass.Short;
        if (f.Weight < options.LengthLow)
            return linkDensity > 0 ? BlockClass.Bad : BlockClass.Short;
        if (stopwordList)
        {
            var density = f.StopwordDensity;
            if (density >= options.StopwordsHigh)
                return f.Weight >= options.LengthHigh ? BlockClass.Good : BlockClass.NearGood;
            return density >= options.StopwordsLow ? BlockClass.NearGood : BlockClass.Bad;
        }
        // No stopword list for this language: judge by shape. Sentences with punctuation are prose.
        var letters = f.Letters + f.Cjk;
        var wordy = letters >= 0.5 * f.Length;
        if (wordy && (f.Terminal || f.Sentences >= 1 || f.Cjk >= 10 && f.Weight >= options.LengthHigh))
            return f.Weight >= options.LengthHigh ? BlockClass.Good : BlockClass.NearGood;
        if (wordy && f.Weight >= 2 * options.LengthHigh && !f.HasUrl)
            return BlockClass.NearGood;
        return BlockClass.Bad;
    }
}

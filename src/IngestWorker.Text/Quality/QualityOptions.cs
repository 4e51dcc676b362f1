namespace IngestWorker.Text.Quality;

/// <summary>
/// Thresholds of the quality decision, bound from <c>ingestWorker:pipeline:quality</c> (one section
/// per family: <c>gopherQuality</c>, <c>gopherRepetition</c>, <c>c4</c>, <c>fineWeb</c>,
/// <c>unicode</c>). They apply to stored signals (<see cref="QualityDecision.Decide"/>), so changing
/// them never needs the text again. Defaults are the published ones (Gopher, C4, FineWeb, as
/// datatrove runs them) and, for the Unicode checks, ours.
/// </summary>
public sealed class QualityOptions
{
    /// <summary>Turns the whole quality step on or off (off: no signals are computed and nothing is rejected).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gopher's quality rules (Rae et al. 2021, appendix A.1.1).</summary>
    public GopherQualityOptions GopherQuality { get; set; } = new();

    /// <summary>Gopher's repetition rules (Rae et al. 2021, table A1).</summary>
    public GopherRepetitionOptions GopherRepetition { get; set; } = new();

    /// <summary>C4's document rules (Raffel et al. 2020, section 2.2), plus its line rules as optional rejections.</summary>
    public C4QualityOptions C4 { get; set; } = new();

    /// <summary>FineWeb's own rules (Penedo et al. 2024, section 3.3).</summary>
    public FineWebQualityOptions FineWeb { get; set; } = new();

    /// <summary>Decoding damage and script checks.</summary>
    public UnicodeQualityOptions Unicode { get; set; } = new();

    /// <summary>
    /// Reason codes (<see cref="QualityReasons"/>) never applied: a way to switch off single rules
    /// of an enabled family. They neither reject nor count in the score.
    /// </summary>
    public List<string> DisabledReasons { get; set; } = [];

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> for a setting out of range; its
    /// <c>ParamName</c> is the setting's key below the quality section, with a dot between section
    /// and setting (<c>gopherQuality.minWords</c>, <c>disabledReasons</c>).
    /// </summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(GopherQuality, "gopherQuality");
        ArgumentNullException.ThrowIfNull(GopherRepetition, "gopherRepetition");
        ArgumentNullException.ThrowIfNull(C4, "c4");
        ArgumentNullException.ThrowIfNull(FineWeb, "fineWeb");
        ArgumentNullException.ThrowIfNull(Unicode, "unicode");

        var g = GopherQuality;
        AtLeast(g.MinWords, 0, "gopherQuality.minWords");
        AtLeast(g.MaxWords, g.MinWords, "gopherQuality.maxWords", $"at least gopherQuality.minWords ({g.MinWords})");
        AtLeast(g.MinMeanWordLength, 0, "gopherQuality.minMeanWordLength");
        AtLeast(g.MaxMeanWordLength, g.MinMeanWordLength, "gopherQuality.maxMeanWordLength", $"at least gopherQuality.minMeanWordLength ({g.MinMeanWordLength})");
        AtLeast(g.MaxHashWordRatio, 0, "gopherQuality.maxHashWordRatio");
        AtLeast(g.MaxEllipsisWordRatio, 0, "gopherQuality.maxEllipsisWordRatio");
        Share(g.MaxBulletLinesFrac, "gopherQuality.maxBulletLinesFrac");
        Share(g.MaxEndEllipsisLinesFrac, "gopherQuality.maxEndEllipsisLinesFrac");
        Share(g.MinAlphaWordsFrac, "gopherQuality.minAlphaWordsFrac");
        AtLeast(g.MinStopWords, 0, "gopherQuality.minStopWords");

        var r = GopherRepetition;
        Share(r.MaxDupLineFrac, "gopherRepetition.maxDupLineFrac");
        Share(r.MaxDupParaFrac, "gopherRepetition.maxDupParaFrac");
        Share(r.MaxDupLineCharFrac, "gopherRepetition.maxDupLineCharFrac");
        Share(r.MaxDupParaCharFrac, "gopherRepetition.maxDupParaCharFrac");
        Share(r.MaxTop2GramCharFrac, "gopherRepetition.maxTop2GramCharFrac");
        Share(r.MaxTop3GramCharFrac, "gopherRepetition.maxTop3GramCharFrac");
        Share(r.MaxTop4GramCharFrac, "gopherRepetition.maxTop4GramCharFrac");
        Share(r.MaxDuplicated5GramCharFrac, "gopherRepetition.maxDuplicated5GramCharFrac");
        Share(r.MaxDuplicated6GramCharFrac, "gopherRepetition.maxDuplicated6GramCharFrac");
        Share(r.MaxDuplicated7GramCharFrac, "gopherRepetition.maxDuplicated7GramCharFrac");
        Share(r.MaxDuplicated8GramCharFrac, "gopherRepetition.maxDuplicated8GramCharFrac");
        Share(r.MaxDuplicated9GramCharFrac, "gopherRepetition.maxDuplicated9GramCharFrac");
        Share(r.MaxDuplicated10GramCharFrac, "gopherRepetition.maxDuplicated10GramCharFrac");

        var c = C4;
        AtLeast(c.MinSentences, 0, "c4.minSentences");
        if (c.MaxLinesWithoutTerminalPunctFrac is { } noPunct)
            Share(noPunct, "c4.maxLinesWithoutTerminalPunctFrac");
        if (c.MaxLinesUnder3WordsFrac is { } fewWords)
            Share(fewWords, "c4.maxLinesUnder3WordsFrac");
        if (c.MaxJavascriptLines is { } javascript)
            AtLeast(javascript, 0, "c4.maxJavascriptLines");
        if (c.MaxPolicyLines is { } policy)
            AtLeast(policy, 0, "c4.maxPolicyLines");

        var f = FineWeb;
        Share(f.MinLinePunctFrac, "fineWeb.minLinePunctFrac");
        Share(f.MaxShortLineFrac, "fineWeb.maxShortLineFrac");
        Share(f.MaxDupLineCharFrac, "fineWeb.maxDupLineCharFrac");
        AtLeast(f.MaxNewlineWordRatio, 0, "fineWeb.maxNewlineWordRatio");

        var u = Unicode;
        Share(u.MaxReplacementCharFrac, "unicode.maxReplacementCharFrac");
        Share(u.MaxMojibakeFrac, "unicode.maxMojibakeFrac");
        Share(u.MaxControlCharFrac, "unicode.maxControlCharFrac");
        Share(u.MinExpectedScriptFrac, "unicode.minExpectedScriptFrac");

        ArgumentNullException.ThrowIfNull(DisabledReasons, "disabledReasons");
        foreach (var reason in DisabledReasons)
        {
            if (reason is null || !QualityReasons.All.Contains(reason))
                throw new ArgumentOutOfRangeException("disabledReasons", reason, $"'{reason}' is not a quality reason code; known codes: {string.Join(", ", QualityReasons.All)}.");
        }
    }

    private static void Share(double value, string key)
    {
        if (double.IsNaN(value) || value is < 0 or > 1)
            throw new ArgumentOutOfRangeException(key, value, "A share between 0 and 1.");
    }

    private static void AtLeast(double value, double minimum, string key, string? what = null)
    {
        if (double.IsNaN(value) || value < minimum)
            throw new ArgumentOutOfRangeException(key, value, $"Must be {what ?? $"at least {minimum}"}.");
    }
}

/// <summary><c>ingestWorker:pipeline:quality:gopherQuality</c>. Word rules count word tokens (see <see cref="QualitySignals"/>).</summary>
public sealed class GopherQualityOptions
{
    /// <summary>Apply this family's rules.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Fewer words than this: <see cref="QualityReasons.GopherShortDoc"/>. Gopher: 50.</summary>
    public int MinWords { get; set; } = 50;

    /// <summary>More words than this: <see cref="QualityReasons.GopherLongDoc"/>. Gopher: 100,000.</summary>
    public int MaxWords { get; set; } = 100_000;

    /// <summary>Mean word length (characters) below this: <see cref="QualityReasons.GopherBelowAvgThreshold"/>. Gopher: 3. Not applied to spaceless scripts.</summary>
    public double MinMeanWordLength { get; set; } = 3;

    /// <summary>Mean word length above this: <see cref="QualityReasons.GopherAboveAvgThreshold"/>. Gopher: 10. Not applied to spaceless scripts.</summary>
    public double MaxMeanWordLength { get; set; } = 10;

    /// <summary>More '#' per token than this: <see cref="QualityReasons.GopherTooManyHashes"/>. Gopher: 0.1.</summary>
    public double MaxHashWordRatio { get; set; } = 0.1;

    /// <summary>More ellipses per token than this: <see cref="QualityReasons.GopherTooManyEllipsis"/>. Gopher: 0.1.</summary>
    public double MaxEllipsisWordRatio { get; set; } = 0.1;

    /// <summary>A larger share of lines starting with a bullet: <see cref="QualityReasons.GopherTooManyBullets"/>. Gopher: 0.9.</summary>
    public double MaxBulletLinesFrac { get; set; } = 0.9;

    /// <summary>A larger share of lines ending in an ellipsis: <see cref="QualityReasons.GopherTooManyEndEllipsis"/>. Gopher: 0.3.</summary>
    public double MaxEndEllipsisLinesFrac { get; set; } = 0.3;

    /// <summary>A smaller share of tokens with a letter: <see cref="QualityReasons.GopherBelowAlphaThreshold"/>. Gopher: 0.8.</summary>
    public double MinAlphaWordsFrac { get; set; } = 0.8;

    /// <summary>Fewer stop words than this: <see cref="QualityReasons.GopherEnoughStopWords"/>. Gopher: 2. Not applied where the language has no list.</summary>
    public int MinStopWords { get; set; } = 2;

    /// <summary>
    /// Count different stop words (the paper's "at least two of the following words",
    /// <c>gopher_distinct_stop_words</c>) instead of occurrences (datatrove, <c>gopher_stop_words</c>; the default).
    /// </summary>
    public bool CountDistinctStopWords { get; set; }
}

/// <summary><c>ingestWorker:pipeline:quality:gopherRepetition</c>. Every rule rejects above its share.</summary>
public sealed class GopherRepetitionOptions
{
    /// <summary>Apply this family's rules.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Share of lines that repeat an earlier line. Gopher: 0.30.</summary>
    public double MaxDupLineFrac { get; set; } = 0.30;

    /// <summary>Share of paragraphs that repeat an earlier paragraph. Gopher: 0.30.</summary>
    public double MaxDupParaFrac { get; set; } = 0.30;

    /// <summary>Share of characters in repeated lines. Gopher: 0.20.</summary>
    public double MaxDupLineCharFrac { get; set; } = 0.20;

    /// <summary>Share of characters in repeated paragraphs. Gopher: 0.20.</summary>
    public double MaxDupParaCharFrac { get; set; } = 0.20;

    /// <summary>Share of characters in the most frequent 2-gram. Gopher: 0.20.</summary>
    public double MaxTop2GramCharFrac { get; set; } = 0.20;

    /// <summary>Share of characters in the most frequent 3-gram. Gopher: 0.18.</summary>
    public double MaxTop3GramCharFrac { get; set; } = 0.18;

    /// <summary>Share of characters in the most frequent 4-gram. Gopher: 0.16.</summary>
    public double MaxTop4GramCharFrac { get; set; } = 0.16;

    /// <summary>Share of characters in duplicated 5-grams. Gopher: 0.15.</summary>
    public double MaxDuplicated5GramCharFrac { get; set; } = 0.15;

    /// <summary>Share of characters in duplicated 6-grams. Gopher: 0.14.</summary>
    public double MaxDuplicated6GramCharFrac { get; set; } = 0.14;

    /// <summary>Share of characters in duplicated 7-grams. Gopher: 0.13.</summary>
    public double MaxDuplicated7GramCharFrac { get; set; } = 0.13;

    /// <summary>Share of characters in duplicated 8-grams. Gopher: 0.12.</summary>
    public double MaxDuplicated8GramCharFrac { get; set; } = 0.12;

    /// <summary>Share of characters in duplicated 9-grams. Gopher: 0.11.</summary>
    public double MaxDuplicated9GramCharFrac { get; set; } = 0.11;

    /// <summary>Share of characters in duplicated 10-grams. Gopher: 0.10.</summary>
    public double MaxDuplicated10GramCharFrac { get; set; } = 0.10;
}

/// <summary>
/// <c>ingestWorker:pipeline:quality:c4</c>. C4 rejects a page for "lorem ipsum", a curly bracket or
/// fewer than five sentences; its other rules drop lines (no terminal punctuation, under three
/// words, "javascript", cookie and policy notices). Here those line rules are recorded signals
/// and reject only when given a threshold: the cleaner has already removed boilerplate lines, and
/// rejecting a whole article for its headings, datelines and captions (lines without a full stop)
/// would throw away good text. Null turns a line rule off (the default).
/// </summary>
public sealed class C4QualityOptions
{
    /// <summary>Apply this family's rules.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Reject pages with "lorem ipsum" in a kept line (<see cref="QualityReasons.C4LoremIpsum"/>). C4: on.</summary>
    public bool RejectLoremIpsum { get; set; } = true;

    /// <summary>Reject pages with '{' in a kept line (<see cref="QualityReasons.C4CurlyBracket"/>). C4: on.</summary>
    public bool RejectCurlyBracket { get; set; } = true;

    /// <summary>Fewer sentences in the kept lines than this: <see cref="QualityReasons.C4TooFewSentences"/>. C4: 5; 0 turns the rule off.</summary>
    public int MinSentences { get; set; } = 5;

    /// <summary>A larger share of lines without terminal punctuation: <see cref="QualityReasons.C4LinesWithoutTerminalPunct"/>. Off (null) by default.</summary>
    public double? MaxLinesWithoutTerminalPunctFrac { get; set; }

    /// <summary>A larger share of lines under three words: <see cref="QualityReasons.C4LinesUnder3Words"/>. Off (null) by default.</summary>
    public double? MaxLinesUnder3WordsFrac { get; set; }

    /// <summary>More lines mentioning "javascript" than this: <see cref="QualityReasons.C4Javascript"/>. Off (null) by default.</summary>
    public int? MaxJavascriptLines { get; set; }

    /// <summary>More lines with a cookie or policy phrase than this: <see cref="QualityReasons.C4Policy"/>. Off (null) by default.</summary>
    public int? MaxPolicyLines { get; set; }
}

/// <summary>
/// <c>ingestWorker:pipeline:quality:fineWeb</c>. The comparisons are datatrove's: the line-punctuation
/// rule rejects at or below its share, the short-line and duplicate-character rules at or above
/// theirs, the newline rule above its ratio.
/// </summary>
public sealed class FineWebQualityOptions
{
    /// <summary>Apply this family's rules.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Share of lines ending in punctuation at or below this: <see cref="QualityReasons.FineWebLinePunctRatio"/>. FineWeb: 0.12. Not applied to Thai and Lao.</summary>
    public double MinLinePunctFrac { get; set; } = 0.12;

    /// <summary>Share of lines of at most 30 characters at or above this: <see cref="QualityReasons.FineWebShortLineRatio"/>. FineWeb: 0.67.</summary>
    public double MaxShortLineFrac { get; set; } = 0.67;

    /// <summary>Share of characters in repeated lines at or above this: <see cref="QualityReasons.FineWebCharDupRatio"/>. FineWeb: 0.01.</summary>
    public double MaxDupLineCharFrac { get; set; } = 0.01;

    /// <summary>Line breaks per token above this: <see cref="QualityReasons.FineWebListRatio"/>. FineWeb: 0.3.</summary>
    public double MaxNewlineWordRatio { get; set; } = 0.3;
}

/// <summary><c>ingestWorker:pipeline:quality:unicode</c>: damage from decoding, and text in the wrong script.</summary>
public sealed class UnicodeQualityOptions
{
    /// <summary>Apply this family's rules.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// More U+FFFD per character than this: <see cref="QualityReasons.UnicodeReplacementChars"/>.
    /// 0.001 (one in a thousand): a stray undecodable byte passes, a page whose quotes or accents were lost does not.
    /// </summary>
    public double MaxReplacementCharFrac { get; set; } = 0.001;

    /// <summary>More mojibake sequences per character than this: <see cref="QualityReasons.UnicodeMojibake"/>. 0.001.</summary>
    public double MaxMojibakeFrac { get; set; } = 0.001;

    /// <summary>More control characters per character than this: <see cref="QualityReasons.UnicodeControlChars"/>. 0.001.</summary>
    public double MaxControlCharFrac { get; set; } = 0.001;

    /// <summary>
    /// A smaller share of letters in the script of the detected language: <see cref="QualityReasons.UnicodeUnexpectedScript"/>.
    /// 0.5: names and terms in other scripts are normal, text mostly in another script is not.
    /// </summary>
    public double MinExpectedScriptFrac { get; set; } = 0.5;
}

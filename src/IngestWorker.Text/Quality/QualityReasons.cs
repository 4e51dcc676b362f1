namespace IngestWorker.Text.Quality;

/// <summary>
/// Why a document failed the quality rules. Codes are part of the output contract: they are stored
/// with rejected documents and users filter, count and re-threshold by them, so once published they
/// are not renamed. The Gopher, repetition and FineWeb codes are datatrove's (FineWeb's and C4's
/// with a family prefix added).
/// </summary>
public static class QualityReasons
{
    // ---- Gopher quality ----

    /// <summary>Fewer words than <see cref="GopherQualityOptions.MinWords"/>.</summary>
    public const string GopherShortDoc = "gopher_short_doc";
    /// <summary>More words than <see cref="GopherQualityOptions.MaxWords"/>.</summary>
    public const string GopherLongDoc = "gopher_long_doc";
    /// <summary>Mean word length below <see cref="GopherQualityOptions.MinMeanWordLength"/>.</summary>
    public const string GopherBelowAvgThreshold = "gopher_below_avg_threshold";
    /// <summary>Mean word length above <see cref="GopherQualityOptions.MaxMeanWordLength"/>.</summary>
    public const string GopherAboveAvgThreshold = "gopher_above_avg_threshold";
    /// <summary>Too many '#' per word.</summary>
    public const string GopherTooManyHashes = "gopher_too_many_hashes";
    /// <summary>Too many ellipses per word.</summary>
    public const string GopherTooManyEllipsis = "gopher_too_many_ellipsis";
    /// <summary>Too many lines starting with a bullet.</summary>
    public const string GopherTooManyBullets = "gopher_too_many_bullets";
    /// <summary>Too many lines ending in an ellipsis.</summary>
    public const string GopherTooManyEndEllipsis = "gopher_too_many_end_ellipsis";
    /// <summary>Too few words with a letter.</summary>
    public const string GopherBelowAlphaThreshold = "gopher_below_alpha_threshold";
    /// <summary>Too few stop words (datatrove's name: the document does not have enough of them).</summary>
    public const string GopherEnoughStopWords = "gopher_enough_stop_words";

    // ---- Gopher repetition ----

    /// <summary>Too many repeated lines.</summary>
    public const string DupLineFrac = "dup_line_frac";
    /// <summary>Too many repeated paragraphs.</summary>
    public const string DupParaFrac = "dup_para_frac";
    /// <summary>Too many characters in repeated lines.</summary>
    public const string DupLineCharFrac = "dup_line_char_frac";
    /// <summary>Too many characters in repeated paragraphs.</summary>
    public const string DupParaCharFrac = "dup_para_char_frac";
    /// <summary>The most frequent 2-gram covers too many characters.</summary>
    public const string Top2Gram = "top_2_gram";
    /// <summary>The most frequent 3-gram covers too many characters.</summary>
    public const string Top3Gram = "top_3_gram";
    /// <summary>The most frequent 4-gram covers too many characters.</summary>
    public const string Top4Gram = "top_4_gram";
    /// <summary>Duplicated 5-grams cover too many characters.</summary>
    public const string Duplicated5NGrams = "duplicated_5_n_grams";
    /// <summary>Duplicated 6-grams cover too many characters.</summary>
    public const string Duplicated6NGrams = "duplicated_6_n_grams";
    /// <summary>Duplicated 7-grams cover too many characters.</summary>
    public const string Duplicated7NGrams = "duplicated_7_n_grams";
    /// <summary>Duplicated 8-grams cover too many characters.</summary>
    public const string Duplicated8NGrams = "duplicated_8_n_grams";
    /// <summary>Duplicated 9-grams cover too many characters.</summary>
    public const string Duplicated9NGrams = "duplicated_9_n_grams";
    /// <summary>Duplicated 10-grams cover too many characters.</summary>
    public const string Duplicated10NGrams = "duplicated_10_n_grams";

    // ---- C4 ----

    /// <summary>"lorem ipsum" in a kept line.</summary>
    public const string C4LoremIpsum = "c4_lorem_ipsum";
    /// <summary>A curly bracket in a kept line.</summary>
    public const string C4CurlyBracket = "c4_curly_bracket";
    /// <summary>Fewer sentences than <see cref="C4QualityOptions.MinSentences"/> in the kept lines.</summary>
    public const string C4TooFewSentences = "c4_too_few_sentences";
    /// <summary>Too many lines without terminal punctuation (only with <see cref="C4QualityOptions.MaxLinesWithoutTerminalPunctFrac"/> set).</summary>
    public const string C4LinesWithoutTerminalPunct = "c4_lines_without_terminal_punct";
    /// <summary>Too many lines under three words (only with <see cref="C4QualityOptions.MaxLinesUnder3WordsFrac"/> set).</summary>
    public const string C4LinesUnder3Words = "c4_lines_under_3_words";
    /// <summary>Too many lines mentioning "javascript" (only with <see cref="C4QualityOptions.MaxJavascriptLines"/> set).</summary>
    public const string C4Javascript = "c4_javascript";
    /// <summary>Too many cookie and policy lines (only with <see cref="C4QualityOptions.MaxPolicyLines"/> set).</summary>
    public const string C4Policy = "c4_policy";

    // ---- FineWeb ----

    /// <summary>Too few lines end in punctuation.</summary>
    public const string FineWebLinePunctRatio = "fineweb_line_punct_ratio";
    /// <summary>Too many short lines.</summary>
    public const string FineWebShortLineRatio = "fineweb_short_line_ratio";
    /// <summary>Too many characters in repeated lines.</summary>
    public const string FineWebCharDupRatio = "fineweb_char_dup_ratio";
    /// <summary>Too many line breaks per word: a list, not prose.</summary>
    public const string FineWebListRatio = "fineweb_list_ratio";

    // ---- Unicode ----

    /// <summary>Too many U+FFFD replacement characters.</summary>
    public const string UnicodeReplacementChars = "unicode_replacement_chars";
    /// <summary>Too many mis-decoded UTF-8 sequences.</summary>
    public const string UnicodeMojibake = "unicode_mojibake";
    /// <summary>Too many control characters.</summary>
    public const string UnicodeControlChars = "unicode_control_chars";
    /// <summary>Too few letters in the script of the detected language.</summary>
    public const string UnicodeUnexpectedScript = "unicode_unexpected_script";

    /// <summary>Every code, in the order <see cref="QualityDecision.Decide"/> checks them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        GopherShortDoc, GopherLongDoc, GopherBelowAvgThreshold, GopherAboveAvgThreshold, GopherTooManyHashes,
        GopherTooManyEllipsis, GopherTooManyBullets, GopherTooManyEndEllipsis, GopherBelowAlphaThreshold, GopherEnoughStopWords,
        DupParaFrac, DupParaCharFrac, DupLineFrac, DupLineCharFrac, Top2Gram, Top3Gram, Top4Gram,
        Duplicated5NGrams, Duplicated6NGrams, Duplicated7NGrams, Duplicated8NGrams, Duplicated9NGrams, Duplicated10NGrams,
        C4LoremIpsum, C4CurlyBracket, C4TooFewSentences, C4LinesWithoutTerminalPunct, C4LinesUnder3Words, C4Javascript, C4Policy,
        FineWebLinePunctRatio, FineWebShortLineRatio, FineWebCharDupRatio, FineWebListRatio,
        UnicodeReplacementChars, UnicodeMojibake, UnicodeControlChars, UnicodeUnexpectedScript,
    ];
}

namespace IngestWorker.Text.Quality;

/// <summary>
/// The quality signals of a cleaned text: every raw number the Gopher, C4 and FineWeb heuristics and
/// our Unicode checks look at, under stable snake_case names (part of the output contract: stored
/// with each document so thresholds can be changed and documents re-decided offline with
/// <see cref="QualityDecision.Decide"/>, without the text).
/// </summary>
/// <remarks>
/// <para><b>Text model.</b> The cleaned text has paragraphs separated by blank lines and lines by
/// "\n". "Lines" below are the non-blank lines unless a signal says otherwise: datatrove's filters
/// run on trafilatura output, where paragraphs are separated by a single "\n", so counting our blank
/// separator lines would halve every per-line share (for text without blank lines the numbers are
/// datatrove's). "Characters" are Unicode code points, as Python's <c>len</c>.</para>
///
/// <para><b>Words.</b> Word tokens follow NLTK's Treebank <c>word_tokenize</c> (what datatrove uses
/// for English) closely without its regular expressions: text is split at whitespace; the
/// punctuation NLTK always cuts off (<c>; @ # $ % &amp; ? ! * ( ) [ ] { } &lt; &gt;</c>, quotes,
/// backticks) becomes tokens of its own, as do commas and colons not followed by a digit, runs of
/// two or more periods, "--", the clitics <c>'s 'm 'd 'll 're 've n't</c> and a trailing apostrophe;
/// a period is cut off where it ends a sentence (the last period of a line, or one after a word that
/// is not an abbreviation, an initial or a dotted acronym), and an ASCII double quote becomes
/// <c>``</c> or <c>''</c> as in NLTK. Known differences from NLTK: sentence ends are guessed by
/// these rules rather than by the Punkt model, and "cannot", "gonna" and the like are not split.
/// A token is a "word" (datatrove's non-symbol word) when it has a character outside datatrove's
/// <c>PUNCTUATION_SET</c>.</para>
///
/// <para><b>Scripts without spaces.</b> Han, kana, Thai, Lao, Khmer, Myanmar and Tibetan characters
/// (with their combining marks) are one word token each, wherever they occur: a tokenizer that only
/// splits at spaces would see a whole Chinese sentence as one "word". So for Chinese, Japanese and
/// Thai the word count is (about) the character count — 50 "words" are 50 characters, a lenient
/// minimum — the hash, ellipsis and newline ratios per word are per character, and the n-gram
/// repetition signals work on character n-grams. <see cref="TextSpaceless"/> is set when the
/// language is one of these or at least half the letters are in these scripts; the mean word
/// length rule (3–10 characters) does not apply then, since a character is not a word. C4's
/// "at least 3 words per line" counts each such character as a word. Stop words: for Chinese,
/// Japanese and Thai short particle lists are counted as substrings (<c>的 了 是…</c>,
/// <c>の に は を…</c>, <c>ที่ และ ใน…</c>). Thai and Lao end sentences with a space rather than
/// a full stop (<see cref="TextUnpunctuated"/>): their lines are not expected to end in
/// punctuation, and C4 counts their space-separated segments as sentences.</para>
/// </remarks>
public static class QualitySignals
{
    // ---- text ----

    /// <summary>Characters (code points) of the text.</summary>
    public const string TextChars = "text_chars";
    /// <summary>Non-blank lines.</summary>
    public const string TextLines = "text_lines";
    /// <summary>Paragraphs (datatrove: the stripped text split at runs of two or more "\n").</summary>
    public const string TextParagraphs = "text_paragraphs";
    /// <summary>Word tokens, punctuation tokens included (datatrove's <c>len(words)</c>).</summary>
    public const string TextTokens = "text_tokens";
    /// <summary>1 when the text is in a script written without spaces between words (see remarks), else 0.</summary>
    public const string TextSpaceless = "text_spaceless_script";
    /// <summary>1 when the text is Thai or Lao, whose lines and sentences need not end in punctuation, else 0.</summary>
    public const string TextUnpunctuated = "text_unpunctuated_script";
    /// <summary>
    /// 1 when the text is Korean (language "ko", or at least half the letters Hangul), else 0: a Hangul
    /// character is a syllable of two or three letters, so word lengths are not comparable with
    /// alphabetic scripts and the mean-word-length rule does not apply.
    /// </summary>
    public const string TextSyllabic = "text_syllabic_script";
    /// <summary>
    /// Tokens per word in the n-gram signals: 1, or for spaceless text (one token per character) 2 for
    /// Han and kana and 3 for Thai, Lao, Khmer, Myanmar and Tibetan, so that a "5-gram" spans about five words.
    /// </summary>
    public const string TextTokensPerWord = "text_tokens_per_word";

    // ---- Gopher quality (Rae et al. 2021, A.1.1; datatrove GopherQualityFilter) ----

    /// <summary>Words: tokens with a character outside datatrove's punctuation set.</summary>
    public const string GopherWordCount = "gopher_word_count";
    /// <summary>Mean length in characters of those words.</summary>
    public const string GopherMeanWordLength = "gopher_mean_word_length";
    /// <summary>'#' characters per token.</summary>
    public const string GopherHashWordRatio = "gopher_hash_word_ratio";
    /// <summary>Ellipses ("..." counted without overlap, plus '…') per token.</summary>
    public const string GopherEllipsisWordRatio = "gopher_ellipsis_word_ratio";
    /// <summary>Share of lines whose first non-space character is '•' or '-'.</summary>
    public const string GopherBulletLinesFrac = "gopher_bullet_lines_frac";
    /// <summary>Share of lines ending (before trailing spaces) in "..." or '…'.</summary>
    public const string GopherEndEllipsisLinesFrac = "gopher_end_ellipsis_lines_frac";
    /// <summary>Share of tokens (punctuation tokens included, as datatrove) with at least one letter.</summary>
    public const string GopherAlphaWordsFrac = "gopher_alpha_words_frac";
    /// <summary>
    /// Occurrences of the language's stop words among the tokens (datatrove counts occurrences,
    /// case-sensitive). Absent when there is no stop-word list for the language.
    /// </summary>
    public const string GopherStopWords = "gopher_stop_words";
    /// <summary>How many different stop words of the list occur (the paper's "at least two of"). Absent with <see cref="GopherStopWords"/>.</summary>
    public const string GopherDistinctStopWords = "gopher_distinct_stop_words";

    // ---- Gopher repetition (Rae et al. 2021, table A1; datatrove GopherRepetitionFilter) ----

    /// <summary>Share of lines (the text split at runs of "\n") that repeat an earlier line exactly.</summary>
    public const string DupLineFrac = "dup_line_frac";
    /// <summary>Share of paragraphs (the stripped text split at runs of two or more "\n") that repeat an earlier one.</summary>
    public const string DupParaFrac = "dup_para_frac";
    /// <summary>Characters in repeated lines over the characters of the text.</summary>
    public const string DupLineCharFrac = "dup_line_char_frac";
    /// <summary>Characters in repeated paragraphs over the characters of the text.</summary>
    public const string DupParaCharFrac = "dup_para_char_frac";
    /// <summary>
    /// Characters of the most frequent word 2-gram (its tokens joined by a space, times its count)
    /// over the characters of the text; among equally frequent n-grams the first to occur. At most 1:
    /// the joining spaces can make the n-gram longer than a short text ("Hello world." would give
    /// 13/12 for its 3-gram "Hello world ."), where datatrove's value goes past 1.
    /// </summary>
    public const string Top2GramCharFrac = "top_2_gram_char_frac";
    /// <summary>As <see cref="Top2GramCharFrac"/> for 3-grams.</summary>
    public const string Top3GramCharFrac = "top_3_gram_char_frac";
    /// <summary>As <see cref="Top2GramCharFrac"/> for 4-grams.</summary>
    public const string Top4GramCharFrac = "top_4_gram_char_frac";
    /// <summary>
    /// Characters of word 5-grams that repeat an earlier 5-gram (tokens joined without spaces; after a
    /// repeat the scan jumps past it, so overlapping repeats count once) over the characters of the text.
    /// At most 1 (tokens can be longer than their text: NLTK writes " as `` or '').
    /// </summary>
    public const string Duplicated5GramCharFrac = "duplicated_5_gram_char_frac";
    /// <summary>As <see cref="Duplicated5GramCharFrac"/> for 6-grams.</summary>
    public const string Duplicated6GramCharFrac = "duplicated_6_gram_char_frac";
    /// <summary>As <see cref="Duplicated5GramCharFrac"/> for 7-grams.</summary>
    public const string Duplicated7GramCharFrac = "duplicated_7_gram_char_frac";
    /// <summary>As <see cref="Duplicated5GramCharFrac"/> for 8-grams.</summary>
    public const string Duplicated8GramCharFrac = "duplicated_8_gram_char_frac";
    /// <summary>As <see cref="Duplicated5GramCharFrac"/> for 9-grams.</summary>
    public const string Duplicated9GramCharFrac = "duplicated_9_gram_char_frac";
    /// <summary>As <see cref="Duplicated5GramCharFrac"/> for 10-grams.</summary>
    public const string Duplicated10GramCharFrac = "duplicated_10_gram_char_frac";

    // ---- C4 (Raffel et al. 2020; datatrove C4QualityFilter) ----

    /// <summary>
    /// Share of lines that, stripped and without trailing [1]/[edit]/[citation needed] citations, do not
    /// end in terminal punctuation (. ? ! " ' and the closing quotes and full stops of other scripts),
    /// or end in an ellipsis.
    /// </summary>
    public const string C4LinesWithoutTerminalPunctFrac = "c4_lines_without_terminal_punct_frac";
    /// <summary>Share of lines with fewer than 3 words (whitespace-separated; each Han, kana or Thai letter a word).</summary>
    public const string C4LinesUnder3WordsFrac = "c4_lines_under_3_words_frac";
    /// <summary>Lines containing "javascript" (any case).</summary>
    public const string C4JavascriptLines = "c4_javascript_lines";
    /// <summary>Lines containing a cookie or policy phrase ("terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies"; any case).</summary>
    public const string C4PolicyLines = "c4_policy_lines";
    /// <summary>1 when a line C4 would keep so far (no word over 1000 characters, terminal punctuation, 3+ words) contains "lorem ipsum", else 0.</summary>
    public const string C4LoremIpsum = "c4_lorem_ipsum";
    /// <summary>1 when such a line (and not a "javascript" one, which C4 drops first) contains '{', else 0.</summary>
    public const string C4CurlyBracket = "c4_curly_bracket";
    /// <summary>Sentences in the lines C4 keeps (terminal punctuation, 3+ words, no "javascript", no policy phrase).</summary>
    public const string C4Sentences = "c4_sentences";

    // ---- FineWeb (Penedo et al. 2024; datatrove FineWebQualityFilter) ----

    /// <summary>Share of lines whose last character is terminal punctuation (see <see cref="C4LinesWithoutTerminalPunctFrac"/>).</summary>
    public const string FineWebLinePunctFrac = "fineweb_line_punct_frac";
    /// <summary>Share of lines of at most 30 characters.</summary>
    public const string FineWebShortLineFrac = "fineweb_short_line_frac";
    /// <summary>Characters in lines repeating an earlier line over the characters of the text without its "\n".</summary>
    public const string FineWebDupLineCharFrac = "fineweb_dup_line_char_frac";
    /// <summary>Line breaks (between non-blank lines) per token.</summary>
    public const string FineWebNewlineWordRatio = "fineweb_newline_word_ratio";

    // ---- Unicode health ----

    /// <summary>U+FFFD replacement characters (bytes the decoder could not read).</summary>
    public const string UnicodeReplacementChars = "unicode_replacement_chars";
    /// <summary><see cref="UnicodeReplacementChars"/> over the characters of the text.</summary>
    public const string UnicodeReplacementCharFrac = "unicode_replacement_char_frac";
    /// <summary>
    /// Sequences typical of UTF-8 decoded as Windows-1252/Latin-1 ("Ã©", "â€™", "Ã¼", "Â ", "ðŸ") or
    /// as Windows-1251 ("Р°", "С‚", "вЂ").
    /// </summary>
    public const string UnicodeMojibakeSequences = "unicode_mojibake_sequences";
    /// <summary><see cref="UnicodeMojibakeSequences"/> over the characters of the text.</summary>
    public const string UnicodeMojibakeFrac = "unicode_mojibake_frac";
    /// <summary>Control characters other than tab, line feed and carriage return.</summary>
    public const string UnicodeControlChars = "unicode_control_chars";
    /// <summary><see cref="UnicodeControlChars"/> over the characters of the text.</summary>
    public const string UnicodeControlCharFrac = "unicode_control_char_frac";
    /// <summary>
    /// Share of the letters that are in the script(s) of the language (Latin for en/de/fr…, Cyrillic for
    /// ru/uk/bg…, Han for zh, Han and kana for ja, Hangul and Han for ko, Thai, Arabic, Hebrew,
    /// Greek, Devanagari…). Absent when the language is unknown or not in the table, or there are no letters.
    /// </summary>
    public const string UnicodeExpectedScriptFrac = "unicode_expected_script_frac";

    /// <summary>Every signal name, in the order <see cref="QualitySignalSet"/> lists them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        TextChars, TextLines, TextParagraphs, TextTokens, TextSpaceless, TextUnpunctuated, TextSyllabic, TextTokensPerWord,
        GopherWordCount, GopherMeanWordLength, GopherHashWordRatio, GopherEllipsisWordRatio, GopherBulletLinesFrac,
        GopherEndEllipsisLinesFrac, GopherAlphaWordsFrac, GopherStopWords, GopherDistinctStopWords,
        DupLineFrac, DupParaFrac, DupLineCharFrac, DupParaCharFrac,
        Top2GramCharFrac, Top3GramCharFrac, Top4GramCharFrac,
        Duplicated5GramCharFrac, Duplicated6GramCharFrac, Duplicated7GramCharFrac, Duplicated8GramCharFrac,
        Duplicated9GramCharFrac, Duplicated10GramCharFrac,
        C4LinesWithoutTerminalPunctFrac, C4LinesUnder3WordsFrac, C4JavascriptLines, C4PolicyLines,
        C4LoremIpsum, C4CurlyBracket, C4Sentences,
        FineWebLinePunctFrac, FineWebShortLineFrac, FineWebDupLineCharFrac, FineWebNewlineWordRatio,
        UnicodeReplacementChars, UnicodeReplacementCharFrac, UnicodeMojibakeSequences, UnicodeMojibakeFrac,
        UnicodeControlChars, UnicodeControlCharFrac, UnicodeExpectedScriptFrac,
    ];

    /// <summary>
    /// Computes every signal of <paramref name="text"/> (the cleaned text) written in
    /// <paramref name="language"/> (an ISO 639-1 code such as "en", "zh", "th"; region and script
    /// suffixes are ignored; null when unknown). Pure and thread-safe; single pass over the
    /// characters plus one over the word tokens, with per-thread reusable buffers.
    /// </summary>
    public static QualitySignalSet Compute(string text, string? language)
    {
        ArgumentNullException.ThrowIfNull(text);
        return QualityAnalyzer.Rent().Analyze(text, language);
    }
}

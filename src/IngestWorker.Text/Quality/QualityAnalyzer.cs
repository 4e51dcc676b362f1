using System.Collections.Frozen;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using static IngestWorker.Text.Quality.QualityChars;

namespace IngestWorker.Text.Quality;

/// <summary>
/// Computes <see cref="QualitySignals"/>: one pass over the characters (Unicode health, scripts,
/// '#' and ellipses), one over the lines (line shares, duplicate lines, word tokens), one over the
/// paragraphs and one over the word tokens (n-gram repetition with 64-bit hashes of token
/// sequences, no strings). One instance per thread, its buffers reused from document to document.
/// </summary>
internal sealed partial class QualityAnalyzer
{
    [ThreadStatic] private static QualityAnalyzer? _perThread;

    /// <summary>Buffers above this many tokens are dropped after the document instead of kept for the next.</summary>
    private const int KeepTokenCapacity = 1 << 18;

    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    private static readonly ulong OpenQuoteHash = HashOf("``");
    private static readonly ulong CloseQuoteHash = HashOf("''");

    // Words after which a period does not end a sentence (Punkt's English model knows these and
    // more); compared case-insensitively.
    private static readonly FrozenSet<string> Abbreviations = FrozenSet.ToFrozenSet(
        ["mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "inc", "ltd", "co", "corp", "vs", "etc", "jan", "feb", "mar", "apr",
         "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "gen", "gov", "sen", "rep", "rev", "lt", "col", "capt", "sgt",
         "cmdr", "adm", "no", "nos", "vol", "fig", "mt", "ft", "approx", "dept", "univ", "assn", "bros", "pp", "ave", "blvd", "rd"],
        StringComparer.OrdinalIgnoreCase);
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> AbbreviationLookup =
        Abbreviations.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly string[] PolicyPhrases = ["terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies"];

    // ---- per-document state ----
    private string _text = "";
    private bool _hasSurrogates;
    private StopWordList? _stopWords;
    private bool _englishStopWords;
    private int _stopWordCount;
    private ulong _stopWordSeen;       // lists of up to 64 words
    private bool[] _stopWordSeenLarge = [];

    // tokens
    private int _tokens;
    private ulong[] _tokHash = new ulong[4096];
    private int[] _tokLen = new int[4096];
    private byte[] _tokKind = new byte[4096];
    private int[] _tokStart = new int[4096]; // -1: a quote NLTK rewrites (`` or '')
    private int[] _tokEnd = new int[4096];
    private int _nonSymbolWords;
    private long _nonSymbolChars;
    private int _alphaTokens;

    private const byte KindSpaceless = 1;

    // per line, reset by TokenizeLine
    private int _lineTokens;
    private int _lineBoundaries;
    private bool _pendingBoundary;
    private bool _periodBeforeQuote;
    private int _lineChunks;
    private int _lineC4Words;
    private int _lineLongestChunk;

    // n-gram work
    private int[] _lenPrefix = new int[4097];
    private int[] _sepPrefix = new int[4097];
    private ulong[] _ngram = new ulong[4096];
    private int[] _active = new int[4096];
    private int[] _slot = new int[4096];
    private readonly NgramTable _table = new();
    private readonly SpanSet _lineSet = new();
    private readonly SpanSet _paraSet = new();
    private readonly int[] _scriptLetters = new int[(int)Script.Other + 1];

    public static QualityAnalyzer Rent() => _perThread ??= new QualityAnalyzer();

    /// <summary>The word tokens of <paramref name="text"/> as the signals see them (for tests and diagnostics).</summary>
    public static IReadOnlyList<string> Tokens(string text, string? language = "en")
    {
        var analyzer = new QualityAnalyzer();
        analyzer.AnalyzeCore(text, QualityLanguages.Normalize(language));
        var tokens = new string[analyzer._tokens];
        for (var i = 0; i < tokens.Length; i++)
        {
            tokens[i] = analyzer._tokStart[i] < 0
                ? (analyzer._tokEnd[i] == 0 ? "``" : "''")
                : text[analyzer._tokStart[i]..analyzer._tokEnd[i]];
        }
        return tokens;
    }

    public QualitySignalSet Analyze(string text, string? language)
    {
        try
        {
            return AnalyzeCore(text, QualityLanguages.Normalize(language));
        }
        finally
        {
            _text = "";
            if (_tokHash.Length > KeepTokenCapacity)
                _perThread = null; // let a huge document's buffers go
        }
    }

    private QualitySignalSet AnalyzeCore(string text, string? language)
    {
        _text = text;
        var v = new double[(int)Sig.Count];
        Array.Fill(v, double.NaN);

        // ---------- pass 1: characters ----------
        Array.Clear(_scriptLetters);
        var counts = new CharCounts();
        CountChars(text, ref counts);
        var lowSurrogates = counts.LowSurrogates;
        var letters = counts.Letters;
        var replacement = counts.Replacement;
        var control = counts.Control;
        var mojibake = counts.Mojibake;
        var hashes = counts.Hashes;
        var ellipses = counts.Ellipses;
        var newlines = counts.Newlines;
        var chars = text.Length - lowSurrogates;
        _hasSurrogates = lowSurrogates > 0;

        var spacelessLetters = _scriptLetters[(int)Script.Han] + _scriptLetters[(int)Script.Hiragana] + _scriptLetters[(int)Script.Katakana]
            + _scriptLetters[(int)Script.Thai] + _scriptLetters[(int)Script.Lao] + _scriptLetters[(int)Script.Khmer]
            + _scriptLetters[(int)Script.Myanmar] + _scriptLetters[(int)Script.Tibetan];
        var unpunctuatedLetters = _scriptLetters[(int)Script.Thai] + _scriptLetters[(int)Script.Lao];
        var spaceless = QualityLanguages.IsSpaceless(language) || (letters > 0 && spacelessLetters * 2 >= letters);
        // Spaceless text has a token per character, and an n-word window of the repetition signals is
        // n × this many tokens: Chinese and Japanese words average about two characters, Thai, Lao,
        // Khmer, Myanmar and Tibetan words about three letters.
        var hanKana = _scriptLetters[(int)Script.Han] + _scriptLetters[(int)Script.Hiragana] + _scriptLetters[(int)Script.Katakana];
        var tokensPerWord = !spaceless ? 1 : hanKana * 2 >= spacelessLetters ? 2 : 3;
        var unpunctuated = QualityLanguages.IsUnpunctuated(language) || (letters > 0 && unpunctuatedLetters * 2 >= letters);

        // ---------- pass 2: lines and word tokens ----------
        _stopWords = QualityLanguages.StopWords(language ?? GuessLanguageForStopWords(letters, hanKana));
        _englishStopWords = ReferenceEquals(_stopWords, QualityLanguages.GopherEnglish);
        _stopWordCount = 0;
        _stopWordSeen = 0;
        if (_stopWords is { Match: StopWordMatch.Token } && _stopWords.Words.Length > 64)
        {
            if (_stopWordSeenLarge.Length < _stopWords.Words.Length)
                _stopWordSeenLarge = new bool[_stopWords.Words.Length];
            Array.Clear(_stopWordSeenLarge);
        }
        _tokens = 0;
        _nonSymbolWords = 0;
        _nonSymbolChars = 0;
        _alphaTokens = 0;
        EnsureTokenCapacity(Math.Max(64, text.Length / 3));

        // Whole-text look-ups first: most documents contain none of C4's phrases, and then no line is searched.
        var anyLorem = text.Contains("lorem ipsum", StringComparison.OrdinalIgnoreCase);
        var anyJavascript = text.Contains("javascript", StringComparison.OrdinalIgnoreCase);
        var anyCurly = text.Contains('{');
        var anyPolicy = false;
        foreach (var phrase in PolicyPhrases)
            anyPolicy |= text.Contains(phrase, StringComparison.OrdinalIgnoreCase);

        var lines = 0;
        var bulletLines = 0;
        var endEllipsisLines = 0;
        var c4NoTerminal = 0;
        var c4Under3Words = 0;
        var c4Javascript = 0;
        var c4Policy = 0;
        var c4Lorem = false;
        var c4Curly = false;
        var c4Sentences = 0;
        var fwPunct = 0;
        var fwShort = 0;
        long fwDupChars = 0;
        var repLineElements = 0;
        var repLineDups = 0;
        long repLineDupChars = 0;

        _lineSet.Reset(text, Math.Max(16, newlines + 1));
        var pos = 0;
        while (pos <= text.Length)
        {
            var nl = text.IndexOf('\n', pos);
            var end = nl < 0 ? text.Length : nl;
            var length = end - pos;
            if (length > 0)
            {
                // Gopher repetition's lines: re.split("\n+", text) — every non-empty segment.
                repLineElements++;
                var duplicate = _lineSet.AddAndCheckDuplicate(pos, length);
                var lineChars = CodePoints(pos, length);
                if (duplicate)
                {
                    repLineDups++;
                    repLineDupChars += lineChars;
                }
                var line = text.AsSpan(pos, length);
                var trimmed = line.Trim();
                if (!trimmed.IsEmpty)
                {
                    lines++;
                    if (duplicate)
                        fwDupChars += lineChars;

                    // Gopher: bullets and trailing ellipses.
                    if (trimmed[0] is '•' or '-')
                        bulletLines++;
                    if (trimmed.EndsWith("...") || trimmed[^1] == '…')
                        endEllipsisLines++;

                    // FineWeb: the raw line's last character; its length.
                    if ((Flags(line[^1]) & Terminal) != 0)
                        fwPunct++;
                    if (lineChars <= 30)
                        fwShort++;

                    // Word tokens, and what C4 needs of them.
                    TokenizeLine(pos, end);

                    // C4.
                    var cited = StripCitations(trimmed);
                    var terminal = cited.Length > 0 && (Flags(cited[^1]) & Terminal) != 0 && !cited.EndsWith("...") && cited[^1] != '…';
                    if (!terminal)
                        c4NoTerminal++;
                    if (_lineC4Words < 3)
                        c4Under3Words++;
                    var hasJavascript = anyJavascript && trimmed.Contains("javascript", StringComparison.OrdinalIgnoreCase);
                    var hasPolicy = anyPolicy && ContainsPolicy(trimmed);
                    if (hasJavascript)
                        c4Javascript++;
                    if (hasPolicy)
                        c4Policy++;
                    // C4's cascade, as datatrove runs it line by line.
                    if (_lineLongestChunk <= 1000 && (terminal || unpunctuated) && _lineC4Words >= 3)
                    {
                        if (anyLorem && trimmed.Contains("lorem ipsum", StringComparison.OrdinalIgnoreCase))
                            c4Lorem = true;
                        if (!hasJavascript)
                        {
                            if (anyCurly && cited.Contains('{'))
                                c4Curly = true;
                            if (!hasPolicy)
                                c4Sentences += unpunctuated ? _lineChunks : 1 + _lineBoundaries;
                        }
                    }
                }
            }
            if (nl < 0)
                break;
            pos = nl + 1;
        }
        // re.split("\n+") also yields an empty first/last element when the text starts/ends with "\n"
        // (and [""] for an empty text); a second empty element is a duplicate of the first.
        var emptyEdges = text.Length == 0 ? 1 : (text[0] == '\n' ? 1 : 0) + (text[^1] == '\n' ? 1 : 0);
        repLineElements += emptyEdges;
        if (emptyEdges == 2)
            repLineDups++;

        // ---------- pass 3: paragraphs (re.split(r"\n{2,}", text.strip())) ----------
        var (paragraphs, paraDups, paraDupChars) = Paragraphs(text);

        // ---------- pass 4: n-grams ----------
        Span<double> top = stackalloc double[3];
        Span<double> duplicated = stackalloc double[6];
        NgramRepetition(top, duplicated, tokensPerWord);

        // ---------- stop words counted as substrings (Chinese, Japanese, Thai) ----------
        if (_stopWords is { Match: StopWordMatch.Substring })
        {
            foreach (var word in _stopWords.Words)
            {
                var count = CountOccurrences(text, word);
                _stopWordCount += count;
                if (count > 0)
                    _stopWordSeen |= 1UL << Array.IndexOf(_stopWords.Words, word);
            }
        }

        // ---------- values ----------
        var tokens = _tokens;
        static double Ratio(double a, double b) => b > 0 ? a / b : 0;
        v[(int)Sig.TextChars] = chars;
        v[(int)Sig.TextLines] = lines;
        v[(int)Sig.TextParagraphs] = paragraphs;
        v[(int)Sig.TextTokens] = tokens;
        v[(int)Sig.TextSpaceless] = spaceless ? 1 : 0;
        v[(int)Sig.TextUnpunctuated] = unpunctuated ? 1 : 0;
        v[(int)Sig.TextTokensPerWord] = tokensPerWord;
        v[(int)Sig.TextSyllabic] = letters > 0 && _scriptLetters[(int)Script.Hangul] * 2 >= letters || language == "ko" ? 1 : 0;

        v[(int)Sig.GopherWordCount] = _nonSymbolWords;
        v[(int)Sig.GopherMeanWordLength] = Ratio(_nonSymbolChars, _nonSymbolWords);
        v[(int)Sig.GopherHashWordRatio] = Ratio(hashes, tokens);
        v[(int)Sig.GopherEllipsisWordRatio] = Ratio(ellipses, tokens);
        v[(int)Sig.GopherBulletLinesFrac] = Ratio(bulletLines, lines);
        v[(int)Sig.GopherEndEllipsisLinesFrac] = Ratio(endEllipsisLines, lines);
        v[(int)Sig.GopherAlphaWordsFrac] = Ratio(_alphaTokens, tokens);
        if (_stopWords is not null)
        {
            v[(int)Sig.GopherStopWords] = _stopWordCount;
            v[(int)Sig.GopherDistinctStopWords] = _stopWords.Words.Length > 64 && _stopWords.Match == StopWordMatch.Token
                ? _stopWordSeenLarge.AsSpan(0, _stopWords.Words.Length).Count(true)
                : BitOperations.PopCount(_stopWordSeen);
        }

        v[(int)Sig.DupLineFrac] = Ratio(repLineDups, repLineElements);
        v[(int)Sig.DupParaFrac] = Ratio(paraDups, paragraphs);
        v[(int)Sig.DupLineCharFrac] = Ratio(repLineDupChars, chars);
        v[(int)Sig.DupParaCharFrac] = Ratio(paraDupChars, chars);
        // An n-gram's tokens can hold more characters than the text they came from (the spaces that
        // join them, NLTK's `` for "), so these shares are capped at 1 to stay fractions.
        v[(int)Sig.Top2GramCharFrac] = Math.Min(1, Ratio(top[0], chars));
        v[(int)Sig.Top3GramCharFrac] = Math.Min(1, Ratio(top[1], chars));
        v[(int)Sig.Top4GramCharFrac] = Math.Min(1, Ratio(top[2], chars));
        for (var n = 0; n < 6; n++)
            v[(int)Sig.Duplicated5GramCharFrac + n] = Math.Min(1, Ratio(duplicated[n], chars));

        v[(int)Sig.C4LinesWithoutTerminalPunctFrac] = Ratio(c4NoTerminal, lines);
        v[(int)Sig.C4LinesUnder3WordsFrac] = Ratio(c4Under3Words, lines);
        v[(int)Sig.C4JavascriptLines] = c4Javascript;
        v[(int)Sig.C4PolicyLines] = c4Policy;
        v[(int)Sig.C4LoremIpsum] = c4Lorem ? 1 : 0;
        v[(int)Sig.C4CurlyBracket] = c4Curly ? 1 : 0;
        v[(int)Sig.C4Sentences] = c4Sentences;

        v[(int)Sig.FineWebLinePunctFrac] = Ratio(fwPunct, lines);
        v[(int)Sig.FineWebShortLineFrac] = Ratio(fwShort, lines);
        v[(int)Sig.FineWebDupLineCharFrac] = Ratio(fwDupChars, chars - newlines);
        v[(int)Sig.FineWebNewlineWordRatio] = Ratio(Math.Max(0, lines - 1), tokens);

        v[(int)Sig.UnicodeReplacementChars] = replacement;
        v[(int)Sig.UnicodeReplacementCharFrac] = Ratio(replacement, chars);
        v[(int)Sig.UnicodeMojibakeSequences] = mojibake;
        v[(int)Sig.UnicodeMojibakeFrac] = Ratio(mojibake, chars);
        v[(int)Sig.UnicodeControlChars] = control;
        v[(int)Sig.UnicodeControlCharFrac] = Ratio(control, chars);
        if (QualityLanguages.Scripts(language) is { } expected && letters > 0)
        {
            var inScript = 0;
            foreach (var s in expected)
                inScript += _scriptLetters[(int)s];
            v[(int)Sig.UnicodeExpectedScriptFrac] = (double)inScript / letters;
        }
        return new QualitySignalSet(v);
    }

    /// <summary>
    /// Without a detected language, the stop words are picked by script: Japanese when there is kana,
    /// Chinese for Han, Thai for Thai, English (datatrove's default) when most letters are Latin,
    /// none otherwise (the rule then does not apply).
    /// </summary>
    private string? GuessLanguageForStopWords(int letters, int hanKana)
    {
        if (letters == 0 || _scriptLetters[(int)Script.Latin] * 2 >= letters)
            return "en";
        if (hanKana * 2 >= letters)
            return _scriptLetters[(int)Script.Hiragana] + _scriptLetters[(int)Script.Katakana] > 0 ? "ja" : "zh";
        if (_scriptLetters[(int)Script.Thai] * 2 >= letters)
            return "th";
        return "none";
    }
}

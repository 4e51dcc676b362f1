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
internal sealed class QualityAnalyzer
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

    // ================= characters =================

    private struct CharCounts
    {
        public int LowSurrogates, Letters, Replacement, Control, Mojibake, Hashes, Ellipses, PeriodRun, Newlines;
    }

    /// <summary>
    /// Pass 1: letters per script, U+FFFD, controls, mojibake, '#', ellipses and line feeds. Blocks of
    /// printable ASCII (most of a Latin-script text) are counted 16 characters at a time; any block
    /// with something else (non-ASCII, a control, two periods in a row) goes through the scalar loop.
    /// </summary>
    private void CountChars(string text, ref CharCounts n)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated && text.Length >= Vector256<ushort>.Count)
        {
            ref var start = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text.AsSpan()));
            var nonAscii = Vector256.Create((ushort)0xFF80);
            var space = Vector256.Create((ushort)0x20);
            var del = Vector256.Create((ushort)0x7F);
            var tab = Vector256.Create((ushort)'\t');
            var lf = Vector256.Create((ushort)'\n');
            var cr = Vector256.Create((ushort)'\r');
            var caseBit = Vector256.Create((ushort)0x20);
            var a = Vector256.Create((ushort)'a');
            var alphabet = Vector256.Create((ushort)26);
            var hash = Vector256.Create((ushort)'#');
            var period = Vector256.Create((ushort)'.');
            var last = text.Length - Vector256<ushort>.Count;
            while (i <= last)
            {
                var v = Vector256.LoadUnsafe(ref start, (nuint)i);
                var isLf = Vector256.Equals(v, lf);
                var control = Vector256.LessThan(v, space) & ~(Vector256.Equals(v, tab) | isLf | Vector256.Equals(v, cr));
                var periods = Vector256.Equals(v, period);
                var periodBits = periods.ExtractMostSignificantBits();
                if ((v & nonAscii) != Vector256<ushort>.Zero || control != Vector256<ushort>.Zero || Vector256.EqualsAny(v, del)
                    || n.PeriodRun != 0 || (periodBits & (periodBits >> 1)) != 0 || (periodBits & 0x8000) != 0)
                {
                    // not plain ASCII prose: count these characters one by one
                    var stop = i + Vector256<ushort>.Count;
                    while (i < stop)
                        i = CountChar(text, i, ref n);
                    continue;
                }
                var letters = Vector256.LessThan((v | caseBit) - a, alphabet);
                var latin = BitOperations.PopCount(letters.ExtractMostSignificantBits());
                n.Letters += latin;
                _scriptLetters[(int)Script.Latin] += latin;
                n.Newlines += BitOperations.PopCount(isLf.ExtractMostSignificantBits());
                n.Hashes += BitOperations.PopCount(Vector256.Equals(v, hash).ExtractMostSignificantBits());
                i += Vector256<ushort>.Count;
            }
        }
        while (i < text.Length)
            i = CountChar(text, i, ref n);
        if (n.PeriodRun != 0)
            n.Ellipses += n.PeriodRun / 3;
    }

    /// <summary>Counts the character at <paramref name="i"/> (a surrogate pair at once); returns the next index.</summary>
    private int CountChar(string text, int i, ref CharCounts n)
    {
        var c = text[i];
        var f = Flags(c);
        if (n.PeriodRun != 0 && c != '.')
        {
            n.Ellipses += n.PeriodRun / 3; // Python's str.count("...") does not overlap
            n.PeriodRun = 0;
        }
        if ((f & Letter) != 0)
        {
            n.Letters++;
            _scriptLetters[(int)ScriptOfLetter(c)]++;
        }
        if ((f & Special) == 0)
        {
            if (c == '\n')
                n.Newlines++;
            return i + 1;
        }
        switch (c)
        {
            case '.':
                n.PeriodRun++;
                break;
            case '#':
                n.Hashes++;
                break;
            case '…':
                n.Ellipses++;
                break;
            case '\uFFFD':
                n.Replacement++;
                break;
            default:
                if ((f & Control) != 0)
                {
                    n.Control++;
                }
                else if (char.IsHighSurrogate(c))
                {
                    if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        var rune = char.ConvertToUtf32(c, text[i + 1]);
                        if (Rune.IsLetter(new Rune(rune)))
                        {
                            n.Letters++;
                            _scriptLetters[(int)ScriptOfRune(rune)]++;
                        }
                        n.LowSurrogates++;
                        return i + 2;
                    }
                }
                else if (!char.IsLowSurrogate(c) && Mojibake.IsSequenceAt(text, i))
                {
                    n.Mojibake++;
                }
                break;
        }
        return i + 1;
    }

    // ================= lines =================

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int CodePoints(int start, int length)
    {
        if (!_hasSurrogates)
            return length;
        var low = 0;
        foreach (var c in _text.AsSpan(start, length))
        {
            if (char.IsLowSurrogate(c))
                low++;
        }
        return length - low;
    }

    /// <summary>
    /// C4 removes Wikipedia-style citations ([1], [edit], [citation needed]) before its end-of-line
    /// check; only trailing ones can change how a line ends. Like datatrove, no strip afterwards.
    /// </summary>
    private static ReadOnlySpan<char> StripCitations(ReadOnlySpan<char> line)
    {
        while (line.Length > 0 && line[^1] == ']')
        {
            var open = line.LastIndexOf('[');
            if (open < 0)
                break;
            var inner = line[(open + 1)..^1];
            if (!(inner.IndexOfAnyExceptInRange('0', '9') < 0 || inner.SequenceEqual("edit") || inner.SequenceEqual("citation needed")))
                break;
            line = line[..open];
        }
        return line;
    }

    private static bool ContainsPolicy(ReadOnlySpan<char> line)
    {
        foreach (var phrase in PolicyPhrases)
        {
            if (line.Contains(phrase, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    private (int Count, int Duplicates, long DuplicateChars) Paragraphs(string text)
    {
        var span = text.AsSpan();
        var start = 0;
        var end = span.Length;
        while (start < end && char.IsWhiteSpace(span[start]))
            start++;
        while (end > start && char.IsWhiteSpace(span[end - 1]))
            end--;
        if (start == end)
            return (1, 0, 0); // [""]
        _paraSet.Reset(text, 64);
        var count = 0;
        var duplicates = 0;
        long duplicateChars = 0;
        var pos = start;
        while (true)
        {
            var rel = span[pos..end].IndexOf("\n\n");
            var stop = rel < 0 ? end : pos + rel;
            count++;
            if (_paraSet.AddAndCheckDuplicate(pos, stop - pos))
            {
                duplicates++;
                duplicateChars += CodePoints(pos, stop - pos);
            }
            if (rel < 0)
                break;
            pos = stop;
            while (pos < end && span[pos] == '\n')
                pos++;
        }
        return (count, duplicates, duplicateChars);
    }

    private static int CountOccurrences(string text, string word)
    {
        var count = 0;
        var span = text.AsSpan();
        while (true)
        {
            var i = span.IndexOf(word, StringComparison.Ordinal);
            if (i < 0)
                return count;
            count++;
            span = span[(i + word.Length)..];
        }
    }

    // ================= word tokens =================

    private void EnsureTokenCapacity(int needed)
    {
        if (_tokHash.Length >= needed)
            return;
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)needed);
        Array.Resize(ref _tokHash, size);
        Array.Resize(ref _tokLen, size);
        Array.Resize(ref _tokKind, size);
        Array.Resize(ref _tokStart, size);
        Array.Resize(ref _tokEnd, size);
    }

    /// <summary>Splits the line [start, end) into whitespace-separated chunks and those into tokens.</summary>
    private void TokenizeLine(int start, int end)
    {
        _lineTokens = 0;
        _lineBoundaries = 0;
        _pendingBoundary = false;
        _lineChunks = 0;
        _lineC4Words = 0;
        _lineLongestChunk = 0;
        var text = _text;
        var i = start;
        while (i < end)
        {
            if ((Flags(text[i]) & Space) != 0)
            {
                i++;
                continue;
            }
            _lineChunks++;
            var chunkEnd = TokenizeChunk(i, end);
            _lineLongestChunk = Math.Max(_lineLongestChunk, chunkEnd - i);
            i = chunkEnd;
        }
    }

    /// <summary>Is there nothing but whitespace from <paramref name="i"/> to the end of the line?</summary>
    private bool RestIsBlank(int i, int lineEnd)
    {
        while (i < lineEnd && (Flags(_text[i]) & Space) != 0)
            i++;
        return i >= lineEnd;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool ChunkGoesOn(int i, int lineEnd) => i < lineEnd && (Flags(_text[i]) & Space) == 0;

    /// <summary>
    /// NLTK Treebank-style tokens of the whitespace-free chunk starting at <paramref name="start"/>
    /// (see <see cref="QualitySignals"/>' remarks); returns where the chunk ends.
    /// </summary>
    private int TokenizeChunk(int start, int lineEnd)
    {
        var text = _text;
        var word = -1; // start of the word token being built
        var spacelessLetters = 0;
        var k = start;
        while (k < lineEnd)
        {
            var c = text[k];
            var f = Flags(c);
            if ((f & Space) != 0)
                break;
            if ((f & (Spaceless | SplitPunct | TokenSpecial)) == 0)
            {
                // the common case: a character inside a word
                if (word < 0)
                    word = k;
                k++;
                continue;
            }
            if ((f & Spaceless) != 0)
            {
                // A Han, kana, Thai… character with its combining marks is a word of its own.
                FlushWord(word, k);
                word = -1;
                if ((f & Letter) != 0)
                    spacelessLetters++;
                var e = k + 1;
                while (e < lineEnd && (Flags(text[e]) & Mark) != 0)
                    e++;
                EmitToken(k, e, spacelessToken: true);
                k = e;
                continue;
            }
            if (char.IsHighSurrogate(c) && k + 1 < lineEnd && char.IsLowSurrogate(text[k + 1]))
            {
                var script = ScriptOfRune(char.ConvertToUtf32(c, text[k + 1]));
                if (script is Script.Han or Script.Hiragana)
                {
                    FlushWord(word, k);
                    word = -1;
                    spacelessLetters++;
                    var e = k + 2;
                    while (e < lineEnd && (Flags(text[e]) & Mark) != 0)
                        e++;
                    EmitToken(k, e, spacelessToken: true);
                    k = e;
                    continue;
                }
                if (word < 0)
                    word = k;
                k += 2;
                continue;
            }
            if ((f & SplitPunct) != 0)
            {
                FlushWord(word, k);
                word = -1;
                if (c == '"')
                {
                    // NLTK writes an opening double quote as `` and a closing one as ''.
                    var opening = k == start || text[k - 1] is '(' or '[' or '{' or '<';
                    EmitSpecial(opening ? OpenQuoteHash : CloseQuoteHash, closing: !opening);
                    k++;
                }
                else if (c == '`')
                {
                    var e = k + 1;
                    while (e < lineEnd && text[e] == '`')
                        e++;
                    EmitToken(k, e, spacelessToken: false);
                    k = e;
                }
                else
                {
                    EmitToken(k, k + 1, spacelessToken: false);
                    k++;
                }
                continue;
            }
            switch (c)
            {
                case ',' or ':':
                    if (k + 1 < lineEnd && (Flags(text[k + 1]) & Digit) != 0)
                        break; // 1,000 and 2:30 stay whole
                    FlushWord(word, k);
                    word = -1;
                    EmitToken(k, k + 1, spacelessToken: false);
                    k++;
                    continue;
                case '.':
                {
                    var e = k + 1;
                    while (e < lineEnd && text[e] == '.')
                        e++;
                    if (e - k >= 2)
                    {
                        FlushWord(word, k);
                        word = -1;
                        EmitToken(k, e, spacelessToken: false); // an ellipsis
                        k = e;
                        continue;
                    }
                    var q = e;
                    while (q < lineEnd && text[q] is ']' or ')' or '}' or '>' or '"' or '\'')
                        q++;
                    if (ChunkGoesOn(q, lineEnd))
                    {
                        // Inside a word (U.S.-led, 3.5, example.com), or before a curly closing quote,
                        // which NLTK leaves on the word ("down.”") though the sentence ends there.
                        if (q == e && (Flags(text[q]) & Closing) != 0 && (Flags(text[q]) & SplitPunct) != 0)
                            _periodBeforeQuote = true;
                        break;
                    }
                    // The last period of the chunk: a sentence end unless it follows an abbreviation
                    // mid-line (then it stays part of the word, as "Mr." or "U.S.").
                    if (word >= 0 && IsAbbreviation(text.AsSpan(word, k - word)) && !RestIsBlank(q, lineEnd))
                        break;
                    FlushWord(word, k);
                    word = -1;
                    EmitToken(k, k + 1, spacelessToken: false);
                    k++;
                    continue;
                }
                case '-' when k + 1 < lineEnd && text[k + 1] == '-':
                {
                    FlushWord(word, k);
                    word = -1;
                    var e = k + 2;
                    while (e < lineEnd && text[e] == '-')
                        e++;
                    EmitToken(k, e, spacelessToken: false);
                    k = e;
                    continue;
                }
                case '\'' when word >= 0:
                {
                    var e = k + 1;
                    while (e < lineEnd && char.IsAsciiLetter(text[e]))
                        e++;
                    var atBoundary = !ChunkGoesOn(e, lineEnd) || text[e] is ',' or ':' or '.' or ';' or '\'' || (Flags(text[e]) & SplitPunct) != 0;
                    if (atBoundary && (e == k + 1 || IsClitic(text.AsSpan(k + 1, e - k - 1))))
                    {
                        // "Assad's" → Assad 's; "rebels'" → rebels '
                        FlushWord(word, k);
                        word = -1;
                        EmitToken(k, e, spacelessToken: false);
                        k = e;
                        continue;
                    }
                    break;
                }
            }
            if (word < 0)
                word = k;
            k++;
        }
        FlushWord(word, k);
        _lineC4Words += spacelessLetters > 0 ? spacelessLetters : 1;
        return k;
    }

    private static bool IsClitic(ReadOnlySpan<char> s) => s.Length switch
    {
        1 => s[0] is 's' or 'S' or 'm' or 'M' or 'd' or 'D',
        2 => s.Equals("ll", StringComparison.OrdinalIgnoreCase) || s.Equals("re", StringComparison.OrdinalIgnoreCase)
             || s.Equals("ve", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    private static bool IsAbbreviation(ReadOnlySpan<char> word) =>
        (word.Length == 1 && char.IsLetter(word[0])) // an initial
        || IsDottedAcronym(word)                       // U.S, e.g, p.m, J.J
        || (word.Length <= 6 && AbbreviationLookup.Contains(word));

    /// <summary>Letters in groups of one to three joined by periods: "U.S", "e.g", "Ph.D" (not "147.4").</summary>
    private static bool IsDottedAcronym(ReadOnlySpan<char> word)
    {
        if (!word.Contains('.'))
            return false;
        var group = 0;
        foreach (var c in word)
        {
            if (c == '.')
            {
                if (group == 0)
                    return false;
                group = 0;
            }
            else if (!char.IsLetter(c) || ++group > 3)
            {
                return false;
            }
        }
        return group > 0;
    }

    /// <summary>Ends the word token [start, end) if any; NLTK's "n't" comes off as a token of its own.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void FlushWord(int start, int end)
    {
        if (start < 0 || end <= start)
            return;
        if (_periodBeforeQuote)
        {
            _periodBeforeQuote = false;
            EmitToken(start, end, spacelessToken: false);
            _pendingBoundary = true;
            return;
        }
        if (end - start is >= 4 and <= 6 && ContractionSplit(_text.AsSpan(start, end - start)) is var cut and > 0)
        {
            EmitToken(start, start + cut, spacelessToken: false);
            EmitToken(start + cut, end, spacelessToken: false);
            return;
        }
        if (end - start > 3 && _text[end - 2] == '\'' && _text[end - 1] is 't' or 'T' && _text[end - 3] is 'n' or 'N'
            && _text[end - 4] != '\'')
        {
            EmitToken(start, end - 3, spacelessToken: false);
            EmitToken(end - 3, end, spacelessToken: false);
            return;
        }
        EmitToken(start, end, spacelessToken: false);
    }

    /// <summary>
    /// Where NLTK cuts the words it treats as contractions (cannot, gonna, gotta, wanna, gimme, lemme,
    /// d'ye, more'n, 'tis, 'twas), or 0.
    /// </summary>
    private static int ContractionSplit(ReadOnlySpan<char> w)
    {
        static bool Is(ReadOnlySpan<char> w, string s) => w.Equals(s, StringComparison.OrdinalIgnoreCase);
        return w.Length switch
        {
            4 => Is(w, "d'ye") ? 1 : Is(w, "'tis") ? 2 : 0,
            5 => Is(w, "gonna") || Is(w, "wanna") ? 3 : Is(w, "gotta") || Is(w, "gimme") || Is(w, "lemme") ? 3 : Is(w, "'twas") ? 2 : 0,
            6 => Is(w, "cannot") ? 3 : Is(w, "more'n") ? 4 : 0,
            _ => 0,
        };
    }

    private void EmitSpecial(ulong hash, bool closing)
    {
        if (_tokens == _tokHash.Length)
            EnsureTokenCapacity(_tokens + 1);
        _tokHash[_tokens] = hash;
        _tokLen[_tokens] = 2;
        _tokKind[_tokens] = 0;
        _tokStart[_tokens] = -1;
        _tokEnd[_tokens] = hash == OpenQuoteHash ? 0 : 1;
        _tokens++;
        _lineTokens++;
        if (!closing)
            NoteContent();
    }

    private void EmitToken(int start, int end, bool spacelessToken)
    {
        if (_tokens == _tokHash.Length)
            EnsureTokenCapacity(_tokens + 1);
        var text = _text;
        var hash = FnvOffset;
        ushort any = 0;        // union of the flags of the characters
        ushort all = 0xFFFF;   // intersection
        for (var k = start; k < end; k++)
        {
            var c = text[k];
            hash = (hash ^ c) * FnvPrime;
            var f = Flags(c);
            any |= f;
            all &= f;
        }
        var length = end - start;
        var letter = (any & Letter) != 0;
        if (_hasSurrogates)
        {
            for (var k = start + 1; k < end; k++)
            {
                if (!char.IsLowSurrogate(text[k]))
                    continue;
                length--;
                letter |= char.IsHighSurrogate(text[k - 1]) && Rune.IsLetter(new Rune(text[k - 1], text[k]));
            }
        }
        var nonSymbol = (all & DatatrovePunct) == 0; // some character is not punctuation
        _tokHash[_tokens] = Finish(hash);
        _tokLen[_tokens] = length;
        _tokKind[_tokens] = spacelessToken ? KindSpaceless : (byte)0;
        _tokStart[_tokens] = start;
        _tokEnd[_tokens] = end;
        _tokens++;
        _lineTokens++;
        if (letter)
            _alphaTokens++;
        if (nonSymbol)
        {
            _nonSymbolWords++;
            _nonSymbolChars += length;
            if (_stopWords is { Match: StopWordMatch.Token } list)
                CountStopWord(list, text.AsSpan(start, end - start));
        }

        // Sentence boundaries for C4: a sentence-final mark followed, after any closing quotes or
        // brackets, by more text on the line.
        if (end - start == 1 && (any & (SentenceEnd | Closing)) != 0)
        {
            if ((any & SentenceEnd) != 0)
                _pendingBoundary = true;
        }
        else
        {
            NoteContent();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void NoteContent()
    {
        if (_pendingBoundary)
        {
            _lineBoundaries++;
            _pendingBoundary = false;
        }
    }

    private void CountStopWord(StopWordList list, ReadOnlySpan<char> token)
    {
        int index;
        if (_englishStopWords)
        {
            // the be to of and that have with
            index = token.Length switch
            {
                2 => token[0] == 'b' && token[1] == 'e' ? 1 : token[0] == 't' && token[1] == 'o' ? 2 : token[0] == 'o' && token[1] == 'f' ? 3 : -1,
                3 => token.SequenceEqual("the") ? 0 : token.SequenceEqual("and") ? 4 : -1,
                4 => token.SequenceEqual("that") ? 5 : token.SequenceEqual("have") ? 6 : token.SequenceEqual("with") ? 7 : -1,
                _ => -1,
            };
        }
        else
        {
            index = list.IndexOf(token);
        }
        if (index < 0)
            return;
        _stopWordCount++;
        if (index < 64)
            _stopWordSeen |= 1UL << index;
        if (list.Words.Length > 64)
            _stopWordSeenLarge[index] = true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Finish(ulong h)
    {
        // murmur3's 64-bit finaliser: every input bit reaches every output bit
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        h *= 0xC4CEB9FE1A85EC53UL;
        h ^= h >> 33;
        return h;
    }

    private static ulong HashOf(string s)
    {
        var h = FnvOffset;
        foreach (var c in s)
            h = (h ^ c) * FnvPrime;
        return Finish(h);
    }

    /// <summary>Hash of a token sequence extended by one token (order matters).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Extend(ulong sequence, ulong token) => (BitOperations.RotateLeft(sequence, 27) ^ token) * 0x9E3779B97F4A7C15UL;

    // ================= n-gram repetition =================

    /// <summary>
    /// Gopher's n-gram signals on the word tokens. The most frequent n-gram (n = 2, 3, 4), and the
    /// duplicated n-grams (n = 5…10), need counts only for n-grams that occur at least twice, and an
    /// n-gram can occur twice only where its first n−1 tokens do: each order is counted only at the
    /// positions where the previous order repeats, which leaves few positions beyond the bigrams.
    /// With <paramref name="scale"/> above 1 an n-gram is n × scale tokens (spaceless scripts, where
    /// a token is a character and a word is several).
    /// </summary>
    private void NgramRepetition(Span<double> top, Span<double> duplicated, int scale)
    {
        top.Clear();
        duplicated.Clear();
        var t = _tokens;
        if (t < 2)
            return;
        if (_lenPrefix.Length < t + 1)
        {
            var size = (int)BitOperations.RoundUpToPowerOf2((uint)(t + 1));
            _lenPrefix = new int[size];
            _sepPrefix = new int[size];
            _ngram = new ulong[size];
            _active = new int[size];
            _slot = new int[size];
        }
        // lenPrefix: characters of tokens before i; sepPrefix: spaces " ".join puts between them
        // (none between two characters of a spaceless script, which the text writes together).
        _lenPrefix[0] = 0;
        _sepPrefix[0] = 0;
        for (var i = 0; i < t; i++)
        {
            _lenPrefix[i + 1] = _lenPrefix[i] + _tokLen[i];
            var separated = i > 0 && (_tokKind[i] & _tokKind[i - 1] & KindSpaceless) == 0;
            _sepPrefix[i + 1] = _sepPrefix[i] + (separated ? 1 : 0);
        }
        Array.Copy(_tokHash, _ngram, t);

        // Orders 2 … base, where base is the smallest duplicated n-gram (5 words).
        var baseOrder = 5 * scale;
        var active = t - 1;
        for (var i = 0; i < active; i++)
            _active[i] = i;
        var anyRepeat = false;
        for (var n = 2; n <= baseOrder; n++)
        {
            var last = t - n;
            while (active > 0 && _active[active - 1] > last)
                active--;
            if (active == 0)
                break;
            _table.Reset(active);
            var bestCount = 0;
            var bestFirst = int.MaxValue;
            for (var a = 0; a < active; a++)
            {
                var i = _active[a];
                var h = Extend(_ngram[i], _tokHash[i + n - 1]);
                _ngram[i] = h;
                var slot = _table.Add(h, i);
                _slot[i] = slot;
                var count = _table.CountAt(slot);
                var first = _table.FirstAt(slot);
                if (count > bestCount || (count == bestCount && first < bestFirst))
                {
                    bestCount = count;
                    bestFirst = first;
                }
            }
            if (n % scale == 0 && n / scale is >= 2 and <= 4)
            {
                // Counter.most_common(1): the highest count, the earliest first occurrence among ties;
                // with no repeat at all, the first n-gram of the text (count 1).
                var at = bestCount >= 2 ? bestFirst : 0;
                var count = bestCount >= 2 ? bestCount : 1;
                var chars = _lenPrefix[at + n] - _lenPrefix[at] + _sepPrefix[at + n] - _sepPrefix[at + 1];
                top[n / scale - 2] = (double)chars * count;
            }
            // positions whose n-gram repeats go on to the next order
            var kept = 0;
            for (var a = 0; a < active; a++)
            {
                var i = _active[a];
                if (_table.CountAt(_slot[i]) < 2)
                    continue;
                _active[kept++] = i;
                anyRepeat |= n == baseOrder;
            }
            active = kept;
        }
        // Orders below the base that had no repeat at all: the top n-gram is the first one.
        for (var words = 2; words <= 4; words++)
        {
            var n = words * scale;
            if (top[words - 2] == 0 && t >= n)
                top[words - 2] = _lenPrefix[n] + _sepPrefix[n] - _sepPrefix[1];
        }

        if (!anyRepeat)
            return;
        // datatrove's find_all_duplicate: walk the n-grams; a repeat of one seen before adds its
        // characters ("".join) and the walk jumps past it, otherwise the n-gram is remembered.
        // Only n-grams whose first base-order tokens repeat can ever match, so only those are remembered.
        for (var words = 5; words <= 10; words++)
        {
            var n = words * scale;
            if (t < n)
                break;
            _table.Reset(active);
            long repeated = 0;
            var next = 0; // the walk's position: n-grams before it were passed or jumped over
            var stop = t - n;
            for (var a = 0; a < active; a++)
            {
                var idx = _active[a]; // the walk steps one by one over the positions in between: none repeats
                if (idx < next)
                    continue;
                if (idx > stop)
                    break;
                var h = _ngram[idx];
                for (var j = baseOrder; j < n; j++)
                    h = Extend(h, _tokHash[idx + j]);
                if (_table.AddIfNew(h))
                {
                    next = idx + 1;
                }
                else
                {
                    repeated += _lenPrefix[idx + n] - _lenPrefix[idx];
                    next = idx + n;
                }
            }
            duplicated[words - 5] = repeated;
        }
    }
}

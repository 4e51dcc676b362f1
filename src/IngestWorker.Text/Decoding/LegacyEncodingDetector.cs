using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace IngestWorker.Text.Decoding;

/// <summary>The legacy code page chosen for bytes that are not UTF-8, and the text it gives.</summary>
/// <param name="Name">WHATWG-style name of the code page, e.g. <c>windows-1252</c>.</param>
/// <param name="CodePage">The code page number, e.g. 1252 (20866 for <c>koi8-r</c>).</param>
/// <param name="Confidence">
/// 0–1. How clearly this code page beat the best candidate that would have produced different text,
/// scaled down when the input carries little evidence (few non-ASCII bytes).
/// </param>
/// <param name="Text">The input decoded with this code page.</param>
public sealed record LegacyEncodingGuess(string Name, int CodePage, double Confidence, string Text);

/// <summary>
/// Picks the single-byte legacy code page that bytes (already known not to be UTF-8) were written in,
/// or says that none fits, so that a wrong guess never turns silently into mojibake.
/// </summary>
/// <remarks>
/// <para>
/// Only bytes 0x80–0xFF tell candidates apart: ASCII reads the same in all of them. Each candidate's
/// reading is scored in one pass as a sum of log-likelihood ratios: its non-ASCII letters by how
/// common they are in the languages that code page can spell (against a uniform pick, so letters
/// shuffled by the wrong code page score below zero), and every character by whether it sits where
/// real text puts it: quotes at word edges, no symbols or case flips inside words, no Latin letter
/// glued to a Cyrillic one, words with vowels, no undefined bytes. Common ASCII words ("und", "que")
/// settle the language of short texts. Candidates that give the same text count as one reading.
/// </para>
/// <para>
/// Reliable from about a sentence of text; with only one to three non-ASCII letters the choice
/// between code pages that disagree on them is a guess, which the confidence shows.
/// </para>
/// </remarks>
public sealed partial class LegacyEncodingDetector
{
    /// <summary>
    /// The candidates used when none are configured, most common first: that order breaks ties and
    /// gives each later candidate a small handicap, which only decides inputs with a few non-ASCII
    /// letters. Code pages that mostly agree (1252/1254/ISO-8859-15, 1250/ISO-8859-2,
    /// 1253/ISO-8859-7, 1257/ISO-8859-13, KOI8-R/KOI8-U, 1251/Mac Cyrillic) are all listed because a
    /// text using a byte on which they differ must not be read with the wrong one. ISO-8859-1 and
    /// ISO-8859-9 are left out: windows-1252 and windows-1254 read their text identically.
    /// </summary>
    public static IReadOnlyList<string> DefaultCandidates { get; } = Array.AsReadOnly(
    [
        "windows-1252", "windows-1251", "windows-1250", "iso-8859-2", "windows-1254", "windows-1253",
        "koi8-r", "iso-8859-7", "windows-1257", "iso-8859-15", "iso-8859-13", "koi8-u", "x-mac-cyrillic", "cp866",
    ]);

    // Building a model decodes 256 bytes and derives tables per language, so it is done once per
    // code page per process; models are immutable, so detectors share them.
    private static readonly ConcurrentDictionary<int, CodePageModel> Models = new();

    // A reading must score at least this much (nats) per non-ASCII byte to count as text. Correct
    // Cyrillic, whose letters are the least informative one by one, averages 0.3–0.6 over a
    // paragraph; Hebrew read as KOI8-R scores 0.08 and random bytes far below zero.
    private const double MinimumMeanScore = 0.15;

    // Scales the score gap to the runner-up into a probability. A ratio of e^gap would be the
    // Bayesian answer if every character were independent evidence; they are not, so it is damped.
    private const double MarginScale = 2.0;

    // Score at which the evidence term of the confidence reaches 1 - 1/e (about three well-placed
    // accented letters).
    private const double EvidenceScale = 5.0;

    // Each later candidate starts this far behind the one before it: a prior that the more common
    // code pages listed first are likelier, which only matters when an input has two or three
    // non-ASCII letters (Dvořák reads as Lithuanian "Dvoųįk" in windows-1257).
    private const double PreferenceStep = 0.3;

    // Input whose non-ASCII bytes mostly form well-formed UTF-8 sequences is UTF-8 with a few bad
    // bytes (a truncated file, a stray legacy byte); every single-byte reading of it is mojibake.
    private const double MaxUtf8SequenceShare = 0.5;

    // Enough text to settle any choice; bounds the cost on very large inputs.
    private const int MaxScoredBytes = 1 << 20;

    // How far before the first non-ASCII byte common words are still looked for.
    private const int WordContextBytes = 4096;

    // Undefined bytes and control characters: a few in a long text are tolerable, many are not.
    private const double UndefinedPenalty = -6.0;

    private readonly CodePageModel[] _models;

    /// <summary>The candidates in use, as WHATWG-style names in order of preference.</summary>
    public IReadOnlyList<string> Candidates { get; }

    /// <summary>Creates a detector over the given code pages, or <see cref="DefaultCandidates"/> when null.</summary>
    /// <exception cref="ArgumentException">
    /// A name is blank or unknown, names a multi-byte or non-ASCII-compatible code page, or the list is empty.
    /// </exception>
    public LegacyEncodingDetector(IEnumerable<string>? candidateNames = null)
    {
        var models = new List<CodePageModel>();
        foreach (var name in candidateNames ?? DefaultCandidates)
        {
            if (string.IsNullOrWhiteSpace(name))
                throw new ArgumentException("A legacy encoding name is empty.", nameof(candidateNames));
            var encoding = Resolve(name.Trim())
                ?? throw new ArgumentException($"'{name}' is not a known code page.", nameof(candidateNames));
            if (!encoding.IsSingleByte)
                throw new ArgumentException($"'{name}' is not a single-byte code page; only single-byte legacy encodings can be detected.", nameof(candidateNames));
            // The scoring takes ASCII to read the same in every candidate; EBCDIC pages break that.
            if (!IsAsciiCompatible(encoding))
                throw new ArgumentException($"'{name}' does not read ASCII bytes as ASCII; only ASCII-based legacy encodings can be detected.", nameof(candidateNames));
            // Aliases ("cp1252" and "windows-1252") would only compete with themselves.
            if (models.Exists(m => m.CodePage == encoding.CodePage))
                continue;
            models.Add(Models.GetOrAdd(encoding.CodePage, static (_, e) => new CodePageModel(e), encoding));
        }
        if (models.Count == 0)
            throw new ArgumentException("At least one legacy encoding is needed.", nameof(candidateNames));
        _models = [.. models];
        Candidates = Array.AsReadOnly(_models.Select(m => m.Name).ToArray());
    }

    /// <summary>
    /// Returns the most plausible candidate and its text, or null when no candidate reads as text
    /// (random bytes, or a script or multi-byte encoding none of the candidates serves).
    /// </summary>
    /// <remarks>
    /// Input without any byte above 0x7F reads the same in every candidate and gets the first one,
    /// with confidence 1. Only the first mebibyte from the first non-ASCII byte is scored; the whole
    /// input is decoded. When several candidates give the same text, the earliest is named.
    /// Thread-safe.
    /// </remarks>
    public LegacyEncodingGuess? Detect(ReadOnlySpan<byte> bytes)
    {
        var firstHigh = bytes.IndexOfAnyInRange((byte)0x80, (byte)0xFF);
        if (firstHigh < 0)
            return new LegacyEncodingGuess(_models[0].Name, _models[0].CodePage, 1.0, _models[0].Decode(bytes));

        // Which high bytes occur anywhere decides whether two candidates give the same text.
        Span<bool> present = stackalloc bool[128];
        foreach (var b in bytes[firstHigh..])
        {
            if (b >= 0x80)
                present[b - 0x80] = true;
        }

        // Scoring starts at the word holding the first non-ASCII byte: ASCII before it reads the
        // same everywhere, and a long ASCII preamble must not push the evidence out of the window.
        // The byte before that word is kept too, as context for the first character.
        var start = firstHigh;
        while (start > 0 && firstHigh - start < 64 && char.IsAsciiLetter((char)bytes[start - 1]))
            start--;
        var sentenceStart = FollowsSentenceEnd(bytes, start);
        start = Math.Max(0, start - 1);
        var window = bytes.Slice(start, Math.Min(bytes.Length - start, MaxScoredBytes));

        Span<int> histogram = stackalloc int[256];
        foreach (var b in window)
            histogram[b]++;
        var highBytes = 0;
        foreach (var count in histogram[0x80..])
            highBytes += count;
        var controls = 0;
        for (var b = 0; b < 0x80; b++)
        {
            if (IsAsciiControl(b))
                controls += histogram[b];
        }

        if (CountUtf8SequenceBytes(window) > highBytes * MaxUtf8SequenceShare)
            return null;

        Span<double> wordScores = stackalloc double[LanguageProfile.All.Length];
        // Common words before the first non-ASCII byte count too ("ne peut pas être"), within reason.
        var wordsFrom = Math.Max(0, start - WordContextBytes);
        LanguageProfile.ScoreWords(bytes[wordsFrom..(start + window.Length)], wordScores);

        var ranked = _models.Length <= 64 ? stackalloc double[_models.Length] : new double[_models.Length];
        var best = 0;
        var score = double.NegativeInfinity;
        for (var c = 0; c < _models.Length; c++)
        {
            var plausibility = double.NegativeInfinity;
            ranked[c] = _models[c].HasUnmappable(present)
                ? double.NegativeInfinity
                : _models[c].Score(window, sentenceStart, histogram[0x80..], wordScores, out plausibility) - PreferenceStep * c;
            if (c == 0 || ranked[c] > ranked[best])
            {
                best = c;
                score = plausibility + controls * UndefinedPenalty;
            }
        }

        var winner = _models[best];
        if (!(score > 0) || score / highBytes < MinimumMeanScore)
            return null;

        var runnerUp = double.NegativeInfinity;
        for (var c = 0; c < _models.Length; c++)
        {
            if (c != best && ranked[c] > runnerUp && !winner.ReadsSameAs(_models[c], present))
                runnerUp = ranked[c];
        }
        var separation = double.IsNegativeInfinity(runnerUp) ? 1.0 : 1.0 / (1.0 + Math.Exp(-(ranked[best] - runnerUp) / MarginScale));
        var evidence = 1.0 - Math.Exp(-score / EvidenceScale);

        // When several candidates give this very text, which language scored best among them says
        // nothing about the bytes (Spanish without ñ reads the same in windows-1250), so the name
        // reported is the most preferred of them.
        for (var c = 0; c < best; c++)
        {
            if (!double.IsNegativeInfinity(ranked[c]) && _models[c].ReadsSameAs(winner, present))
            {
                winner = _models[c];
                break;
            }
        }
        return new LegacyEncodingGuess(winner.Name, winner.CodePage, Math.Clamp(separation * evidence, 0.0, 1.0), winner.Decode(bytes));
    }

    /// <summary>
    /// Whether the word at <paramref name="wordStart"/> begins the text, a sentence or a line,
    /// judged from the ASCII before it; a non-ASCII byte there reads differently per candidate, so
    /// it says no.
    /// </summary>
    private static bool FollowsSentenceEnd(ReadOnlySpan<byte> bytes, int wordStart)
    {
        for (var k = wordStart - 1; k >= 0; k--)
        {
            switch (bytes[k])
            {
                case (byte)'.' or (byte)'!' or (byte)'?' or (byte)'\n':
                    return true;
                case (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'"' or (byte)'\'' or (byte)'(' or (byte)'[' or (byte)'*' or (byte)'-':
                    continue;
                default:
                    return false;
            }
        }
        return true;
    }

    private static bool IsAsciiControl(int b) => b is < 0x20 and not ((int)'\t' or (int)'\n' or (int)'\v' or (int)'\f' or (int)'\r') or 0x7F;

    // Bytes that fall into well-formed UTF-8 sequences, such as "Ã©" (C3 A9) in windows-1252 terms.
    // Legacy text almost never forms them: it takes a capital letter followed by a symbol.
    private static int CountUtf8SequenceBytes(ReadOnlySpan<byte> bytes)
    {
        var count = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            var length = bytes[i] switch
            {
                >= 0xC2 and <= 0xDF => 2,
                >= 0xE0 and <= 0xEF => 3,
                >= 0xF0 and <= 0xF4 => 4,
                _ => 0,
            };
            if (length == 0 || i + length > bytes.Length)
                continue;
            var wellFormed = true;
            for (var k = 1; k < length && wellFormed; k++)
                wellFormed = bytes[i + k] is >= 0x80 and <= 0xBF;
            if (wellFormed)
            {
                count += length;
                i += length - 1;
            }
        }
        return count;
    }

    private static bool IsAsciiCompatible(Encoding encoding)
    {
        var ascii = new byte[128];
        for (var b = 0; b < ascii.Length; b++)
            ascii[b] = (byte)b;
        try
        {
            var text = encoding.GetString(ascii);
            for (var b = 0; b < ascii.Length; b++)
            {
                if (text.Length != ascii.Length || text[b] != b)
                    return false;
            }
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static Encoding? Resolve(string name)
    {
        var provider = CodePagesEncodingProvider.Instance;
        var strictEncoder = EncoderFallback.ExceptionFallback;
        var strictDecoder = DecoderFallback.ExceptionFallback;
        if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return provider.GetEncoding(number, strictEncoder, strictDecoder) ?? BuiltIn(() => Encoding.GetEncoding(number, strictEncoder, strictDecoder));
        }
        return provider.GetEncoding(name, strictEncoder, strictDecoder) ?? BuiltIn(() => Encoding.GetEncoding(name, strictEncoder, strictDecoder));

        // The provider only supplies what .NET does not build in; ISO-8859-1 and ASCII are built in.
        static Encoding? BuiltIn(Func<Encoding> get)
        {
            try
            {
                return get();
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                return null;
            }
        }
    }
}

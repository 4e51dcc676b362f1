using System.Collections.Frozen;
using IngestWorker.Text.Extraction;

namespace IngestWorker.Text.Quality;

/// <summary>How a language's stop words are found in a text.</summary>
internal enum StopWordMatch
{
    /// <summary>As whole word tokens, case-sensitive (datatrove: <c>w in stop_words</c>).</summary>
    Token,
    /// <summary>
    /// As substrings (Chinese, Japanese, Thai): without spaces between words a tokenizer would be
    /// needed to find word boundaries, and these particles are counted wherever they occur.
    /// </summary>
    Substring,
}

/// <summary>The stop words the Gopher rule counts for one language.</summary>
internal sealed class StopWordList
{
    private readonly FrozenDictionary<string, int> _index;
    private readonly FrozenDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public StopWordList(IEnumerable<string> words, StopWordMatch match)
    {
        Words = words.Distinct(StringComparer.Ordinal).ToArray();
        Match = match;
        _index = Words.Select((w, i) => (w, i)).ToFrozenDictionary(p => p.w, p => p.i, StringComparer.Ordinal);
        _lookup = _index.GetAlternateLookup<ReadOnlySpan<char>>();
        MinLength = Words.Min(w => w.Length);
        MaxLength = Words.Max(w => w.Length);
    }

    public string[] Words { get; }
    public StopWordMatch Match { get; }
    public int MinLength { get; }
    public int MaxLength { get; }

    /// <summary>The index of <paramref name="token"/> in <see cref="Words"/>, or -1.</summary>
    public int IndexOf(ReadOnlySpan<char> token) =>
        token.Length >= MinLength && token.Length <= MaxLength && _lookup.TryGetValue(token, out var i) ? i : -1;
}

/// <summary>
/// What the signals need to know about a language: the script its letters should be in, whether it
/// is written without spaces between words, and its stop words.
/// </summary>
internal static class QualityLanguages
{
    /// <summary>Gopher's stop words (Rae et al. 2021, appendix A; datatrove's STOP_WORDS): English.</summary>
    public static readonly StopWordList GopherEnglish = new(["the", "be", "to", "of", "and", "that", "have", "with"], StopWordMatch.Token);

    // Languages whose words are not separated by spaces: words are counted per character.
    private static readonly FrozenSet<string> SpacelessLanguages =
        FrozenSet.ToFrozenSet(["zh", "ja", "yue", "wuu", "gan", "lzh", "th", "lo", "km", "my", "bo", "dz"], StringComparer.Ordinal);

    // Languages whose lines and paragraphs usually end without a full stop (Thai and Lao mark the end
    // of a sentence with a space).
    private static readonly FrozenSet<string> UnpunctuatedLanguages =
        FrozenSet.ToFrozenSet(["th", "lo"], StringComparer.Ordinal);

    // The commonest function words of the spaceless languages, counted as substrings: particles and
    // the possessive/copula characters that any sentence of prose contains.
    private static readonly FrozenDictionary<string, StopWordList> SpacelessStopWords = new Dictionary<string, StopWordList>
    {
        // de (possessive), le (aspect), shi (is), zai (at), he (and), you (have), ye (also), bu (not), zhe (this, both forms), wei (for, both forms)
        ["zh"] = new(["的", "了", "是", "在", "和", "有", "也", "不", "这", "這", "为", "為"], StopWordMatch.Substring),
        // no, ni, wa, wo, ga, to, de, ta, te, shi: case particles and verb endings
        ["ja"] = new(["の", "に", "は", "を", "が", "と", "で", "た", "て", "し"], StopWordMatch.Substring),
        // thi (that/at), lae (and), nai (in), khong (of), pen (is), mi (have), kan (nominaliser), dai (can/get)
        ["th"] = new(["ที่", "และ", "ใน", "ของ", "เป็น", "มี", "การ", "ได้"], StopWordMatch.Substring),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, StopWordList> ListStopWords =
        Stopwords.Languages.Where(l => l != "en")
            .ToFrozenDictionary(l => l, l => new StopWordList(Stopwords.For(l)!, StopWordMatch.Token), StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, Script[]> ExpectedScripts = BuildScripts();

    /// <summary>"en", "zh" from "EN", "zh-Hans", "zh_TW", "pt-BR"; null for null or empty.</summary>
    public static string? Normalize(string? language)
    {
        if (string.IsNullOrWhiteSpace(language))
            return null;
        var span = language.AsSpan().Trim();
        var cut = span.IndexOfAny('-', '_');
        if (cut > 0)
            span = span[..cut];
        return span.ToString().ToLowerInvariant();
    }

    public static bool IsSpaceless(string? language) => language is not null && SpacelessLanguages.Contains(language);

    public static bool IsUnpunctuated(string? language) => language is not null && UnpunctuatedLanguages.Contains(language);

    /// <summary>
    /// The stop words counted for <paramref name="language"/>: Gopher's English eight for English (and,
    /// as datatrove's default, for null), the lists of <see cref="Stopwords"/> for the
    /// other languages it has, short particle lists for Chinese, Japanese and Thai; null otherwise (the
    /// stop-word rule then does not apply).
    /// </summary>
    public static StopWordList? StopWords(string? language) => language switch
    {
        null or "en" => GopherEnglish,
        _ when SpacelessStopWords.TryGetValue(language, out var list) => list,
        "yue" or "wuu" => SpacelessStopWords["zh"],
        _ when ListStopWords.TryGetValue(language, out var list) => list,
        _ => null,
    };

    /// <summary>The scripts the letters of <paramref name="language"/> are written in, or null when the table does not know it.</summary>
    public static Script[]? Scripts(string? language) =>
        language is not null && ExpectedScripts.TryGetValue(language, out var scripts) ? scripts : null;

    private static FrozenDictionary<string, Script[]> BuildScripts()
    {
        var table = new Dictionary<string, Script[]>(StringComparer.Ordinal);
        void Add(string codes, params Script[] scripts)
        {
            foreach (var code in codes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                table[code] = scripts;
        }
        Add("en de fr es it pt nl pl cs sk sl hr bs sq ro hu fi et lv lt sv da no nb nn is fo tr az uz tk vi id ms tl ceb jv su " +
            "sw so yo ha ig zu xh af ca eu gl ga gd cy br mt lb eo la oc co fy rm wa an ast qu ht mg ku war ilo pam min nds vo ia ie io " +
            "sco lmo vec scn nap pms fur lij eml frr bar als hsb dsb csb", Script.Latin);
        Add("ru uk bg mk be kk ky tg mn tt ba cv ce os udm mhr mrj kv xal myv av lez krc kbd sah", Script.Cyrillic);
        Add("sr", Script.Cyrillic, Script.Latin);
        Add("el", Script.Greek);
        Add("hy", Script.Armenian);
        Add("ka xmf", Script.Georgian);
        Add("he yi", Script.Hebrew);
        Add("ar fa ur ps ug ckb sd arz azb mzn pnb glk", Script.Arabic);
        Add("hi mr ne sa new bh mai bpy gom", Script.Devanagari);
        Add("bn as", Script.Bengali);
        Add("pa", Script.Gurmukhi);
        Add("gu", Script.Gujarati);
        Add("or", Script.Oriya);
        Add("ta", Script.Tamil);
        Add("te", Script.Telugu);
        Add("kn", Script.Kannada);
        Add("ml", Script.Malayalam);
        Add("si", Script.Sinhala);
        Add("th", Script.Thai);
        Add("lo", Script.Lao);
        Add("km", Script.Khmer);
        Add("my", Script.Myanmar);
        Add("bo dz", Script.Tibetan);
        Add("zh yue wuu gan lzh", Script.Han);
        Add("ja", Script.Han, Script.Hiragana, Script.Katakana);
        Add("ko", Script.Hangul, Script.Han);
        Add("am ti", Script.Ethiopic);
        return table.ToFrozenDictionary(StringComparer.Ordinal);
    }
}

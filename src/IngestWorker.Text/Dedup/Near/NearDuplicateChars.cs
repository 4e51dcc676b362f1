using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using IngestWorker.Text.Quality;

namespace IngestWorker.Text.Dedup.Near;

/// <summary>Receives the simplified characters of a text (see <see cref="NearDuplicateChars"/>).</summary>
internal interface ISimplifiedSink
{
    /// <summary>Punctuation, a symbol or white space: the end of any word.</summary>
    void Break();

    /// <summary>A character of a word written with spaces.</summary>
    void Word(char c);

    /// <summary>A letter of a script written without spaces: a word on its own.</summary>
    void Spaceless(char c);

    /// <summary>
    /// A character that belongs to whatever word is open (a spacing combining mark, the second half
    /// of a surrogate pair); it opens a word when none is.
    /// </summary>
    void Attach(char c);
}

/// <summary>
/// The character-level half of <see cref="NearDuplicateText.Normalize"/>: what every UTF-16 code
/// unit becomes, looked up in a 64K table built once at start, so the hasher can simplify and split
/// text without building the normalized string.
/// </summary>
/// <remarks>
/// A character is lower-cased (invariant), decomposed (NFD) and stripped of nonspacing and
/// enclosing marks (the diacritics); what remains is classified by Unicode category. Each BMP
/// character is decomposed on its own, which equals NFD of the whole text except for the canonical
/// reordering of adjacent marks — and nearly all marks reordering could move are nonspacing and
/// removed (the exceptions are a handful of spacing musical and Tibetan marks).
/// The mapping is idempotent (a simplified character maps to itself with the same class), which
/// is what lets <see cref="NearDuplicateText.Words"/> on normalized text and the hasher on raw text
/// find the same words.
/// </remarks>
internal static class NearDuplicateChars
{
    // Kinds, in the high 16 bits of a table entry; the low 16 bits hold the simplified character
    // (a space for Break; for Expand an index into Expansions). Word and Break, the kinds that map
    // one code unit to one, are 1 and 2 so a single unsigned comparison tells them from the rest.
    public const uint Drop = 0;
    public const uint Word = 1;
    public const uint Break = 2;
    public const uint Spaceless = 3;
    public const uint Mark = 4;
    public const uint Expand = 5;
    public const uint Surrogate = 6;

    private static readonly uint[] Table = new uint[65536];

    // Characters that simplify to more than one (Hangul syllables into their jamo, a few others).
    private static readonly string[] Expansions;

    static NearDuplicateChars()
    {
        var expansions = new List<string>();
        var mapped = new StringBuilder(8);
        for (var i = 0; i < 65536; i++)
        {
            var c = (char)i;
            if (char.IsSurrogate(c))
            {
                Table[i] = Surrogate << 16;
                continue;
            }
            mapped.Clear();
            var kind = Drop;
            var single = '\0';
            foreach (var d in DecomposeChar(char.ToLowerInvariant(c)))
            {
                var k = Classify(char.ToLowerInvariant(d), out var s);
                if (k == Drop)
                    continue;
                kind = mapped.Length == 0 ? k : Expand;
                single = s;
                mapped.Append(k == Break ? ' ' : s);
            }
            if (kind == Expand && mapped.ToString().Trim().Length == 0)
                kind = Break;
            if (kind == Expand)
            {
                Table[i] = Expand << 16 | (uint)expansions.Count;
                expansions.Add(mapped.ToString());
            }
            else
            {
                Table[i] = kind << 16 | (kind == Break ? ' ' : single);
            }
        }
        Expansions = [.. expansions];
    }

    /// <summary>The table entry of a code unit: kind in the high 16 bits, simplified character in the low ones.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Entry(char c) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Table), c);

    /// <summary>True for an entry that maps one code unit to one (Word or Break).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsOneToOne(uint entry) => entry - (Word << 16) < 2u << 16;

    /// <summary>Feeds the simplified characters of <paramref name="text"/> to <paramref name="sink"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Simplify<TSink>(ReadOnlySpan<char> text, ref TSink sink) where TSink : struct, ISimplifiedSink
    {
        ref var table = ref MemoryMarshal.GetArrayDataReference(Table);
        for (var i = 0; i < text.Length; i++)
        {
            var e = Unsafe.Add(ref table, text[i]);
            var kind = e >> 16;
            // Letters of spaced scripts and breaks are nearly all of any text: test them first.
            if (kind == Word)
                sink.Word((char)e);
            else if (kind == Break)
                sink.Break();
            else if (kind != Drop)
                i += Rare(text, i, e, ref sink) - 1;
        }
    }

    /// <summary>
    /// Feeds the simplified form of the character at <paramref name="i"/>, whose table entry is
    /// <paramref name="e"/>, to <paramref name="sink"/>; returns the code units consumed (2 for a
    /// surrogate pair). For callers with their own loop over the common kinds.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Rare<TSink>(ReadOnlySpan<char> text, int i, uint e, ref TSink sink) where TSink : struct, ISimplifiedSink
    {
        switch (e >> 16)
        {
            case Word or Break or Spaceless or Mark:
                Put(e, ref sink);
                return 1;
            case Expand:
                foreach (var c in Expansions[(ushort)e])
                    Put(Entry(c), ref sink);
                return 1;
            case Surrogate:
                return SimplifySupplementary(text[i..], ref sink);
            default:
                return 1;
        }
    }

    // Entries reached through an expansion or a decomposed supplementary character are simple kinds
    // (an expansion holds simplified characters only, which map to themselves).
    private static void Put<TSink>(uint e, ref TSink sink) where TSink : struct, ISimplifiedSink
    {
        switch (e >> 16)
        {
            case Word:
                sink.Word((char)e);
                break;
            case Break:
                sink.Break();
                break;
            case Spaceless:
                sink.Spaceless((char)e);
                break;
            case Mark:
                sink.Attach((char)e);
                break;
        }
    }

    // A character outside the BMP (CJK extensions, historic scripts, emoji, mathematical letters):
    // rare enough to go through Rune and string normalization each time.
    private static int SimplifySupplementary<TSink>(ReadOnlySpan<char> text, ref TSink sink) where TSink : struct, ISimplifiedSink
    {
        if (Rune.DecodeFromUtf16(text, out var rune, out var consumed) != OperationStatus.Done)
        {
            // A lone surrogate is damage, not text: it separates words like a symbol would.
            sink.Break();
            return 1;
        }
        Span<char> units = stackalloc char[2];
        foreach (var r in Decompose(Rune.ToLowerInvariant(rune).ToString()).EnumerateRunes())
        {
            if (r.IsBmp)
            {
                Put(Entry((char)Rune.ToLowerInvariant(r).Value), ref sink);
                continue;
            }
            var lower = Rune.ToLowerInvariant(r);
            lower.EncodeToUtf16(units);
            switch (KindOf(Rune.GetUnicodeCategory(lower)))
            {
                case Drop:
                    break;
                case Break:
                    sink.Break();
                    break;
                case Mark:
                    sink.Attach(units[0]);
                    sink.Attach(units[1]);
                    break;
                case Digit:
                    sink.Word('0');
                    break;
                default:
                    if (IsSpacelessScript(QualityChars.ScriptOfRune(lower.Value)))
                        sink.Spaceless(units[0]);
                    else
                        sink.Word(units[0]);
                    // The low half stays with its high half whatever word that opened.
                    sink.Attach(units[1]);
                    break;
            }
        }
        return consumed;
    }

    // Classification of a lower-cased, decomposed BMP character; digits become '0'.
    private static uint Classify(char c, out char simplified)
    {
        simplified = c;
        var kind = KindOf(char.GetUnicodeCategory(c));
        if (kind == Digit)
        {
            simplified = '0';
            return Word;
        }
        if (kind == Word && (QualityChars.Flags(c) & (QualityChars.Letter | QualityChars.Spaceless)) == (QualityChars.Letter | QualityChars.Spaceless))
            return Spaceless;
        // A zero-width space separates words (Thai and Khmer text uses it as a word break); the
        // other format characters (soft hyphen, joiners, byte order mark) sit inside words.
        if (c == '\u200B')
            return Break;
        return kind;
    }

    // Only in KindOf's answer: a decimal digit, which becomes '0'.
    private const uint Digit = 100;

    private static uint KindOf(UnicodeCategory category) => category switch
    {
        UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format => Drop,
        // Spacing marks are vowel signs of Indic and Southeast Asian scripts: part of the letter
        // before them, and not decorations a copy would drop.
        UnicodeCategory.SpacingCombiningMark => Mark,
        UnicodeCategory.DecimalDigitNumber => Digit,
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned => Word,
        // Punctuation, symbols, separators and controls.
        _ => Break,
    };

    private static bool IsSpacelessScript(Script script) => script is Script.Han or Script.Hiragana or Script.Katakana
        or Script.Thai or Script.Lao or Script.Khmer or Script.Myanmar or Script.Tibetan;

    // NFD of one character. Skips the call into ICU for the 38,000 characters whose decomposition is
    // known (those calls are most of the cost of building the table): CJK unified ideographs,
    // private-use characters and noncharacters have none (normalizing U+FFFE would even throw,
    // and a first exception is slow), and Hangul syllables decompose arithmetically into their
    // leading consonant, vowel and optional trailing consonant (The Unicode Standard, section 3.12).
    private static string DecomposeChar(char c)
    {
        if (c is >= '\u3400' and <= '\u4DBF' or >= '\u4E00' and <= '\u9FFF' or >= '\uE000' and <= '\uF8FF'
                or >= '\uFDD0' and <= '\uFDEF' or '\uFFFE' or '\uFFFF')
            return c.ToString();
        if (c is >= '\uAC00' and <= '\uD7A3')
        {
            var index = c - 0xAC00;
            var lead = (char)(0x1100 + index / (21 * 28));
            var vowel = (char)(0x1161 + index % (21 * 28) / 28);
            var trail = index % 28;
            return trail == 0 ? string.Concat(lead, vowel) : string.Concat(lead, vowel, (char)(0x11A7 + trail));
        }
        return Decompose(c.ToString());
    }

    private static string Decompose(string s)
    {
        try
        {
            return s.Normalize(NormalizationForm.FormD);
        }
        catch (ArgumentException)
        {
            // Noncharacters outside the BMP (U+1FFFE and the like) have no normalization: keep them as they are.
            return s;
        }
    }
}

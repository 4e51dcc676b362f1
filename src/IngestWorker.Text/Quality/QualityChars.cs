using System.Globalization;
using System.Runtime.CompilerServices;

namespace IngestWorker.Text.Quality;

/// <summary>Writing systems told apart by the quality signals (letters only; digits and punctuation have none).</summary>
internal enum Script : byte
{
    None = 0,
    Latin, Cyrillic, Greek, Armenian, Georgian, Hebrew, Arabic,
    Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada, Malayalam, Sinhala,
    Thai, Lao, Khmer, Myanmar, Tibetan,
    Han, Hiragana, Katakana, Hangul, Ethiopic,
    Other,
}

/// <summary>
/// Everything the quality pass needs to know about a UTF-16 code unit, looked up once in a 64K table
/// built at start (a few milliseconds) so the hot loops do one load per character instead of
/// several Unicode-category calls.
/// </summary>
internal static class QualityChars
{
    /// <summary>Unicode letter (categories Lu, Ll, Lt, Lm, Lo: what Python's <c>str.isalpha</c> accepts).</summary>
    public const ushort Letter = 1 << 0;
    /// <summary><see cref="char.IsWhiteSpace(char)"/>.</summary>
    public const ushort Space = 1 << 1;
    /// <summary>Combining mark (Mn, Mc, Me): stays with the character before it.</summary>
    public const ushort Mark = 1 << 2;
    /// <summary>A letter or mark of a script written without spaces between words (Han, kana, Thai, Lao, Khmer, Myanmar, Tibetan).</summary>
    public const ushort Spaceless = 1 << 3;
    /// <summary>Punctuation that NLTK's Treebank word tokenizer always cuts off as a token of its own, plus CJK and full-width punctuation.</summary>
    public const ushort SplitPunct = 1 << 4;
    /// <summary>In datatrove's <c>PUNCTUATION_SET</c> (a token made only of these is a "symbol", not a word).</summary>
    public const ushort DatatrovePunct = 1 << 5;
    /// <summary>A control character other than tab, line feed and carriage return.</summary>
    public const ushort Control = 1 << 6;
    /// <summary>Ends a sentence or a line of prose: C4's and FineWeb's <c>. ? ! " '</c>, closing curly quotes and the full stops of other scripts.</summary>
    public const ushort Terminal = 1 << 7;
    /// <summary>A decimal digit (Nd), as regex <c>\d</c>.</summary>
    public const ushort Digit = 1 << 8;
    /// <summary>What a UTF-8 continuation byte (0x80–0xBF) becomes when decoded as Windows-1252 or Latin-1.</summary>
    public const ushort MojibakeTail = 1 << 9;
    /// <summary>Needs a look in the slow path of the Unicode pass: a possible mojibake lead, U+FFFD, a control, a surrogate, '.', '#', '…'.</summary>
    public const ushort Special = 1 << 10;
    /// <summary>Closing quotes and brackets that may follow a sentence's final mark.</summary>
    public const ushort Closing = 1 << 11;
    /// <summary>A sentence-final mark when it stands as a token of its own (C4's sentence count).</summary>
    public const ushort SentenceEnd = 1 << 12;
    /// <summary>Needs a look in the slow path of the tokenizer: . , : - ' and high surrogates.</summary>
    public const ushort TokenSpecial = 1 << 13;

    private static readonly ushort[] FlagTable = new ushort[65536];
    private static readonly Script[] ScriptTable = new Script[65536];

    // datatrove.utils.text.PUNCTUATION, without the control-character ranges (added below).
    private const string DatatrovePunctuation = "!/—”:％１〈&(、━\\【#%「」，】；+^]~“《„';’{|∶´[=-`*．（–？！：$～«〉,><》)?）。…@_.\"}►»";

    // Always cut off by NLTK's word tokenizer: ; @ # $ % & ? ! * brackets, double quotes, curly quotes, guillemets, backtick.
    private const string TreebankSplit = ";@#$%&?!*()[]{}<>\"“”‘’«»„`";

    // Line-final punctuation: C4's END_PUNCTUATION and FineWeb's stop characters (. ? ! " '), then the
    // same marks in other scripts: closing curly quotes and guillemets, CJK full stops and closing
    // corner brackets, danda, Arabic question mark and Urdu full stop, Ethiopic, Myanmar, Khmer,
    // Tibetan and Armenian full stops, the Greek question mark.
    private const string TerminalChars = ".?!\"'”’»。！？｡．」』।॥؟۔።፧။។៕།։\u037E";

    private const string SentenceEndChars = ".?!。！？｡．।॥؟۔።፧။។៕།։\u037E";

    private const string ClosingChars = "\"'”’»)]}>」』）】》〉";

    // Windows-1252 0x80–0x9F (the code points that differ from Latin-1); Latin-1 maps them to U+0080–U+009F.
    private const string Cp1252High = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ";

    static QualityChars()
    {
        for (var i = 0; i < 65536; i++)
        {
            var c = (char)i;
            ushort f = 0;
            var category = char.GetUnicodeCategory(c);
            switch (category)
            {
                case UnicodeCategory.UppercaseLetter:
                case UnicodeCategory.LowercaseLetter:
                case UnicodeCategory.TitlecaseLetter:
                case UnicodeCategory.ModifierLetter:
                case UnicodeCategory.OtherLetter:
                    f |= Letter;
                    break;
                case UnicodeCategory.NonSpacingMark:
                case UnicodeCategory.SpacingCombiningMark:
                case UnicodeCategory.EnclosingMark:
                    f |= Mark;
                    break;
                case UnicodeCategory.DecimalDigitNumber:
                    f |= Digit;
                    break;
                case UnicodeCategory.Control when c is not ('\t' or '\n' or '\r'):
                    f |= Control | Special;
                    break;
                case UnicodeCategory.Surrogate:
                    f |= Special;
                    break;
            }
            if (char.IsWhiteSpace(c))
                f |= Space;
            var script = ScriptOf(i);
            if ((f & (Letter | Mark)) != 0 && script is Script.Han or Script.Hiragana or Script.Katakana or Script.Thai
                    or Script.Lao or Script.Khmer or Script.Myanmar or Script.Tibetan)
                f |= Spaceless;
            if ((f & Letter) != 0)
                ScriptTable[i] = script;
            // CJK symbols and punctuation, full-width and half-width forms: each mark is a token.
            if ((f & (Letter | Digit | Mark | Space)) == 0 && (i is >= 0x3000 and <= 0x303F || i is >= 0xFF00 and <= 0xFFEF || i == 0x30FB))
                f |= SplitPunct;
            if (i is (>= 0 and < 9) or (>= 11 and < 13) or (>= 13 and < 32) or (>= 127 and < 160))
                f |= DatatrovePunct;
            if (i is >= 0x80 and <= 0xBF)
                f |= MojibakeTail;
            FlagTable[i] = f;
        }
        foreach (var c in DatatrovePunctuation)
            FlagTable[c] |= DatatrovePunct;
        foreach (var c in TreebankSplit)
            FlagTable[c] |= SplitPunct;
        foreach (var c in TerminalChars)
            FlagTable[c] |= Terminal;
        foreach (var c in SentenceEndChars)
            FlagTable[c] |= SentenceEnd;
        foreach (var c in ClosingChars)
            FlagTable[c] |= Closing;
        foreach (var c in Cp1252High)
            FlagTable[c] |= MojibakeTail;
        // Possible starts of a mis-decoded UTF-8 sequence (see Mojibake), and the characters the
        // Unicode pass counts: U+FFFD, '.', '#', '…'.
        for (var i = 0xC2; i <= 0xF4; i++)
            FlagTable[i] |= Special;
        FlagTable['Р'] |= Special;
        FlagTable['С'] |= Special;
        FlagTable['в'] |= Special;
        FlagTable['\uFFFD'] |= Special;
        FlagTable['.'] |= Special;
        FlagTable['#'] |= Special;
        FlagTable['…'] |= Special;
        foreach (var c in ".,:-'")
            FlagTable[c] |= TokenSpecial;
        for (var i = 0xD800; i <= 0xDBFF; i++)
            FlagTable[i] |= TokenSpecial;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Flags(char c) => FlagTable[c];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Script ScriptOfLetter(char c) => ScriptTable[c];

    /// <summary>The script of a supplementary-plane letter (CJK extensions are Han; the rest is "other").</summary>
    public static Script ScriptOfRune(int value) => value switch
    {
        >= 0x20000 and <= 0x3FFFF => Script.Han,
        >= 0x1B000 and <= 0x1B16F => Script.Hiragana,
        >= 0x1D400 and <= 0x1D7FF => Script.Latin, // mathematical alphanumerics
        _ => ScriptOf(value) is var s and not Script.None ? s : Script.Other,
    };

    /// <summary>Is this a letter and what script (by Unicode block; precise enough to count letters per script).</summary>
    private static Script ScriptOf(int c) => c switch
    {
        (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') => Script.Latin,
        >= 0x00C0 and <= 0x02AF => Script.Latin,
        >= 0x1D00 and <= 0x1DBF => Script.Latin,
        >= 0x1E00 and <= 0x1EFF => Script.Latin,
        >= 0x2C60 and <= 0x2C7F => Script.Latin,
        >= 0xA720 and <= 0xA7FF => Script.Latin,
        >= 0xAB30 and <= 0xAB6F => Script.Latin,
        >= 0xFB00 and <= 0xFB06 => Script.Latin,
        (>= 0xFF21 and <= 0xFF3A) or (>= 0xFF41 and <= 0xFF5A) => Script.Latin,
        >= 0x0370 and <= 0x03FF => Script.Greek,
        >= 0x1F00 and <= 0x1FFF => Script.Greek,
        >= 0x0400 and <= 0x052F => Script.Cyrillic,
        >= 0x1C80 and <= 0x1C8F => Script.Cyrillic,
        >= 0x2DE0 and <= 0x2DFF => Script.Cyrillic,
        >= 0xA640 and <= 0xA69F => Script.Cyrillic,
        >= 0x0530 and <= 0x058F => Script.Armenian,
        >= 0xFB13 and <= 0xFB17 => Script.Armenian,
        >= 0x0590 and <= 0x05FF => Script.Hebrew,
        >= 0xFB1D and <= 0xFB4F => Script.Hebrew,
        >= 0x0600 and <= 0x06FF => Script.Arabic,
        >= 0x0750 and <= 0x077F => Script.Arabic,
        >= 0x08A0 and <= 0x08FF => Script.Arabic,
        >= 0xFB50 and <= 0xFDFF => Script.Arabic,
        >= 0xFE70 and <= 0xFEFF => Script.Arabic,
        >= 0x0900 and <= 0x097F => Script.Devanagari,
        >= 0xA8E0 and <= 0xA8FF => Script.Devanagari,
        >= 0x0980 and <= 0x09FF => Script.Bengali,
        >= 0x0A00 and <= 0x0A7F => Script.Gurmukhi,
        >= 0x0A80 and <= 0x0AFF => Script.Gujarati,
        >= 0x0B00 and <= 0x0B7F => Script.Oriya,
        >= 0x0B80 and <= 0x0BFF => Script.Tamil,
        >= 0x0C00 and <= 0x0C7F => Script.Telugu,
        >= 0x0C80 and <= 0x0CFF => Script.Kannada,
        >= 0x0D00 and <= 0x0D7F => Script.Malayalam,
        >= 0x0D80 and <= 0x0DFF => Script.Sinhala,
        >= 0x0E00 and <= 0x0E7F => Script.Thai,
        >= 0x0E80 and <= 0x0EFF => Script.Lao,
        >= 0x0F00 and <= 0x0FFF => Script.Tibetan,
        >= 0x1000 and <= 0x109F => Script.Myanmar,
        >= 0xA9E0 and <= 0xA9FF => Script.Myanmar,
        >= 0xAA60 and <= 0xAA7F => Script.Myanmar,
        >= 0x10A0 and <= 0x10FF => Script.Georgian,
        >= 0x1C90 and <= 0x1CBF => Script.Georgian,
        >= 0x2D00 and <= 0x2D2F => Script.Georgian,
        >= 0x1100 and <= 0x11FF => Script.Hangul,
        >= 0x3130 and <= 0x318F => Script.Hangul,
        >= 0xA960 and <= 0xA97F => Script.Hangul,
        >= 0xAC00 and <= 0xD7FF => Script.Hangul,
        >= 0xFFA0 and <= 0xFFDC => Script.Hangul,
        >= 0x1200 and <= 0x139F => Script.Ethiopic,
        >= 0x2D80 and <= 0x2DDF => Script.Ethiopic,
        >= 0xAB00 and <= 0xAB2F => Script.Ethiopic,
        >= 0x1780 and <= 0x17FF => Script.Khmer,
        >= 0x19E0 and <= 0x19FF => Script.Khmer,
        >= 0x3040 and <= 0x309F => Script.Hiragana,
        >= 0x30A0 and <= 0x30FF => Script.Katakana,
        >= 0x31F0 and <= 0x31FF => Script.Katakana,
        >= 0xFF66 and <= 0xFF9F => Script.Katakana,
        >= 0x2E80 and <= 0x2FDF => Script.Han,
        >= 0x3005 and <= 0x3007 => Script.Han,
        >= 0x3021 and <= 0x3029 => Script.Han,
        >= 0x3038 and <= 0x303B => Script.Han,
        >= 0x3100 and <= 0x312F => Script.Han, // Bopomofo: written with Han
        >= 0x31A0 and <= 0x31BF => Script.Han,
        >= 0x3400 and <= 0x4DBF => Script.Han,
        >= 0x4E00 and <= 0x9FFF => Script.Han,
        >= 0xF900 and <= 0xFAFF => Script.Han,
        _ => Script.Other,
    };
}

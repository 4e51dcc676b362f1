using System.Buffers;
using System.Text;

namespace IngestWorker.Text.Decoding;

/// <summary>
/// Undoes the commonest mojibake: UTF-8 that a site (or a tool before us) decoded as Windows-1252 or
/// Latin-1 and stored again, so that the page itself says "Ã©" for "é", "â€™" for "’" and "Â" before
/// a no-break space. A run is turned back into the bytes that code page gives it and those bytes
/// decoded as UTF-8; it is replaced only when they are exactly one valid UTF-8 character.
/// </summary>
/// <remarks>
/// Kept to sequences real text does not contain, so that a correctly decoded page is never changed.
/// Only three leads: "Â" and "Ã" with one symbol of Latin-1's upper half or a Windows-1252 special
/// after them (they stand for U+0080–U+00FF: no-break space, ©, °, é, ü…), "â" with two (U+2000–
/// U+2FFF: ’ “ ” – — … • € ™), and "ð" with three (emoji). Other leads are real letters that real
/// text does put before such symbols: "CAFÉ…" and „ÜBER“ would read as a Latin extension and a
/// Syriac letter, "café…»" as a CJK ideograph. Windows-1251 mojibake (Cyrillic as "Р°") is only
/// counted by the quality signal, not repaired.
/// </remarks>
public static class MojibakeRepair
{
    private static readonly SearchValues<char> Leads = SearchValues.Create("ÂÃâð");

    /// <summary>The text with every repairable sequence replaced; the same instance when there is none.</summary>
    public static string Repair(string text, out int repaired)
    {
        repaired = 0;
        StringBuilder? output = null;
        var copied = 0;
        Span<byte> bytes = stackalloc byte[4];
        Span<char> chars = stackalloc char[2];
        // From lead to lead, vectorised: a page with none (nearly all) costs one scan, and one in a
        // language that writes "â" (French, Vietnamese) only a look at the two characters after each.
        for (var i = text.AsSpan().IndexOfAny(Leads); i >= 0;)
        {
            var after = i + 1;
            if (TryDecode(text, i, bytes, out var rune, out var length))
            {
                output ??= new StringBuilder(text.Length);
                output.Append(text, copied, i - copied);
                output.Append(chars[..rune.EncodeToUtf16(chars)]);
                repaired++;
                copied = after = i + length;
            }
            var next = after < text.Length ? text.AsSpan(after).IndexOfAny(Leads) : -1;
            i = next < 0 ? -1 : after + next;
        }
        return output is null ? text : output.Append(text, copied, text.Length - copied).ToString();
    }

    private static bool TryDecode(string text, int i, Span<byte> bytes, out Rune rune, out int length)
    {
        rune = default;
        var lead = text[i];
        length = lead switch
        {
            'Â' or 'Ã' => 2,
            'â' => 3,
            'ð' => 4,
            _ => 0,
        };
        if (length == 0 || i + length > text.Length)
            return false;
        bytes[0] = (byte)lead;
        for (var k = 1; k < length; k++)
        {
            if (ContinuationByte(text[i + k]) is not { } b)
                return false;
            bytes[k] = b;
        }
        // A no-break space, a soft hyphen or a control after "Â" is mojibake too; "Ã" followed by
        // U+0080–U+009F stands for "À"–"ß" in Latin-1's reading and is as unambiguous.
        return Rune.DecodeFromUtf8(bytes[..length], out rune, out var consumed) == OperationStatus.Done && consumed == length;
    }

    /// <summary>The byte 0x80–0xBF that Windows-1252 (or, for its five undefined bytes, Latin-1) shows as <paramref name="c"/>; null for any other character.</summary>
    private static byte? ContinuationByte(char c)
    {
        if (c is >= '\u0080' and <= '\u00BF')
            return (byte)c;
        var index = Cp1252Specials.IndexOf(c);
        return index < 0 ? null : (byte)(0x80 + index);
    }

    // Windows-1252 bytes 0x80–0x9F in order; U+0081, U+008D, U+008F, U+0090 and U+009D stand for
    // the five bytes it leaves undefined (decoders pass them through as those controls).
    private const string Cp1252Specials = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ";
}

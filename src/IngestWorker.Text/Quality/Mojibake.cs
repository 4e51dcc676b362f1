namespace IngestWorker.Text.Quality;

/// <summary>
/// Finds text that was UTF-8 but got decoded as a single-byte code page, cheaply and with few false
/// alarms. A UTF-8 character of two to four bytes is a lead byte 0xC2–0xF4 followed by continuation
/// bytes 0x80–0xBF. Decoded as Windows-1252 or Latin-1, the lead becomes one of "Â"…"ô" and each
/// continuation one of U+0080–U+00BF or the Windows-1252 specials (€ ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ‘ ’ “ ”
/// • – — ˜ ™ š › œ ž Ÿ): "é" shows as "Ã©", "’" as "â€™", an emoji as "ðŸ˜€". Real text almost
/// never has an accented capital directly followed by such a symbol, so the pair (or triple, or
/// quadruple) is the signature. Decoded as Windows-1251, Cyrillic comes out as "Р" or "С" followed
/// by a character of the 0x80–0xBF half ("Р°" for "а", "С‚" for "т") and "’" as "вЂ™".
/// </summary>
/// <remarks>
/// Deliberately not counted, to keep false positives down: Windows-1251 pairs whose second
/// character is a letter that real Ukrainian, Belarusian or Russian puts after Р or С (і ї є ґ ё ў,
/// as in "Рівне", "Сімферополь", "Сёмга") or a quote, dash or no-break space that may follow a word
/// ending in Р or С ("СССР»"). The common mis-decodings still give several pairs per word.
/// </remarks>
internal static class Mojibake
{
    // Windows-1251 renderings of bytes 0x80–0xBF that cannot follow Р/С in real text.
    private const string Cp1251Tail = "ЂЃѓЉЊЌЋЏђљњќћџЈјЅѕ†‡€‰‹›™¤¦§©¬®°±µ¶·№‚•";

    /// <summary>Does a mis-decoded UTF-8 sequence start at <paramref name="i"/>?</summary>
    public static bool IsSequenceAt(string text, int i)
    {
        var c = text[i];
        switch (c)
        {
            case >= '\u00C2' and <= '\u00DF':
                return Tail(text, i + 1);
            case >= '\u00E0' and <= '\u00EF':
                // "â€" is E2 80 (general punctuation: ’ “ ” – — …); its third byte may have been lost.
                return (c == 'â' && At(text, i + 1) == '€') || (Tail(text, i + 1) && Tail(text, i + 2));
            case >= '\u00F0' and <= '\u00F4':
                return (c == 'ð' && At(text, i + 1) == 'Ÿ') || (Tail(text, i + 1) && Tail(text, i + 2) && Tail(text, i + 3));
            case 'Р' or 'С':
                return Cp1251Tail.Contains(At(text, i + 1));
            case 'в':
                return At(text, i + 1) == 'Ђ';
            default:
                return false;
        }
    }

    private static char At(string text, int i) => i < text.Length ? text[i] : '\0';

    private static bool Tail(string text, int i) => i < text.Length && (QualityChars.Flags(text[i]) & QualityChars.MojibakeTail) != 0;
}

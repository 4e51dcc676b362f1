using System.Text;

namespace IngestWorker.Text.Normalization;

/// <summary>
/// Puts decoded text into the one canonical form every later stage (and the exact-duplicate hash)
/// relies on: Unicode NFC; <c>\n</c> line endings; no control or invisible characters; every kind of
/// space as an ASCII space, collapsed; lines trimmed; paragraphs separated by one blank line.
/// Two inputs that differ only in these respects normalise to the same string.
/// </summary>
public static class TextNormalizer
{
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Most blocks are already normal (readers hand over trimmed lines of normalised text):
        // returning them as they are saves a builder and a copy per block, which for a page of
        // millions of short lines is most of the stage's memory.
        if (IsNormal(text))
            return text;
        var output = new StringBuilder(text.Length);
        var pendingSpace = false;
        var newlinesSinceText = 0;

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (Classify(c))
            {
                case CharClass.LineBreak:
                    if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                        i++;
                    pendingSpace = false;
                    if (output.Length > 0)
                        newlinesSinceText++;
                    break;
                case CharClass.Space:
                    pendingSpace = output.Length > 0 && newlinesSinceText == 0;
                    break;
                case CharClass.Removed:
                    break;
                default:
                    // Whitespace is written only once the next visible character shows where it
                    // falls, which trims lines and the text for free.
                    if (newlinesSinceText > 0)
                        output.Append('\n', Math.Min(newlinesSinceText, 2));
                    else if (pendingSpace)
                        output.Append(' ');
                    newlinesSinceText = 0;
                    pendingSpace = false;
                    output.Append(c);
                    break;
            }
        }
        // NFC last: removing an invisible character can bring a letter and a combining mark
        // together, and they must end up composed for normalising to be idempotent.
        var cleaned = output.ToString();
        return cleaned.IsNormalized(NormalizationForm.FormC) ? cleaned : cleaned.Normalize(NormalizationForm.FormC);
    }

    /// <summary>True when <see cref="Normalize"/> would return the same characters: no line break, no character it removes, single ASCII spaces between visible characters, NFC.</summary>
    private static bool IsNormal(string text)
    {
        if (text.Length == 0)
            return true;
        var previousSpace = true;
        foreach (var c in text)
        {
            var space = c == ' ';
            if (space ? previousSpace : Classify(c) != CharClass.Text)
                return false;
            previousSpace = space;
        }
        return !previousSpace && text.IsNormalized(NormalizationForm.FormC);
    }

    private enum CharClass { Text, Space, LineBreak, Removed }

    private static CharClass Classify(char c)
    {
        if (c < 0x80)
        {
            return c switch
            {
                ' ' or '\t' => CharClass.Space,
                '\n' or '\r' or '\v' or '\f' => CharClass.LineBreak,
                < ' ' or '\x7F' => CharClass.Removed,
                _ => CharClass.Text,
            };
        }
        return c switch
        {
            // NEL and the Unicode line/paragraph separators end lines like \n does.
            '\u0085' or '\u2028' or '\u2029' => CharClass.LineBreak,
            // No-break, narrow, figure, and typographic spaces all read as one space in plain text.
            // The ideographic space (U+3000) is left alone: CJK text uses it for layout.
            '\u00A0' or '\u1680' or (>= '\u2000' and <= '\u200A') or '\u202F' or '\u205F' => CharClass.Space,
            // C1 controls, soft hyphen, zero-width space, word joiner, BOM and the object replacement
            // character are invisible and would split words and defeat duplicate hashing.
            // ZWJ/ZWNJ (U+200C/D) stay: emoji and several scripts need them. U+FFFE (a noncharacter:
            // a BOM read in the wrong byte order) is invisible too, and .NET's NFC refuses text holding it.
            (>= '\u0080' and <= '\u009F') or '\u00AD' or '\u200B' or '\u2060' or '\uFEFF' or '\uFFFC' or '\uFFFE' => CharClass.Removed,
            _ => CharClass.Text,
        };
    }
}

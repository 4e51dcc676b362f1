using System.Globalization;
using System.Text;

namespace IngestWorker.Storage;

/// <summary>
/// The characters a listing's XML can carry (XML 1.0: tab, line feed, carriage return,
/// U+0020–U+D7FF, U+E000–U+FFFD; surrogates only in pairs). A blob name holding any other
/// character can be stored but not listed: Azurite answers the page that would hold it with
/// HTTP 500 and an empty body, which the SDK reports as an <see cref="System.Xml.XmlException"/>.
/// Markers that the worker builds to list past such a name may hold only these characters too,
/// since the server echoes the marker in the page.
/// </summary>
public static class XmlNameChars
{
    public static bool IsSafe(char c) => c is '\t' or '\n' or '\r' or (>= ' ' and <= '\uD7FF') or (>= '\uE000' and <= '\uFFFD');

    /// <summary>How many characters are safe, and the safe character of each index in ascending order.</summary>
    public const int SafeCount = 3 + (0xD7FF - 0x20 + 1) + (0xFFFD - 0xE000 + 1);

    public static char SafeAt(int index) => index switch
    {
        0 => '\t',
        1 => '\n',
        2 => '\r',
        < 3 + (0xD7FF - 0x20 + 1) => (char)(0x20 + index - 3),
        _ => (char)(0xE000 + index - 3 - (0xD7FF - 0x20 + 1)),
    };

    /// <summary>The smallest safe character above <paramref name="c"/>, or null.</summary>
    public static char? SafeAbove(char c)
    {
        for (var d = c + 1; d <= 0xFFFF; d++)
        {
            if (IsSafe((char)d))
                return (char)d;
        }
        return null;
    }

    /// <summary>
    /// A name as a log line can show it: every character a listing cannot carry, every other
    /// control character and the backslash written as <c>\uXXXX</c>, so a NUL or a line break
    /// in a name can neither vanish from nor forge a log line.
    /// </summary>
    public static string Escape(string? name)
    {
        if (name is null)
            return "";
        var escaped = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]);
            if (pair)
            {
                escaped.Append(c).Append(name[++i]);
            }
            else if (c == '\\' || char.IsControl(c) || !IsSafe(c) || c is '\u2028' or '\u2029')
            {
                escaped.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                escaped.Append(c);
            }
        }
        return escaped.ToString();
    }
}

using System.Text;

namespace IngestWorker.Text.Decoding;

/// <summary>
/// The charset a page declares for itself in its first kilobyte — <c>&lt;meta charset&gt;</c>,
/// <c>&lt;meta http-equiv="Content-Type" content="…; charset=…"&gt;</c>, or an XML declaration —
/// as the HTML standard's prescan finds it, resolved to an encoding we can decode strictly.
/// </summary>
public static class DeclaredCharset
{
    private const int PrescanBytes = 1024;

    public static Encoding? Find(ReadOnlySpan<byte> bytes)
    {
        var head = Encoding.ASCII.GetString(bytes[..Math.Min(bytes.Length, PrescanBytes)]).ToLowerInvariant();
        foreach (var marker in new[] { "charset=", "encoding=" })
        {
            for (var at = head.IndexOf(marker, StringComparison.Ordinal); at >= 0; at = head.IndexOf(marker, at + 1, StringComparison.Ordinal))
            {
                var start = at + marker.Length;
                while (start < head.Length && head[start] is '"' or '\'' or ' ')
                    start++;
                var end = start;
                while (end < head.Length && (char.IsAsciiLetterOrDigit(head[end]) || head[end] is '-' or '_' or '.' or ':'))
                    end++;
                if (end > start && Resolve(head[start..end]) is { } encoding)
                    return encoding;
            }
        }
        return null;
    }

    /// <summary>An encoding by label, with the WHATWG rule that latin-1 labels mean windows-1252.</summary>
    public static Encoding? Resolve(string label)
    {
        label = label switch
        {
            "iso-8859-1" or "latin1" or "l1" or "us-ascii" or "ascii" or "cp819" or "iso8859-1" => "windows-1252",
            "iso-8859-9" or "latin5" => "windows-1254",
            "gb2312" or "gbk" or "x-gbk" => "gb18030",
            "x-sjis" or "sjis" or "ms_kanji" => "shift_jis",
            _ => label,
        };
        var strict = new DecoderExceptionFallback();
        try
        {
            return CodePagesEncodingProvider.Instance.GetEncoding(label, EncoderFallback.ExceptionFallback, strict)
                ?? Encoding.GetEncoding(label, EncoderFallback.ExceptionFallback, strict);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            // NotSupportedException: "utf-7", which .NET knows but refuses to decode (SYSLIB0001).
            return null;
        }
    }
}

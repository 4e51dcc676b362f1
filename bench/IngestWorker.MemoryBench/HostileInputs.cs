using System.Text;

/// <summary>
/// The worst cases for per-document memory, each about <c>size</c> bytes: cost that grows with the
/// number of lines, blocks, elements or fields rather than with the bytes.
/// </summary>
internal static class HostileInputs
{
    public static readonly string[] Names = ["a-lines", "word-lines", "one-line", "tiny-html", "json-fields"];

    /// <param name="variant">Written into the first line or the title, so that copies of one kind differ.</param>
    public static (string Name, byte[] Bytes) Make(string kind, int size, int variant = 0) => kind switch
    {
        // Two bytes a line: the most lines a size allows.
        "a-lines" => ("a-lines.txt", Text($"v{variant}\n", "a\n", size)),
        // A million one-word lines at 10 MiB.
        "word-lines" => ("word-lines.txt", WordLines($"v{variant}\n", size)),
        // No line break at all: one block of 10 MiB of words.
        "one-line" => ("one-line.txt", Text($"v{variant} ", "lorem ", size)),
        // Many tiny elements, each its own block.
        "tiny-html" => ("tiny-html.html", Text($"<html><head><title>t{variant}</title></head><body>", "<p>a</p>", size - 16, "</body></html>")),
        // One object with very many short fields.
        "json-fields" => ("json-fields.json", Json(variant, size)),
        _ => throw new ArgumentException($"Unknown input kind '{kind}'; one of {string.Join(", ", Names)}."),
    };

    private static byte[] Text(string head, string unit, int size, string tail = "")
    {
        var text = new StringBuilder(size + unit.Length + tail.Length).Append(head);
        while (text.Length + unit.Length <= size)
            text.Append(unit);
        return Encoding.UTF8.GetBytes(text.Append(tail).ToString());
    }

    private static byte[] WordLines(string head, int size)
    {
        string[] words = ["river", "bridge", "market", "harbour", "council", "library", "station", "meadow"];
        var text = new StringBuilder(size + 16).Append(head);
        for (var i = 0; text.Length < size - 16; i++)
            text.Append(words[i % words.Length]).Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static byte[] Json(int variant, int size)
    {
        var text = new StringBuilder(size + 64);
        text.Append("{\"title\":\"t").Append(variant).Append("\",\"text\":\"Some article text.\"");
        for (var i = 0; text.Length < size - 32; i++)
            text.Append(",\"f").Append(i).Append("\":\"a\"");
        text.Append('}');
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}

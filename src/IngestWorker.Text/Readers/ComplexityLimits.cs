namespace IngestWorker.Text.Readers;

/// <summary>
/// Refuses a page whose readers would have to allocate for far more lines or elements than any
/// article has. The cost of reading and cleaning grows with the number of blocks (each is an
/// object, a string and a row of features), not with the bytes: ten megabytes of <c>a\n</c> are
/// five million blocks. Counting them first takes one pass over the text and no allocation, so a
/// page is rejected as <c>too_complex</c> before its reader builds anything.
/// </summary>
public sealed class ComplexityLimits
{
    public ComplexityLimits(int maxBlocks, int maxHtmlElements)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBlocks, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxHtmlElements, 1);
        MaxBlocks = maxBlocks;
        MaxHtmlElements = maxHtmlElements;
    }

    public int MaxBlocks { get; }

    public int MaxHtmlElements { get; }

    /// <summary>Normalised text (plain or Markdown): one block at most per non-blank line.</summary>
    /// <returns>Why the text is refused, or null.</returns>
    public string? CheckLines(ReadOnlySpan<char> normalizedText)
    {
        var lines = CountNonBlankLines(normalizedText, MaxBlocks);
        return lines > MaxBlocks
            ? $"The text has more than {MaxBlocks:N0} non-blank lines (pipeline:maxBlocks); no article is that fragmented, and reading it would cost memory per line."
            : null;
    }

    /// <summary>Markup, before it is parsed: every start tag becomes an element of the parsed tree.</summary>
    public string? CheckHtml(ReadOnlySpan<char> html)
    {
        var tags = CountStartTags(html, MaxHtmlElements);
        return tags > MaxHtmlElements
            ? $"The page has more than {MaxHtmlElements:N0} tags (pipeline:maxHtmlElements); parsing it would cost memory per element."
            : null;
    }

    /// <summary>The blocks a reader made, whatever the format.</summary>
    public string? CheckBlocks(int blocks) =>
        blocks > MaxBlocks
            ? $"The page has {blocks:N0} blocks, more than {MaxBlocks:N0} (pipeline:maxBlocks); no article is that fragmented."
            : null;

    /// <summary>Lines holding anything but spaces, counted up to one past <paramref name="stopAbove"/>.</summary>
    internal static int CountNonBlankLines(ReadOnlySpan<char> text, int stopAbove)
    {
        var count = 0;
        while (count <= stopAbove)
        {
            var end = text.IndexOf('\n');
            var line = end < 0 ? text : text[..end];
            if (!line.IsWhiteSpace())
                count++;
            if (end < 0)
                break;
            text = text[(end + 1)..];
        }
        return count;
    }

    /// <summary>'&lt;' followed by a letter, as the HTML tokenizer reads a start tag; counted up to one past <paramref name="stopAbove"/>.</summary>
    internal static int CountStartTags(ReadOnlySpan<char> html, int stopAbove)
    {
        var count = 0;
        for (var i = html.IndexOf('<'); i >= 0 && count <= stopAbove; )
        {
            var next = i + 1;
            if (next < html.Length && char.IsAsciiLetter(html[next]))
                count++;
            var rest = html[next..].IndexOf('<');
            i = rest < 0 ? -1 : next + rest;
        }
        return count;
    }
}

namespace IngestWorker.Text.Tests.Dedup;

/// <summary>
/// Copies of an article as another site would publish a wire story: its own chrome around the same
/// body, a paragraph cut, a few words changed, other quote marks. Made from the article as the
/// worker kept it (title, blank line, paragraphs), not from the scraped page, whose first and last
/// "paragraphs" are site chrome. Deterministic, so failures repeat.
/// </summary>
internal static class SyndicatedVariants
{
    public const string OtherChrome = "other_chrome";
    public const string ParagraphDropped = "paragraph_dropped";
    public const string WordsChanged = "words_changed";
    public const string QuotesChanged = "quotes_changed";
    public const string Combined = "combined";

    public static IReadOnlyList<string> Kinds { get; } = [OtherChrome, ParagraphDropped, WordsChanged, QuotesChanged, Combined];

    public static string Make(string text, string kind) => kind switch
    {
        OtherChrome => "Regional Herald\nHome | World | Business | Sport\nShare on Facebook\n\n" + text + "\n\nRead more: Regional Herald wire stories\n© Regional Herald. All rights reserved.\n",
        ParagraphDropped => DropLastParagraph(text),
        WordsChanged => ChangeWords(text, 4),
        QuotesChanged => text.Replace('"', '\u201C').Replace('\'', '\u2019').Replace('\u2018', '\'').Replace('\u201D', '"'),
        Combined => ChangeWords(DropLastParagraph(Make(text, QuotesChanged)), 3),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    // News is written to be cut from the bottom: the last paragraph is the one an editor drops.
    private static string DropLastParagraph(string text)
    {
        var separator = text.Contains("\n\n", StringComparison.Ordinal) ? "\n\n" : "\n";
        var paragraphs = text.TrimEnd().Split(separator).ToList();
        paragraphs.RemoveAt(paragraphs.Count - 1);
        return string.Join(separator, paragraphs);
    }

    // Replaces words spread evenly over the text with others, as a copy editor would.
    private static string ChangeWords(string text, int count)
    {
        string[] replacements = ["reportedly", "officials", "yesterday", "spokesman"];
        var words = text.Split(' ');
        for (var i = 1; i <= count; i++)
        {
            var at = words.Length * i / (count + 1);
            words[at] = replacements[(i - 1) % replacements.Length] + (words[at].EndsWith('.') ? "." : "");
        }
        return string.Join(' ', words);
    }
}

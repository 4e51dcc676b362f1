using IngestWorker.Text.Extraction;

namespace IngestWorker.Text.Cleaning;

/// <summary>
/// What a page's removed byline and dateline say, for a page whose metadata does not: the author
/// and the publication date.
/// </summary>
public static class BylineMetadata
{
    // A dateline is this short ("Dec 12, 2025", "Updated: 12/12/2025"), and holds at most this many words besides the date.
    private const int MaxDatelineChars = 40;
    private const int MaxDatelineOtherWords = 1;

    // A name longer than this is a sentence about the author, not the byline's name.
    private const int MaxNameWords = 8;

    private static readonly string[] Separators = [" | ", "|", " · ", "·", " - ", " – ", " — ", " • "];
    private static readonly string[] Lead = ["written by", "posted by", "published by", "reviewed by", "author:", "authors:", "by:", "by"];

    /// <summary>
    /// The first removed <c>byline</c> block that holds a name once "By", "Written by", dates and
    /// the separators around them are taken off ("By Jane Doe | May 2, 2025" → "Jane Doe").
    /// </summary>
    public static string? Author(IReadOnlyList<RemovedBlock> removed)
    {
        var bylines = removed.Where(r => r.Reason == BoilerplateReasons.Byline).Select(r => r.Text.Trim()).ToList();
        foreach (var byline in bylines)
        {
            if (Name(byline) is { } name)
                return name;
        }
        return null;
    }

    /// <summary>
    /// The first removed <c>byline</c> block that holds a calendar date ("Published August 7, 2023
    /// by Nicole Burke" → 2023-08-07), else the first removed block that is a date alone (a
    /// dateline the reader did not mark as a byline), in ISO 8601.
    /// </summary>
    public static string? Date(IReadOnlyList<RemovedBlock> removed)
    {
        foreach (var block in removed)
        {
            if (block.Reason == BoilerplateReasons.Byline && DateText.Find(block.Text) is { } date)
                return date.Iso;
        }
        foreach (var block in removed)
        {
            if (block.Text.Length <= MaxDatelineChars && DateText.Find(block.Text) is { } date && date.OtherWords <= MaxDatelineOtherWords)
                return date.Iso;
        }
        return null;
    }

    /// <summary>The name in one byline line, or null when it holds none (only a date, only "By", a sentence).</summary>
    public static string? Name(string byline)
    {
        foreach (var segment in byline.Split(Separators, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var text = segment;
            // "Published August 7, 2023 by Nicole Burke": the name follows the last "by".
            var by = text.LastIndexOf(" by ", StringComparison.OrdinalIgnoreCase);
            if (by >= 0)
                text = text[(by + 4)..].Trim();
            foreach (var lead in Lead)
            {
                if (text.StartsWith(lead, StringComparison.OrdinalIgnoreCase) && (text.Length == lead.Length || !char.IsLetter(text[lead.Length])))
                {
                    text = text[lead.Length..].TrimStart(' ', ':');
                    break;
                }
            }
            if (IsName(text))
                return text;
        }
        return null;
    }

    private static bool IsName(string text)
    {
        if (text.Length < 2 || text.Any(char.IsDigit) || DateText.Find(text) is not null || DateText.IsRelative(text))
            return false;
        return Html.TextStats.SpaceSeparatedWords(text) <= MaxNameWords && char.IsLetter(text[0]) && !text.EndsWith('.');
    }
}

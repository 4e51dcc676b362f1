using IngestWorker.Text.Extraction;

namespace IngestWorker.Text.Cleaning;

/// <summary>
/// The author as the page's byline names them, for a page whose metadata names none: the first
/// removed <c>byline</c> block that holds a name once "By", "Written by", dates and the separators
/// around them are taken off ("By Jane Doe | May 2, 2025" → "Jane Doe"). A lone "By" takes the
/// name from the byline block after it.
/// </summary>
public static class BylineAuthor
{
    // A name longer than this is a sentence about the author, not the byline's name.
    private const int MaxNameWords = 8;

    private static readonly string[] Separators = [" | ", "|", " · ", "·", " - ", " – ", " — ", " • "];
    private static readonly string[] Lead = ["written by", "posted by", "published by", "reviewed by", "author:", "authors:", "by:", "by"];

    public static string? Find(IReadOnlyList<RemovedBlock> removed)
    {
        var bylines = removed.Where(r => r.Reason == BoilerplateReasons.Byline).Select(r => r.Text.Trim()).ToList();
        foreach (var byline in bylines)
        {
            if (Name(byline) is { } name)
                return name;
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
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length <= MaxNameWords && char.IsLetter(text[0]) && !text.EndsWith('.');
    }
}

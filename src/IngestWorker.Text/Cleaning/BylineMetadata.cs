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

    private static readonly string[] Separators = [" | ", "|", " · ", "·", " - ", " – ", " — ", " • ", "•"];
    private static readonly string[] Lead = ["written by", "article by", "posted by", "published by", "reviewed by", "author:", "authors:", "by:", "by"];

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
        // A byline the page laid out in two parts, a label and the name under it ("Written by" /
        // "Jane Doe"), or one whatever reason removed it, when its lead can only introduce an author.
        for (var i = 0; i < removed.Count; i++)
        {
            var text = removed[i].Text.AsSpan().Trim();
            if (text.Length > MaxLabelledBylineChars)
                continue;
            switch (LabelAt(text, out var rest))
            {
                case LabelKind.Alone when i + 1 < removed.Count && IsPersonName(removed[i + 1].Text.Trim()):
                    return removed[i + 1].Text.Trim();
                case LabelKind.BeforeName when rest.TrimStart(':').Trim().ToString() is var name && IsPersonName(name):
                    return name;
            }
        }
        return null;
    }

    private enum LabelKind { None, Alone, BeforeName }

    // Longer than this, a line is a sentence that happens to start with "Written by", not a byline.
    private const int MaxLabelledBylineChars = 80;

    /// <param name="rest">What follows the label: the name, when the label is not alone.</param>
    private static LabelKind LabelAt(ReadOnlySpan<char> text, out ReadOnlySpan<char> rest)
    {
        foreach (var lead in LabelLeads)
        {
            if (!text.StartsWith(lead, StringComparison.OrdinalIgnoreCase))
                continue;
            rest = text[lead.Length..];
            if (rest.IsEmpty || rest is ":")
                return LabelKind.Alone;
            if (rest[0] is ' ' or ':')
                return LabelKind.BeforeName;
        }
        rest = default;
        return LabelKind.None;
    }

    /// <summary>Leads that introduce nothing but an author (unlike a bare "By", which starts sentences too).</summary>
    private static readonly string[] LabelLeads = ["written by", "article by", "posted by", "words by", "author", "authors"];

    /// <summary>
    /// A name as a label's next line must look: two to five words, each capitalised (or in a script
    /// without case), joined at most by "and", "&amp;", "de", "van"…: "Jane Doe", not "Table of contents".
    /// </summary>
    private static bool IsPersonName(string text)
    {
        if (!IsName(text) || text.AsSpan().IndexOfAny(".!?:;") >= 0)
            return false;
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // Two words at least: a label's next line of one word is as often a link ("Contact") or an avatar's initials.
        return words.Length >= 2 && words.Length <= MaxLabelledNameWords
            && words.All(w => NameJoiners.Contains(w) || char.IsUpper(w[0]) || !BlockFeatures.IsCased(w[0]));
    }

    private const int MaxLabelledNameWords = 5;

    private static readonly string[] NameJoiners = ["and", "&", "de", "van", "von", "der", "da", "di", "del", "la", "le", "bin"];

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
        // A dateline that shares its line with the name ("Dec 26, 2025 • Mahua Das in Project
        // Management", "Faith Katunga•Oct 20, 2025"): a part between separators that is a date alone.
        foreach (var block in removed)
        {
            if (block.Text.Length > MaxSharedDatelineChars || block.Text.AsSpan().IndexOfAny(SeparatorChars) < 0)
                continue;
            foreach (var segment in block.Text.Split(Separators, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (segment.Length <= MaxDatelineChars && DateText.Find(segment) is { } date && date.OtherWords <= MaxDatelineOtherWords)
                    return date.Iso;
            }
        }
        return null;
    }

    // A line this long that holds a date between separators is a byline, not a sentence.
    private const int MaxSharedDatelineChars = 100;

    private static readonly System.Buffers.SearchValues<char> SeparatorChars = System.Buffers.SearchValues.Create("|·-–—•");

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

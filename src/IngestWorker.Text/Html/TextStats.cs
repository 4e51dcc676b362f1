using System.Globalization;

namespace IngestWorker.Text.Html;

/// <summary>Words of a block as the HTML reader splits them (headline similarity, the language sample); block features come from <see cref="Cleaning.BlockFeatures"/>.</summary>
internal static class TextStats
{
    public static bool IsWordChar(char c)
    {
        if (char.IsLetterOrDigit(c) || c == '_')
            return true;
        var category = char.GetUnicodeCategory(c);
        return category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.ConnectorPunctuation;
    }

    /// <summary>Runs of characters between spaces: how many words a short label, name or title part has.</summary>
    public static int SpaceSeparatedWords(ReadOnlySpan<char> text)
    {
        var words = 0;
        var inWord = false;
        foreach (var c in text)
        {
            if (c == ' ')
                inWord = false;
            else if (!inWord)
            {
                inWord = true;
                words++;
            }
        }
        return words;
    }

    public static IEnumerable<string> Words(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var word = i < text.Length && IsWordChar(text[i]);
            if (word && start < 0)
                start = i;
            else if (!word && start >= 0)
            {
                yield return text[start..i];
                start = -1;
            }
        }
    }

    /// <summary>How alike two short texts are (0–1): Dice overlap of their lower-cased words.</summary>
    public static double Similarity(string a, string b)
    {
        var wa = new HashSet<string>(StringComparer.Ordinal);
        foreach (var w in Words(a))
            wa.Add(w.ToLowerInvariant());
        var wb = new HashSet<string>(StringComparer.Ordinal);
        foreach (var w in Words(b))
            wb.Add(w.ToLowerInvariant());
        if (wa.Count == 0 || wb.Count == 0)
            return 0;
        var common = 0;
        foreach (var w in wa)
        {
            if (wb.Contains(w))
                common++;
        }
        return 2.0 * common / (wa.Count + wb.Count);
    }
}

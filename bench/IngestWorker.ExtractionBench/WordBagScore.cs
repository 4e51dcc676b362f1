using System.Globalization;
using System.Text;

namespace IngestWorker.ExtractionBench;

/// <summary>
/// WCXB's own rule (../shared/bench/wcxb-dev/score.py): lower-cased text split into <c>\w+</c> tokens
/// as Python's <c>re</c> sees them; per page, precision = bag-of-words overlap ÷ predicted tokens,
/// recall = overlap ÷ truth tokens; the benchmark's F1 is the mean of the per-page F1s. Metadata
/// scores are exact matches where the truth has a value: title and author compared as their
/// lower-cased tokens, the date by its first ten characters.
/// </summary>
public static class WordBagScore
{
    public readonly record struct PageScore(double Precision, double Recall, double F1);

    public static PageScore Score(string predicted, string truth)
    {
        var truthTokens = Tokens(truth);
        var predictedTokens = Tokens(predicted);
        if (truthTokens.Count == 0)
            return predictedTokens.Count == 0 ? new(1, 1, 1) : new(0, 0, 0);
        if (predictedTokens.Count == 0)
            return new(0, 0, 0);
        var bag = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in truthTokens)
            bag[token] = bag.GetValueOrDefault(token) + 1;
        var overlap = 0;
        foreach (var token in predictedTokens)
        {
            if (bag.GetValueOrDefault(token) is > 0 and var left)
            {
                bag[token] = left - 1;
                overlap++;
            }
        }
        var precision = (double)overlap / predictedTokens.Count;
        var recall = (double)overlap / truthTokens.Count;
        return new(precision, recall, precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0);
    }

    /// <summary>Title or author as the scorer compares them: lower-cased <c>\w+</c> tokens joined by spaces.</summary>
    public static string Normalise(string? text) => string.Join(' ', Tokens(text ?? ""));

    public static bool SameDate(string? predicted, string truth) =>
        !string.IsNullOrEmpty(predicted) && First10(predicted) == First10(truth);

    private static string First10(string s) => s.Length <= 10 ? s : s[..10];

    /// <summary>
    /// Python's <c>re.findall(r'\w+', text.lower())</c>: a word character is a letter (L*), a
    /// number of any kind (N*: Python's <c>isalnum</c> counts ² and Ⅻ) or an underscore. Unlike .NET's
    /// <c>\w</c>, combining marks (Mn, Mc) split words, as they do in the scorer.
    /// </summary>
    public static List<string> Tokens(string text)
    {
        var lower = text.ToLowerInvariant();
        var tokens = new List<string>();
        var start = -1;
        for (var i = 0; i < lower.Length; i++)
        {
            var length = char.IsSurrogatePair(lower, i) ? 2 : 1;
            var word = IsWord(CharUnicodeInfo.GetUnicodeCategory(lower, i)) || lower[i] == '_';
            if (word && start < 0)
                start = i;
            else if (!word && start >= 0)
            {
                tokens.Add(lower[start..i]);
                start = -1;
            }
            i += length - 1;
        }
        if (start >= 0)
            tokens.Add(lower[start..]);
        return tokens;
    }

    private static bool IsWord(UnicodeCategory category) => category is
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter or
        UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;
}

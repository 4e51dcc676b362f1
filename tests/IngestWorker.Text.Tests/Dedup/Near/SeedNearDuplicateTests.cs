using System.Text.RegularExpressions;
using IngestWorker.Text.Dedup.Near;

namespace IngestWorker.Text.Tests.Dedup.Near;

/// <summary>
/// The seeds are five outlets' articles on the same event: related, not duplicates. Copies of one
/// seed as a syndicating site would publish it are duplicates. Both under the index's rule (a
/// shared band key, then estimated Jaccard at least the threshold) with the default settings.
/// </summary>
public sealed partial class SeedNearDuplicateTests
{
    private static readonly MinHashOptions Options = new();
    private static readonly MinHasher Hasher = new(Options);

    private static bool ShareBand(MinHashSignature a, MinHashSignature b) =>
        Enumerable.Range(0, Options.Bands).Any(band => a.BandKey(band, Options.RowsPerBand) == b.BandKey(band, Options.RowsPerBand));

    [Fact]
    public void Different_outlets_on_the_same_event_are_not_near_duplicates()
    {
        var signatures = SeedTexts.Cleaned.Select(Hasher.Compute).ToArray();
        Assert.Equal(5, signatures.Length);
        for (var i = 0; i < signatures.Length; i++)
        {
            for (var j = i + 1; j < signatures.Length; j++)
            {
                var similarity = signatures[i].EstimateJaccard(signatures[j]);
                Assert.True(similarity < 0.3, $"seeds {i} and {j}: estimated Jaccard {similarity:F3}");
                Assert.False(ShareBand(signatures[i], signatures[j]), $"seeds {i} and {j} share a band");
            }
        }
    }

    public static TheoryData<int, string> Variants()
    {
        var data = new TheoryData<int, string>();
        for (var seed = 0; seed < 5; seed++)
        {
            foreach (var kind in new[] { "paragraph dropped", "words changed", "quote style", "header and footer", "header, footer and quote style" })
                data.Add(seed, kind);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Syndicated_copies_of_a_seed_are_near_duplicates(int seed, string kind)
    {
        var original = SeedTexts.Cleaned[seed];
        var random = new Random(seed);
        var copy = kind switch
        {
            "paragraph dropped" => DropParagraph(original, random),
            "words changed" => ChangeWords(original, random.Next(3, 6), random),
            "quote style" => SwapQuotes(original),
            "header and footer" => AddChrome(original),
            _ => AddChrome(SwapQuotes(original)),
        };
        Assert.NotEqual(original, copy);
        var a = Hasher.Compute(original);
        var b = Hasher.Compute(copy);
        var similarity = a.EstimateJaccard(b);
        Assert.True(similarity >= Options.SimilarityThreshold, $"estimated Jaccard {similarity:F3} (exact {MinHasherTests.ExactJaccard(original, copy, 5):F3})");
        Assert.True(ShareBand(a, b), "no shared band");
    }

    // A paragraph other than the first (the lead a copy keeps).
    private static string DropParagraph(string text, Random random)
    {
        var paragraphs = text.Split("\n\n");
        var drop = random.Next(1, paragraphs.Length);
        return string.Join("\n\n", paragraphs.Where((_, i) => i != drop));
    }

    private static string ChangeWords(string text, int count, Random random)
    {
        var words = Word().Matches(text);
        var chosen = new HashSet<int>();
        while (chosen.Count < count)
            chosen.Add(random.Next(words.Count));
        var result = text;
        foreach (var m in chosen.OrderDescending().Select(i => words[i]))
            result = result[..m.Index] + "replaced" + result[(m.Index + m.Length)..];
        return result;
    }

    private static string SwapQuotes(string text)
    {
        var open = true;
        return string.Concat(text.Select(c => c switch
        {
            '"' => (open = !open) ? "”" : "“",
            '\'' => "’",
            '“' or '”' => "\"",
            '‘' or '’' => "'",
            _ => c.ToString(),
        }));
    }

    private static string AddChrome(string text) =>
        "The Morning Ledger\nHome | World | Politics | Business | Sports\nPublished 14 March 2024, updated 11:40 GMT\n\n" + text +
        "\n\nShare this article on Facebook, X or by email.\nSign up for our daily briefing.\n© 2024 The Morning Ledger. All rights reserved.";

    [GeneratedRegex(@"\b\p{L}{3,}\b")]
    private static partial Regex Word();
}

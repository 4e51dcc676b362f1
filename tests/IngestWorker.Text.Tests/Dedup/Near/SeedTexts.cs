using IngestWorker.Text.Extraction;

namespace IngestWorker.Text.Tests.Dedup.Near;

/// <summary>The five seed articles as the near-duplicate stage sees them: after boilerplate removal.</summary>
internal static class SeedTexts
{
    public static IReadOnlyList<string> Cleaned { get; } =
        TestData.SeedPaths.Select(p => new ArticleExtractor().FromPlainText(File.ReadAllText(p)).Text).ToList();
}

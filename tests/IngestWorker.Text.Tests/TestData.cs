namespace IngestWorker.Text.Tests;

internal static class TestData
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>
    /// A path inside the evaluation data kept next to the repository (../shared), or wherever
    /// INGESTWORKER_SHARED_DIR points.
    /// </summary>
    public static string Shared(string relativePath) => Path.GetFullPath(Path.Combine(
        Environment.GetEnvironmentVariable("INGESTWORKER_SHARED_DIR") is { Length: > 0 } dir ? dir : Path.Combine(RepositoryRoot, "..", "shared"),
        relativePath));

    /// <summary>The five sample articles in seeds/ (part of the repository), by file name.</summary>
    public static IReadOnlyList<string> SeedPaths { get; } =
        Directory.GetFiles(Path.Combine(RepositoryRoot, "seeds"), "*.txt").Order(StringComparer.Ordinal).ToList();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IngestWorker.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("IngestWorker.sln not found above " + AppContext.BaseDirectory);
    }
}

namespace IngestWorker.IntegrationTests.Infrastructure;

internal static class RepositoryPaths
{
    /// <summary>The folder holding IngestWorker.sln, found by walking up from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string Seeds => Path.Combine(Root, "seeds");

    /// <summary>The worker's own build output, for tests that run it as a separate process.</summary>
    public static string WorkerDll => Built("IngestWorker", "IngestWorker");

    /// <summary>The operator CLI's build output (built with the solution; referenced by this project for the order).</summary>
    public static string CliDll => Built("IngestWorker.Cli", "ingestworker-cli");

    // Tests run from tests/X/bin/{Configuration}/net10.0/; the projects were built alongside.
    private static string Built(string project, string assembly)
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var path = Path.Combine(Root, "src", project, "bin", configuration, "net10.0", assembly + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{project} is not built at {path}.", path);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IngestWorker.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("Could not find IngestWorker.sln above " + AppContext.BaseDirectory);
    }
}

using System.Diagnostics;

namespace IngestWorker.IntegrationTests.Infrastructure;

/// <summary>What a run of ingestworker-cli left: its exit code, stdout and stderr together (for messages), and stdout alone (for JSON).</summary>
public sealed record CliResult(int ExitCode, string Output, string Stdout);

/// <summary>Runs ingestworker-cli as its own process, configured through the environment as an operator's shell would.</summary>
internal static class CliProcess
{
    /// <param name="settings">Configuration on top of the containers' (mode, pipeline version, …); pipeline version 1 unless given.</param>
    public static async Task<CliResult> RunAsync(TestContainers containers, IDictionary<string, string?> settings, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        info.ArgumentList.Add(RepositoryPaths.CliDll);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        var all = containers.Settings();
        all["ingestWorker:pipeline:version"] = "1";
        foreach (var (key, value) in settings)
            all[key] = value;
        // A null value unsets the variable (e.g. AzureWebJobsStorage, for an identity-based connection).
        foreach (var (key, value) in all)
            if (value is null)
                info.Environment.Remove(key.Replace(":", "__", StringComparison.Ordinal));
            else
                info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(cancel.Token);
        return new CliResult(process.ExitCode, await stdout + await stderr, await stdout);
    }
}

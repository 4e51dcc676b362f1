using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace IngestWorker.Tests.Infra;

/// <summary>What one run of the Bicep CLI printed, and how it ended.</summary>
internal sealed record BicepRun(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>For an assertion message: the command and everything it said on stderr.</summary>
    public override string ToString() => $"bicep {Command} exited with {ExitCode}; stderr:\n{StandardError}";
}

/// <summary>
/// The Bicep CLI from the <c>Azure.Bicep.CommandLine.linux-x64</c> package, where NuGet unpacked it
/// (the project passes the path as assembly metadata). Every run is told to skip module restore, so
/// the CLI never asks a registry for anything: infra/ uses local modules only.
/// </summary>
internal static class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>Why the CLI cannot run on this machine, or null where it can: the package holds a linux-x64 binary only.</summary>
    public static string? UnavailableReason =>
        OperatingSystem.IsLinux() && RuntimeInformation.OSArchitecture == Architecture.X64
            ? null
            : $"the Bicep CLI the tests use comes from Azure.Bicep.CommandLine.linux-x64, which runs on linux-x64 only; this is {RuntimeInformation.OSDescription} on {RuntimeInformation.OSArchitecture}";

    private static readonly Lazy<string> Executable = new(FindExecutable);

    public static string ExecutablePath => Executable.Value;

    /// <summary>Runs <c>bicep</c> with these arguments in <paramref name="workingDirectory"/>; fails the test if it outlives the timeout.</summary>
    public static BicepRun Run(string workingDirectory, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(ExecutablePath)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        // Tracing would write to stderr, where the tests look for diagnostics.
        start.Environment["BICEP_TRACING_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        // The parameters file reads these; only the caller decides whether they are set.
        start.Environment.Remove("INGESTWORKER_IMAGE");
        start.Environment.Remove("INGESTWORKER_REGISTRY");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{ExecutablePath} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }
        process.WaitForExit();
        return new BicepRun(string.Join(' ', arguments), process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }

    private static string FindExecutable()
    {
        var path = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(attribute => attribute.Key == "BicepCliPath")?.Value;
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
            throw new FileNotFoundException($"The Bicep CLI is not where the build said it would be ('{path}'): restore tests/IngestWorker.Tests, which references Azure.Bicep.CommandLine.linux-x64.");
        MakeExecutable(path);
        return path;
    }

    // NuGet extracts files without their mode bits on some systems; a package cache shared with
    // another user may also lack ours.
    private static void MakeExecutable(string path)
    {
        if (OperatingSystem.IsWindows())
            return;
        var mode = File.GetUnixFileMode(path);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
    }
}

/// <summary>A test that runs the Bicep CLI: skipped, saying why, where the CLI's binary cannot run.</summary>
public sealed class BicepFactAttribute : FactAttribute
{
    public BicepFactAttribute()
    {
        if (BicepCli.UnavailableReason is { } reason)
            Skip = reason;
    }
}

/// <summary>The theory form of <see cref="BicepFactAttribute"/>.</summary>
public sealed class BicepTheoryAttribute : TheoryAttribute
{
    public BicepTheoryAttribute()
    {
        if (BicepCli.UnavailableReason is { } reason)
            Skip = reason;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using IngestWorker.IntegrationTests.Infrastructure;

namespace IngestWorker.IntegrationTests;

/// <summary>
/// The README's path for a newcomer, run as written: the first command (scripts/run-local.sh, here
/// on this test's containers of the shared Azurite, which the script uses when AzureWebJobsStorage
/// names an account), then the CLI line of "Drop a file and read its outcome" from the repository
/// root, then the stop. ReadmeTests (unit) keeps the README's commands and these in step.
/// </summary>
public sealed class ReadmeWalkthroughTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string FirstCommand = "scripts/run-local.sh";
    private const string DropCommand = "dotnet src/IngestWorker.Cli/bin/Release/net10.0/ingestworker-cli.dll drop seeds/000_4f18580d3c5b64cd.txt --prefix again --exit-when-done";

    [Fact]
    public async Task The_first_command_runs_the_worker_on_the_seeds_and_a_dropped_copy_is_rejected_as_a_duplicate()
    {
        var containers = new TestContainers(azurite);
        var port = HealthEndpointTests.FreePort();
        var environment = containers.Settings().ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);
        environment["DASHBOARD_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        // The script builds the solution; no MSBuild node of that build should outlive the test.
        environment["MSBUILDDISABLENODEREUSE"] = "1";

        // setsid: the script leads a process group of its own, so the stop below reaches it and the
        // CLI it runs in the foreground together, as Ctrl-C in a terminal does.
        var info = Start("setsid", FirstCommand, environment);
        var output = new StringBuilder();
        using var script = new Process { StartInfo = info };
        script.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        script.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        script.Start();
        script.BeginOutputReadLine();
        script.BeginErrorReadLine();
        try
        {
            // The script builds first: generous, for a machine where the build is not up to date.
            var seeds = Directory.GetFiles(RepositoryPaths.Seeds).Select(Path.GetFileName).ToList();
            await WaitForAsync(script, output, TimeSpan.FromMinutes(10), text => seeds.All(seed => Row(seed!, "accepted").IsMatch(text)));

            var drop = await RunAsync(Start("bash", "-c " + DropCommand, environment));
            Assert.True(drop.ExitCode == 0, drop.Output);
            Assert.Matches(Row("again/000_4f18580d3c5b64cd.txt", "rejected", "duplicate_exact"), drop.Output);
            Assert.Contains("All 1 dropped file(s) have their outcome.", drop.Output, StringComparison.Ordinal);
            // "The row also appears in the first terminal."
            await WaitForAsync(script, output, TimeSpan.FromSeconds(30), text => Row("again/000_4f18580d3c5b64cd.txt", "rejected", "duplicate_exact").IsMatch(text));

            using var http = new HttpClient();
            Assert.Contains("<title>", await http.GetStringAsync($"http://127.0.0.1:{port}/"), StringComparison.Ordinal);
        }
        finally
        {
            // SIGTERM rather than SIGINT: a shell that starts a job in the background (as CI may
            // start this test run) starts it with SIGINT ignored. The script treats both alike.
            using (var kill = Process.Start("kill", ["-TERM", "--", "-" + script.Id.ToString(CultureInfo.InvariantCulture)]))
                await kill.WaitForExitAsync();
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await script.WaitForExitAsync(stop.Token);
        }

        // The script stops the worker gracefully before it exits.
        Assert.Contains($"Stopped watching '{containers.Input.Name}'.", await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, ".local", "worker.log")), StringComparison.Ordinal);
    }

    // A row of the outcome table: name, status, reasons, and the outcome blob in its container.
    private static Regex Row(string name, string status, string reasons = "-") =>
        new($@"^{Regex.Escape(name)}\s+{status}\s+{Regex.Escape(reasons)}\s+\S+/{Regex.Escape(name)}\.json\s*$", RegexOptions.Multiline);

    private static ProcessStartInfo Start(string program, string arguments, Dictionary<string, string?> environment)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // "-c <command>" stays one argument for bash; anything else is split on spaces.
        if (arguments.StartsWith("-c ", StringComparison.Ordinal))
        {
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(arguments[3..]);
        }
        else
        {
            foreach (var argument in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                info.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        return info;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(ProcessStartInfo info)
    {
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static async Task WaitForAsync(Process script, StringBuilder output, TimeSpan timeout, Func<string, bool> done)
    {
        for (var deadline = DateTime.UtcNow + timeout; ; await Task.Delay(250))
        {
            string text;
            lock (output)
                text = output.ToString();
            if (done(text))
                return;
            if (script.HasExited || DateTime.UtcNow > deadline)
                Assert.Fail($"{FirstCommand} {(script.HasExited ? "exited" : "timed out")} before the expected rows; its output:\n{text}");
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Text.Json;
using IngestWorker.IntegrationTests.Infrastructure;
using IngestWorker.Tests.Container;
using Xunit.Abstractions;

namespace IngestWorker.IntegrationTests;

/// <summary>
/// What the container image runs, without an engine (none runs here): the worker published as the
/// Dockerfile publishes it, started by the image's entry point in the image's working directory
/// with the image's environment, asked by the image's health check. The Dockerfile itself is
/// checked by DockerfileTests (unit tests).
/// </summary>
public sealed class PublishedWorkerTests(AzuriteFixture azurite, ITestOutputHelper log) : IClassFixture<AzuriteFixture>
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task The_published_folder_started_as_the_image_starts_it_answers_liveness_and_its_health_check_follows_the_worker()
    {
        var image = Dockerfile.Load(Path.Combine(RepositoryPaths.Root, "Dockerfile")).Runtime;
        var workDir = image.WorkDir!;
        var published = Directory.CreateTempSubdirectory("ingestworker-published-").FullName;
        WorkerProcess? worker = null;
        try
        {
            var publishing = Stopwatch.StartNew();
            await PublishAsync(published);
            log.WriteLine($"dotnet publish took {publishing.Elapsed.TotalSeconds:0.0} s");
            var model = Path.Combine(published, "models", "lid.176.ftz");
            Assert.True(File.Exists(model), $"the language model is not in the published folder ({model})");
            Assert.True(File.Exists(Path.Combine(published, "host.json")), "host.json is not in the published folder");

            // The image's environment, then this test's storage and containers; the server stays on
            // loopback here (the image's 0.0.0.0 is for a platform's probes, and tests use loopback only).
            var containers = new TestContainers(azurite);
            var port = HealthEndpointTests.FreePort();
            var settings = image.Environment().ToDictionary(v => v.Key, v => (string?)v.Value);
            foreach (var (key, value) in containers.Settings())
                settings[key] = value;
            settings["ingestWorker__http__address"] = "127.0.0.1";
            settings["ingestWorker__http__port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);

            var entrypoint = image.Last("ENTRYPOINT")!.ExecForm()!;
            var started = Stopwatch.StartNew();
            worker = WorkerProcess.StartCommand(entrypoint, published, settings);
            var live = await WaitForStatusAsync(worker, port, "healthz/live");
            log.WriteLine($"/healthz/live answered 200 {started.Elapsed.TotalSeconds:0.0} s after the start: {live}");
            Assert.Equal("Healthy", JsonDocument.Parse(live).RootElement.GetProperty("status").GetString());

            // The model the worker loaded is the published one, and the pipeline runs from the folder.
            var ready = JsonDocument.Parse(await WaitForStatusAsync(worker, port, "healthz/ready")).RootElement;
            Assert.Equal(model, ready.GetProperty("checks").GetProperty("languageModel").GetProperty("data").GetProperty("modelPath").GetString());
            var seed = Directory.GetFiles(RepositoryPaths.Seeds).Order(StringComparer.Ordinal).First();
            await containers.UploadAsync(Path.GetFileName(seed), await File.ReadAllBytesAsync(seed));
            var outcome = await containers.WaitForOutcomeAsync(Path.GetFileName(seed));
            Assert.Equal("en", outcome.GetProperty("language").GetProperty("code").GetString());

            // The health check as the engine runs it: its program and arguments, the image's
            // working directory standing for the published folder.
            var healthCheck = image.Last("HEALTHCHECK")!.ExecForm()!
                .Select(a => a.StartsWith(workDir + "/", StringComparison.Ordinal) ? Path.Combine(published, a[(workDir.Length + 1)..]) : a).ToList();
            var (healthy, healthyOutput) = await RunAsync(healthCheck, published, settings, TimeSpan.FromSeconds(60));
            log.WriteLine($"health check while running: exit {healthy}: {healthyOutput}");
            Assert.True(healthy == 0, $"the health check failed on a live worker (exit {healthy}): {healthyOutput}");
            Assert.Contains($"http://127.0.0.1:{port}/healthz/live answered 200", healthyOutput);

            // docker stop: SIGTERM, and the worker stops cleanly.
            worker.Terminate();
            Assert.Equal(0, await worker.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            var (stopped, stoppedOutput) = await RunAsync(healthCheck, published, settings, TimeSpan.FromSeconds(60));
            log.WriteLine($"health check once stopped: exit {stopped}: {stoppedOutput}");
            Assert.Equal(1, stopped);
            Assert.Contains("did not answer", stoppedOutput);
        }
        finally
        {
            // Kills the process tree if the worker is still running.
            worker?.Dispose();
            Directory.Delete(published, recursive: true);
        }
    }

    /// <summary>
    /// <c>dotnet publish</c> of the worker, as the Dockerfile's build stage runs it, into
    /// <paramref name="output"/>. From this test run's build (<c>--no-build</c>): the tests run on a
    /// built solution, the compile is the one the image would run, and a rebuild here would rewrite
    /// the binaries that other test classes are running at the same time.
    /// </summary>
    private async Task PublishAsync(string output)
    {
        // Tests run from tests/X/bin/{Configuration}/net10.0/; the worker was built alongside.
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var project = Path.Combine(RepositoryPaths.Root, "src", "IngestWorker", "IngestWorker.csproj");
        var (exitCode, text) = await RunAsync(
            ["dotnet", "publish", project, "-c", configuration, "-o", output, "--no-build", "--nologo", "-v", "quiet", "--disable-build-servers"],
            RepositoryPaths.Root, new Dictionary<string, string?> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" }, PublishTimeout);
        Assert.True(exitCode == 0, $"dotnet publish failed (exit {exitCode}):\n{text}");
    }

    private static async Task<string> WaitForStatusAsync(WorkerProcess worker, int port, string path)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        var last = "no answer yet";
        while (deadline.Elapsed < StartTimeout)
        {
            if (worker.HasExited)
                throw new InvalidOperationException($"The published worker exited before /{path} answered 200:\n{string.Join('\n', worker.Output)}");
            try
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{port}/{path}");
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.OK)
                    return body;
                last = $"{(int)response.StatusCode}: {body}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            catch (TaskCanceledException)
            {
                last = "no answer within 5 s";
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"/{path} did not answer 200 within {StartTimeout} (last: {last}):\n{string.Join('\n', worker.Output)}");
    }

    /// <summary>Runs a command to its end (its process tree killed after <paramref name="timeout"/>); its exit code and output.</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyList<string> command, string workingDirectory, IDictionary<string, string?> environment, TimeSpan timeout)
    {
        using var process = WorkerProcess.StartCommand(command, workingDirectory, environment);
        try
        {
            var exitCode = await process.WaitForExitAsync(timeout);
            return (exitCode, string.Join('\n', process.Output).Trim());
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"'{string.Join(' ', command)}' did not finish within {timeout}:\n{string.Join('\n', process.Output)}");
        }
    }
}

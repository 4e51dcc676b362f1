using System.Diagnostics;
using System.Net;
using System.Text.Json;
using IngestWorker.IntegrationTests.Infrastructure;

namespace IngestWorker.IntegrationTests.Dashboard;

/// <summary>Skipped, saying why, where Debian's Chromium is not installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Chromium = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Chromium))
            Skip = $"needs headless Chromium at {Chromium} (Debian: apt-get install chromium) to open the dashboard";
    }
}

/// <summary>
/// The dashboard as a person sees it: a real worker on Azurite with the dashboard on, the seed
/// articles dropped in and one of them dropped again (an exact duplicate), then headless Chromium
/// (driven by playwright-core, dashboard-check.mjs) opens the page, finds the duplicate's row,
/// clicks it and checks its decision, reason codes and kept and removed lines. The screenshot is
/// left in .local/dashboard.png.
/// </summary>
public sealed class DashboardEndToEndTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [ChromiumFact]
    public async Task A_dropped_seed_appears_on_the_dashboard_with_its_decision_and_its_kept_and_removed_lines()
    {
        var containers = new TestContainers(azurite);
        var port = HealthEndpointTests.FreePort();
        await using var worker = await TestWorker.StartAsync(containers, HealthEndpointTests.HttpSettings(port, dashboard: true));

        var seeds = Directory.GetFiles(RepositoryPaths.Seeds).Order(StringComparer.Ordinal).ToList();
        foreach (var seed in seeds)
            await containers.UploadAsync(Path.GetFileName(seed), await File.ReadAllBytesAsync(seed));
        await containers.WaitForOutcomesAsync(seeds.Count);
        // Once the original has its outcome, the same text again is rejected as its duplicate.
        var again = "again/" + Path.GetFileName(seeds[0]);
        await containers.UploadAsync(again, await File.ReadAllBytesAsync(seeds[0]));
        var outcome = await containers.WaitForOutcomeAsync(again);
        Assert.Equal("rejected", outcome.GetProperty("status").GetString());

        // The JSON the page is drawn from agrees with the outcome document.
        using (var http = new HttpClient())
        {
            // The decision is recorded with the summary line, a moment after the outcome is written.
            JsonElement? row = null;
            for (var deadline = DateTime.UtcNow.AddSeconds(10); row is null && DateTime.UtcNow < deadline; await Task.Delay(100))
            {
                var documents = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/api/documents")).RootElement;
                row = documents.EnumerateArray().Where(d => d.GetProperty("blobName").GetString() == again).Select(d => (JsonElement?)d).SingleOrDefault();
            }
            Assert.True(row is not null, again + " is not among the dashboard's documents");
            Assert.Equal(["duplicate_exact"], row.Value.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
            using var missing = await http.GetAsync($"http://127.0.0.1:{port}/api/documents/999999");
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        var screenshot = Path.Combine(RepositoryPaths.Root, ".local", "dashboard.png");
        var (exitCode, output) = await RunCheckAsync(
            "--url", $"http://127.0.0.1:{port}/", "--blob", again, "--outcome", "rejected", "--reason", "duplicate_exact",
            "--screenshot", screenshot, "--chromium", ChromiumFactAttribute.Chromium);
        Assert.True(exitCode == 0, $"dashboard-check.mjs exited with {exitCode}:\n{output}");
        Assert.True(File.Exists(screenshot), "no screenshot at " + screenshot);
    }

    private static async Task<(int ExitCode, string Output)> RunCheckAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.Root,
        };
        info.ArgumentList.Add(Path.Combine(RepositoryPaths.Root, "tests", "IngestWorker.IntegrationTests", "Dashboard", "dashboard-check.mjs"));
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start node.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("dashboard-check.mjs did not finish within 3 minutes:\n" + await stdout + await stderr);
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}

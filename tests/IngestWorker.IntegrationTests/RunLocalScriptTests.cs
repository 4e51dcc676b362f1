using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using IngestWorker.IntegrationTests.Infrastructure;

namespace IngestWorker.IntegrationTests;

/// <summary>
/// The README's first command, scripts/run-local.sh, as a newcomer runs it: on ports of its own
/// (another Azurite or run may hold 10000), with the seeds, until every dropped file has its outcome.
/// It does not build (--no-build): the test run already did, and a build now would rewrite the
/// assemblies the other tests are running.
/// </summary>
public sealed class RunLocalScriptTests
{
    [Fact]
    public async Task Run_local_on_ports_of_its_own_gets_every_seed_an_outcome_and_stops_what_it_started()
    {
        var (blob, queue, table, dashboard) = (HealthEndpointTests.FreePort(), HealthEndpointTests.FreePort(), HealthEndpointTests.FreePort(), HealthEndpointTests.FreePort());
        var runDirectory = Path.Combine(RepositoryPaths.Root, ".local", $"run-{blob}");
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.Root,
        };
        foreach (var arg in new[] { "scripts/run-local.sh", "--no-build", "--exit-when-done",
            "--blob-port", $"{blob}", "--queue-port", $"{queue}", "--table-port", $"{table}", "--dashboard-port", $"{dashboard}" })
            info.ArgumentList.Add(arg);
        // The script's own choice of storage, not a connection string this test process may have.
        info.Environment.Remove("AzureWebJobsStorage");
        try
        {
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            await process.WaitForExitAsync(cancel.Token);
            var output = await stdout + await stderr;

            Assert.True(process.ExitCode == 0, output);
            Assert.Contains($"Starting Azurite on 127.0.0.1:{blob}/{queue}/{table}", output);
            Assert.Contains($"Dashboard: http://127.0.0.1:{dashboard}/", output);
            var seeds = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "seeds")).Length;
            Assert.Contains($"All {seeds} dropped file(s) have their outcome.", output);
            // What it started, it stopped.
            Assert.False(IsListening(blob), "Azurite still listens after the script ended");
            Assert.False(IsListening(dashboard), "the worker still listens after the script ended");
        }
        finally
        {
            if (Directory.Exists(runDirectory))
                Directory.Delete(runDirectory, recursive: true);
        }
    }

    private static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

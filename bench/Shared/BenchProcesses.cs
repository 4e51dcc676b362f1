using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

// The processes the worker benches start, shared by IngestWorker.Bench and IngestWorker.MemoryBench
// (ScanBench keeps its own: it measures a worker started over an Azurite it may not own).

/// <summary>Every process the bench started and has not yet stopped, so none outlives it.</summary>
internal static class Children
{
    private static readonly List<Process> Running = [];

    public static void Track(Process process)
    {
        lock (Running)
            Running.Add(process);
    }

    public static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        lock (Running)
            Running.Remove(process);
    }

    /// <summary>
    /// Kills every child when the bench exits or gets one of <paramref name="signals"/>: workers and
    /// Azurite are processes of their own, and an interrupted or failed bench must not leave them
    /// loading a shared machine. Dispose the registrations when the bench ends.
    /// </summary>
    public static IDisposable KillOnExit(params PosixSignal[] signals)
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        var registrations = signals.Select(s => PosixSignalRegistration.Create(s, _ => KillAll())).ToList();
        return new Registrations(registrations);
    }

    private sealed class Registrations(List<PosixSignalRegistration> all) : IDisposable
    {
        public void Dispose() => all.ForEach(r => r.Dispose());
    }

    public static void KillAll()
    {
        List<Process> all;
        lock (Running)
            all = [.. Running];
        // Newest first: workers before the Azurite they would otherwise fill the log about.
        all.Reverse();
        foreach (var process in all)
            Stop(process);
    }
}

/// <summary>An in-memory Azurite on free loopback ports (blob and queue).</summary>
internal sealed class Azurite : IAsyncDisposable
{
    private readonly Process _process;

    private Azurite(Process process, string connectionString)
    {
        _process = process;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public Process Process => _process;

    /// <summary>Blob and queue services in one Node.js process, as the <c>azurite</c> command runs them.</summary>
    public static async Task<Azurite> StartAsync(string root)
    {
        var (blobPort, queuePort, tablePort) = (FreePort(), FreePort(), FreePort());
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js"),
            "--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString(CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString(CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", tablePort.ToString(CultureInfo.InvariantCulture),
            "--inMemoryPersistence", "--disableTelemetry", "--skipApiVersionCheck", "--loose",
        })
            info.ArgumentList.Add(arg);
        info.WorkingDirectory = Path.GetTempPath();
        var process = Process.Start(info)!;
        Children.Track(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        foreach (var port in new[] { blobPort, queuePort })
            await WaitForAsync(process, port);
        return new Azurite(process, "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;");
    }

    private static async Task WaitForAsync(Process process, int port)
    {
        for (var i = 0; i < 300; i++)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"Azurite exited (code {process.ExitCode}) during start-up.");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException($"Azurite was not listening on port {port} after 30 s.");
    }

    public ValueTask DisposeAsync()
    {
        Children.Stop(_process);
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Processor time of a process, as the benches compare Azurite, workers and themselves.</summary>
internal static class ProcessorTime
{
    /// <summary>Seconds of processor time (user and system, every thread) the process has used; 0 once it has exited.</summary>
    public static double Seconds(Process process)
    {
        try
        {
            process.Refresh();
            return process.TotalProcessorTime.TotalSeconds;
        }
        catch (InvalidOperationException)
        {
            return 0;
        }
    }
}

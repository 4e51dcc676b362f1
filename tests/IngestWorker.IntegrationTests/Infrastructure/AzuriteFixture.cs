using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Azure.Storage.Blobs;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace IngestWorker.IntegrationTests.Infrastructure;

/// <summary>
/// A test class's handle on the shared Azurite. Test classes run in parallel and share
/// one Azurite; each test uses containers of its own (<see cref="TestContainers"/>).
/// </summary>
public sealed class AzuriteFixture(IMessageSink diagnostics) : IAsyncLifetime
{
    public string ConnectionString => Azurite.Shared.ConnectionString;

    public BlobServiceClient BlobService => Azurite.Shared.BlobService;

    public Task InitializeAsync() => Azurite.AcquireAsync(diagnostics);

    public Task DisposeAsync() => Azurite.ReleaseAsync();
}

/// <summary>
/// A real Azurite: in memory, telemetry off, on free ports of 127.0.0.1, started by the first test
/// class that needs it and stopped when the last one is done (and, as a safety net, when the test
/// process exits). Which Azurite is chosen once per run (<see cref="AzuriteBackend"/>): Azurite's
/// image through Testcontainers where a Docker engine on this machine answers, node_modules/azurite
/// run by node where none does, or the storage in INGESTWORKER_TEST_STORAGE when that is set.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static int _users;
    private static Azurite? _shared;

    public static Azurite Shared => _shared ?? throw new InvalidOperationException("Azurite is not started.");

    public static async Task AcquireAsync(IMessageSink? diagnostics = null)
    {
        await Gate.WaitAsync();
        try
        {
            if (_users++ == 0)
            {
                var backend = AzuriteBackend.Current;
                ReportBackendOnce(backend, diagnostics);
                var azurite = new Azurite(backend.Kind, backend.DockerEndpoint);
                await azurite.StartAsync();
                _shared = azurite;
                AppDomain.CurrentDomain.ProcessExit += (_, _) => azurite.Stop();
            }
        }
        catch
        {
            _users--;
            throw;
        }
        finally
        {
            Gate.Release();
        }
    }

    public static async Task ReleaseAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (--_users == 0)
            {
                if (_shared is not null)
                    await _shared.DisposeAsync();
                _shared = null;
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    public const string ExternalStorageVariable = "INGESTWORKER_TEST_STORAGE";

    private static int _backendReported;

    /// <summary>Which Azurite the shared fixture runs, and why: the line the run reports.</summary>
    public static string Backend => AzuriteBackend.Current.Description;

    // Once per test process, on standard error and as an xunit diagnostic message: the test host's
    // standard error shows only at a detailed verbosity, while diagnostic messages (switched on in
    // xunit.runner.json) show in the plain `dotnet test` output, so scripts/test.sh's log has it.
    private static void ReportBackendOnce(AzuriteBackendChoice backend, IMessageSink? diagnostics)
    {
        if (Interlocked.Exchange(ref _backendReported, 1) != 0)
            return;
        Console.Error.WriteLine(backend.Description);
        diagnostics?.OnMessage(new DiagnosticMessage(backend.Description));
    }

    // Azurite's well-known development account; not a secret.
    private const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly StringBuilder _log = new();
    private readonly AzuriteBackendKind _backend;
    private readonly Uri? _dockerEndpoint;
    private readonly string? _location;
    private readonly LoopbackCertificate? _tls;
    private Process? _azurite;
    private AzuriteContainer? _container;
    private (int Blob, int Queue, int Table) _ports;

    // The on-disk and the OAuth Azurite are npm processes whatever the shared one is: a restart must
    // come back on the same ports with the same data (a container published on random ports gets new
    // ones when it starts again), and OAuth needs the test's certificate and key files, which a
    // process on this machine reads where they are.
    private Azurite(AzuriteBackendKind backend, Uri? dockerEndpoint = null, string? location = null, LoopbackCertificate? tls = null)
    {
        _backend = backend;
        _dockerEndpoint = dockerEndpoint;
        _location = location;
        _tls = tls;
    }

    /// <summary>True when the tests use storage of the user's own (<see cref="ExternalStorageVariable"/>), which they cannot stop or restart.</summary>
    public static bool IsExternal => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ExternalStorageVariable));

    /// <summary>
    /// An Azurite of one test's own that keeps its data in <paramref name="location"/> on disk, so
    /// it can be stopped and started again (on the same ports) without losing anything.
    /// </summary>
    public static async Task<Azurite> StartOwnAsync(string location)
    {
        if (IsExternal)
            throw new InvalidOperationException($"An Azurite of the test's own cannot be started while {ExternalStorageVariable} is set.");
        var azurite = new Azurite(AzuriteBackendKind.Npm, location: location);
        await azurite.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => azurite.Stop();
        return azurite;
    }

    /// <summary>
    /// An Azurite of one test's own, in memory, serving HTTPS with <paramref name="tls"/> and
    /// accepting OAuth bearer tokens (<c>--oauth basic</c>: issuer, audience and lifetime are checked,
    /// not the signature) beside the development account's key. Always a local process, whatever
    /// <see cref="ExternalStorageVariable"/> says: no other storage can be trusted to take the test's tokens.
    /// </summary>
    public static async Task<Azurite> StartWithOAuthAsync(LoopbackCertificate tls)
    {
        var azurite = new Azurite(AzuriteBackendKind.Npm, tls: tls);
        await azurite.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => azurite.Stop();
        return azurite;
    }

    /// <summary>
    /// An Azurite of one test's own in a container, through Testcontainers, whatever the shared
    /// Azurite is. Throws, saying why, where no Docker engine on this machine answers.
    /// </summary>
    public static async Task<Azurite> StartInDockerAsync()
    {
        var engine = DockerEngine.Local;
        if (!engine.Answers)
            throw new InvalidOperationException("Azurite cannot run in Docker here: " + engine.Reason);
        var azurite = new Azurite(AzuriteBackendKind.Docker, engine.Endpoint);
        await azurite.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => azurite.Stop();
        return azurite;
    }

    /// <summary>
    /// Stops Azurite as a service restart would (SIGTERM: it closes its servers and saves its data)
    /// and, after <paramref name="downtime"/>, starts it again on the same ports and data. A SIGKILL
    /// would test Azurite's own durability rather than the worker: its on-disk store saves
    /// periodically, so it could forget writes it had acknowledged, which Azure Storage never does.
    /// </summary>
    public async Task RestartAsync(TimeSpan downtime)
    {
        if (_backend != AzuriteBackendKind.Npm || _location is null)
            throw new InvalidOperationException("Only an Azurite of a test's own on disk (StartOwnAsync) can be restarted.");
        if (_azurite is { HasExited: false } running)
        {
            Process.Start("kill", ["-TERM", running.Id.ToString()])!.WaitForExit();
            if (!running.WaitForExit(15_000))
                throw new TimeoutException("Azurite did not stop within 15 s of SIGTERM:\n" + Log());
        }
        await Task.Delay(downtime);
        _azurite = StartAzurite(_ports.Blob, _ports.Queue, _ports.Table);
        await WaitUntilListeningAsync(_ports.Blob);
        await WaitUntilListeningAsync(_ports.Queue);
    }

    public async ValueTask DisposeAsync()
    {
        if (_container is { } container)
        {
            _container = null;
            await container.DisposeAsync();
        }
        Stop();
    }

    public string ConnectionString { get; private set; } = "";

    /// <summary>The blob endpoint, for identity-based connections that name it.</summary>
    public Uri BlobEndpoint => BlobService.Uri;

    /// <summary>The queue endpoint (same host and account, the queue port).</summary>
    public Uri QueueEndpoint => new UriBuilder(BlobService.Uri) { Port = _ports.Queue }.Uri;

    /// <summary>Client options for the test's own clients: with TLS, they trust the test's certificate alone.</summary>
    public static T ClientOptions<T>(LoopbackCertificate? tls, T options) where T : Azure.Core.ClientOptions
    {
        if (tls is not null)
            options.Transport = new Azure.Core.Pipeline.HttpClientTransport(new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, certificate, _, errors) => tls.Trusts(certificate, errors),
            });
        return options;
    }

    private static BlobClientOptions ClientOptions(LoopbackCertificate? tls) => ClientOptions(tls, new BlobClientOptions());

    public BlobServiceClient BlobService { get; private set; } = null!;

    private async Task StartAsync()
    {
        if (_backend == AzuriteBackendKind.External)
        {
            ConnectionString = Environment.GetEnvironmentVariable(ExternalStorageVariable)!;
        }
        else
        {
            if (_backend == AzuriteBackendKind.Docker)
            {
                _ports = await StartContainerAsync();
            }
            else
            {
                _ports = (FreePort(), FreePort(), FreePort());
                _azurite = StartAzurite(_ports.Blob, _ports.Queue, _ports.Table);
            }
            await WaitUntilListeningAsync(_ports.Blob);
            var scheme = _tls is null ? "http" : "https";
            ConnectionString =
                $"DefaultEndpointsProtocol={scheme};AccountName=devstoreaccount1;AccountKey={DevAccountKey};" +
                $"BlobEndpoint={scheme}://127.0.0.1:{_ports.Blob}/devstoreaccount1;" +
                $"QueueEndpoint={scheme}://127.0.0.1:{_ports.Queue}/devstoreaccount1;" +
                $"TableEndpoint={scheme}://127.0.0.1:{_ports.Table}/devstoreaccount1;";
        }
        BlobService = new BlobServiceClient(ConnectionString, ClientOptions(_tls));
    }

    private async Task<(int Blob, int Queue, int Table)> StartContainerAsync()
    {
        _container = await AzuriteContainer.StartAsync(_dockerEndpoint ?? throw new InvalidOperationException("No Docker endpoint was chosen."));
        return _container.Ports;
    }

    private void Stop()
    {
        // The safety net at process exit: bounded, as Ryuk removes a container that is left behind.
        if (_container is { } container)
        {
            _container = null;
            container.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        }
        try
        {
            if (_azurite is { HasExited: false })
            {
                _azurite.Kill(entireProcessTree: true);
                _azurite.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private Process StartAzurite(int blobPort, int queuePort, int tablePort)
    {
        var script = Path.Combine(RepositoryPaths.Root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
            throw new InvalidOperationException($"Azurite is not installed ({script} is missing). Run `npm ci` in {RepositoryPaths.Root}, or use scripts/test.sh, which does.");
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in new[]
        {
            script,
            "--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString(),
            "--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString(),
            "--tableHost", "127.0.0.1", "--tablePort", tablePort.ToString(),
            "--disableTelemetry", "--skipApiVersionCheck", "--loose",
        })
            info.ArgumentList.Add(arg);
        if (_tls is not null)
            foreach (var arg in new[] { "--oauth", "basic", "--cert", _tls.CertificatePath, "--key", _tls.KeyPath })
                info.ArgumentList.Add(arg);
        if (_location is null)
        {
            info.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            info.ArgumentList.Add("--location");
            info.ArgumentList.Add(_location);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitUntilListeningAsync(int port)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (_azurite is { HasExited: true })
                throw new InvalidOperationException("Azurite exited during start-up:\n" + Log());
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
        throw new TimeoutException("Azurite did not start listening within 30 s:\n" + await LogAsync());
    }

    private string Log()
    {
        lock (_log)
            return _log.ToString();
    }

    private async Task<string> LogAsync() => _container is { } container ? await container.LogsAsync() : Log();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

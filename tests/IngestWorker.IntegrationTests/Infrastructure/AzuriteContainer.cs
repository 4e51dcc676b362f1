using System.Runtime.CompilerServices;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;

namespace IngestWorker.IntegrationTests.Infrastructure;

/// <summary>
/// Azurite's image in a container, through Testcontainers: the same flags as the npm process (in
/// memory, telemetry off, any API version, loose), its three ports published on random ports of
/// 127.0.0.1 only. This is the only code that touches Testcontainers, and it runs only once a Docker
/// engine on this machine has answered (<see cref="DockerEngine"/>): on the npm path none of it runs.
/// Testcontainers' resource reaper (Ryuk) stays as Testcontainers configures it, on unless
/// TESTCONTAINERS_RYUK_DISABLED says otherwise, so a test process that dies leaves no container
/// behind; a normal run removes its container itself.
/// </summary>
public sealed class AzuriteContainer : IAsyncDisposable
{
    private const int BlobPort = 10000, QueuePort = 10001, TablePort = 10002;

    // Image pulls happen inside the start; a first run on a fresh machine downloads the image.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);

    private readonly IContainer _container;

    private AzuriteContainer(IContainer container) => _container = container;

    public (int Blob, int Queue, int Table) Ports => (
        _container.GetMappedPublicPort(BlobPort),
        _container.GetMappedPublicPort(QueuePort),
        _container.GetMappedPublicPort(TablePort));

    // Not inlined, so that a caller's method never carries Testcontainers code into the npm path.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<AzuriteContainer> StartAsync(Uri dockerEndpoint)
    {
        var container = new ContainerBuilder(AzuriteImage.Name)
            // The endpoint that answered the check, not Testcontainers' own pick, which may differ.
            .WithDockerEndpoint(dockerEndpoint)
            .WithCommand(
                "azurite",
                "--blobHost", "0.0.0.0", "--queueHost", "0.0.0.0", "--tableHost", "0.0.0.0",
                "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--disableTelemetry")
            .WithPortBinding(BlobPort, assignRandomHostPort: true)
            .WithPortBinding(QueuePort, assignRandomHostPort: true)
            .WithPortBinding(TablePort, assignRandomHostPort: true)
            // Testcontainers publishes on every host address; the tests' storage stays on loopback.
            .WithCreateParameterModifier(parameters =>
            {
                foreach (var bindings in parameters.HostConfig?.PortBindings?.Values ?? [])
                    foreach (var binding in bindings)
                        binding.HostIP = "127.0.0.1";
            })
            .WithWaitStrategy(Wait.ForUnixContainer()
                .UntilMessageIsLogged("Azurite Blob service is successfully listening")
                .UntilMessageIsLogged("Azurite Queue service is successfully listening"))
            .Build();
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            await container.StartAsync(timeout.Token);
        }
        catch
        {
            await container.DisposeAsync();
            throw;
        }
        return new AzuriteContainer(container);
    }

    /// <summary>Azurite's own output, for a failure message.</summary>
    public async Task<string> LogsAsync()
    {
        var (stdout, stderr) = await _container.GetLogsAsync(timestampsEnabled: false);
        return stdout + stderr;
    }

    public ValueTask DisposeAsync() => _container.DisposeAsync();
}

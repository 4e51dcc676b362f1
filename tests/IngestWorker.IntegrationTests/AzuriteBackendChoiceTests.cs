using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using IngestWorker.IntegrationTests.Infrastructure;

namespace IngestWorker.IntegrationTests;

/// <summary>
/// How the integration tests choose their Azurite: the rules alone, given the environment's values
/// and whether an engine answers (no Docker needed), and the ping against stand-in engines on this
/// machine.
/// </summary>
public sealed class AzuriteBackendChoiceTests
{
    private static readonly DockerEngineCheck Answering = new(true, new Uri("unix:///var/run/docker.sock"), "unix:///var/run/docker.sock (the default socket) answered /_ping");
    private static readonly DockerEngineCheck Silent = DockerEngineCheck.Absent("DOCKER_HOST is unset and /var/run/docker.sock does not exist");

    private static DockerEngineCheck MustNotAsk() => throw new InvalidOperationException("The engine was looked for although the choice did not depend on it.");

    [Fact]
    public void External_storage_wins_and_no_engine_is_looked_for()
    {
        var choice = AzuriteBackend.Choose("UseDevelopmentStorage=true", "docker", MustNotAsk);

        Assert.Equal(AzuriteBackendKind.External, choice.Kind);
        Assert.Equal("INGESTWORKER_TEST_STORAGE is set; INGESTWORKER_TEST_AZURITE=docker does not apply", choice.Reason);
        Assert.StartsWith("Azurite backend: external storage", choice.Description);
    }

    [Fact]
    public void A_forced_npm_never_looks_for_an_engine()
    {
        var choice = AzuriteBackend.Choose(null, "npm", MustNotAsk);

        Assert.Equal(AzuriteBackendKind.Npm, choice.Kind);
        Assert.Equal("INGESTWORKER_TEST_AZURITE=npm", choice.Reason);
        Assert.Equal("Azurite backend: npm, node_modules/azurite run by node (INGESTWORKER_TEST_AZURITE=npm)", choice.Description);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("docker")]
    [InlineData(" Docker ")]
    public void An_answering_engine_is_used_unless_npm_is_forced(string? force)
    {
        var choice = AzuriteBackend.Choose(null, force, () => Answering);

        Assert.Equal(AzuriteBackendKind.Docker, choice.Kind);
        Assert.Equal(Answering.Endpoint, choice.DockerEndpoint);
        Assert.EndsWith("unix:///var/run/docker.sock (the default socket) answered /_ping", choice.Reason);
        Assert.Contains("through Testcontainers", choice.Description);
    }

    [Fact]
    public void Without_an_engine_the_tests_run_npm_azurite_and_say_why()
    {
        var choice = AzuriteBackend.Choose(null, null, () => Silent);

        Assert.Equal(AzuriteBackendKind.Npm, choice.Kind);
        Assert.Null(choice.DockerEndpoint);
        Assert.Equal("no Docker engine: DOCKER_HOST is unset and /var/run/docker.sock does not exist", choice.Reason);
    }

    [Fact]
    public void A_forced_docker_without_an_engine_fails_saying_why()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => AzuriteBackend.Choose(null, "docker", () => Silent));

        Assert.Equal("INGESTWORKER_TEST_AZURITE=docker, but no Docker engine answers: DOCKER_HOST is unset and /var/run/docker.sock does not exist.", failure.Message);
    }

    [Fact]
    public void A_value_that_is_not_understood_fails_naming_the_choices()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => AzuriteBackend.Choose(null, "podman", MustNotAsk));

        Assert.Contains("INGESTWORKER_TEST_AZURITE=podman is not understood: use npm or docker", failure.Message);
    }

    [Fact]
    public void The_docker_test_is_skipped_with_the_reason_unless_docker_is_forced()
    {
        Assert.Equal(
            "needs a Docker engine on this machine to run Azurite through Testcontainers: DOCKER_HOST is unset and /var/run/docker.sock does not exist",
            AzuriteBackend.DockerUnavailableReason(null, () => Silent));
        Assert.Equal("INGESTWORKER_TEST_AZURITE=npm keeps the tests off Docker", AzuriteBackend.DockerUnavailableReason("npm", MustNotAsk));
        Assert.Null(AzuriteBackend.DockerUnavailableReason(null, () => Answering));
        // Forced, it runs and fails rather than hiding the missing engine behind a skip.
        Assert.Null(AzuriteBackend.DockerUnavailableReason("docker", MustNotAsk));
    }

    [Fact]
    public void The_image_tag_is_the_azurite_version_package_json_pins()
    {
        Assert.Equal("3.37.0", AzuriteImage.Tag("""{ "devDependencies": { "azurite": "3.37.0" } }"""));
        var range = Assert.Throws<InvalidOperationException>(() => AzuriteImage.Tag("""{ "devDependencies": { "azurite": "^3.37.0" } }"""));
        Assert.Contains("pin an exact version", range.Message);
        var pinned = AzuriteImage.Tag(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "package.json")));
        Assert.Equal("mcr.microsoft.com/azure-storage/azurite:" + pinned, AzuriteImage.Name);
    }

    [Fact]
    public void No_setting_and_no_socket_means_no_engine()
    {
        var (endpoint, _, refusal) = DockerEngine.Locate(new DockerSettings());

        Assert.Null(endpoint);
        Assert.Equal("DOCKER_HOST is unset and /var/run/docker.sock does not exist", refusal);
    }

    [Theory]
    [InlineData(null, "unix:///var/run/docker.sock")]
    [InlineData("unix:///run/user/1000/docker.sock", "unix:///run/user/1000/docker.sock")]
    [InlineData("tcp://127.0.0.1:2375", "tcp://127.0.0.1:2375")]
    [InlineData("tcp://localhost:2375", "tcp://localhost:2375")]
    [InlineData("tcp://[::1]:2375", "tcp://[::1]:2375")]
    public void An_engine_on_this_machine_is_asked(string? dockerHost, string expected)
    {
        var (endpoint, _, refusal) = DockerEngine.Locate(new DockerSettings(DockerHost: dockerHost, DefaultSocketExists: true));

        Assert.Null(refusal);
        Assert.Equal(new Uri(expected), endpoint);
    }

    [Theory]
    [InlineData("tcp://10.0.0.5:2375", "DOCKER_HOST is tcp://10.0.0.5:2375: not a loopback address")]
    [InlineData("tcp://docker.example:2376", "DOCKER_HOST is tcp://docker.example:2376: not a loopback address")]
    [InlineData("ssh://builder@203.0.113.7", "DOCKER_HOST is ssh://builder@203.0.113.7: the ssh:// scheme, which the tests do not use")]
    [InlineData("npipe:////./pipe/docker_engine", "DOCKER_HOST is npipe:////./pipe/docker_engine: the npipe:// scheme, which the tests do not use")]
    public void An_engine_on_another_machine_is_never_asked(string dockerHost, string reason)
    {
        var check = DockerEngine.Check(
            new DockerSettings(DockerHost: dockerHost, DefaultSocketExists: true),
            _ => throw new InvalidOperationException("An engine on another machine was pinged."));

        Assert.False(check.Answers);
        Assert.Equal(reason + "; the tests reach only this machine", check.Reason);
    }

    [Fact]
    public void Every_endpoint_that_testcontainers_would_try_must_be_on_this_machine()
    {
        // Testcontainers' own discovery tries tc.host first when any of its code runs, so a remote
        // one rules Docker out even though DOCKER_HOST is local.
        var (endpoint, _, refusal) = DockerEngine.Locate(new DockerSettings(
            DockerHost: "unix:///var/run/docker.sock", TestcontainersHost: "tcp://192.168.1.20:2375"));

        Assert.Null(endpoint);
        Assert.Equal("tc.host in ~/.testcontainers.properties is tcp://192.168.1.20:2375: not a loopback address; the tests reach only this machine", refusal);
    }

    [Fact]
    public void A_docker_context_is_followed_only_to_this_machine_and_only_when_no_host_is_named()
    {
        var remote = new DockerSettings(ContextName: "build-farm", ContextHost: "ssh://farm.example", DefaultSocketExists: true);
        Assert.Equal(
            "the Docker context 'build-farm' is ssh://farm.example: the ssh:// scheme, which the tests do not use; the tests reach only this machine",
            DockerEngine.Locate(remote).Refusal);
        Assert.Equal(new Uri("unix:///var/run/docker.sock"), DockerEngine.Locate(remote with { DockerHost = "unix:///var/run/docker.sock" }).Endpoint);

        var desktop = new DockerSettings(ContextName: "desktop-linux", ContextHost: "unix:///home/dev/.docker/desktop/docker.sock");
        Assert.Equal(new Uri("unix:///home/dev/.docker/desktop/docker.sock"), DockerEngine.Locate(desktop).Endpoint);

        Assert.Equal(
            "the Docker context 'gone' is selected but its endpoint could not be read",
            DockerEngine.Locate(new DockerSettings(ContextName: "gone")).Refusal);
    }

    [Fact]
    public void An_engine_that_does_not_answer_the_ping_is_not_used()
    {
        var check = DockerEngine.Check(new DockerSettings(DefaultSocketExists: true), _ => "Connection refused");

        Assert.False(check.Answers);
        Assert.Null(check.Endpoint);
        Assert.Equal("unix:///var/run/docker.sock (the default socket) did not answer /_ping: Connection refused", check.Reason);
    }

    [Fact]
    public async Task The_ping_reaches_an_engine_on_a_unix_socket()
    {
        var path = Path.Combine(Path.GetTempPath(), $"iw-docker-{Guid.NewGuid():N}.sock");
        using var engine = StandInEngine.Listen(new UnixDomainSocketEndPoint(path), AddressFamily.Unix, "OK");
        try
        {
            Assert.Null(await DockerEngine.PingAsync(new Uri("unix://" + path)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task The_ping_reaches_an_engine_on_loopback_tcp_and_refuses_a_wrong_answer()
    {
        using var engine = StandInEngine.Listen(new IPEndPoint(IPAddress.Loopback, 0), AddressFamily.InterNetwork, "OK");
        Assert.Null(await DockerEngine.PingAsync(new Uri($"tcp://localhost:{engine.Port}")));

        using var impostor = StandInEngine.Listen(new IPEndPoint(IPAddress.Loopback, 0), AddressFamily.InterNetwork, "hello");
        Assert.Equal("HTTP 200 hello", await DockerEngine.PingAsync(new Uri($"tcp://127.0.0.1:{impostor.Port}")));
    }

    [Fact]
    public async Task The_ping_gives_up_on_a_silent_engine_within_its_limit()
    {
        using var silent = StandInEngine.Listen(new IPEndPoint(IPAddress.Loopback, 0), AddressFamily.InterNetwork, answer: null);
        var clock = Stopwatch.StartNew();

        Assert.Equal("no answer within 2 s", await DockerEngine.PingAsync(new Uri($"tcp://127.0.0.1:{silent.Port}")));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_ping_to_a_missing_socket_fails_at_once()
    {
        var clock = Stopwatch.StartNew();

        var path = $"/tmp/iw-no-docker-{Guid.NewGuid():N}.sock";

        var failure = await DockerEngine.PingAsync(new Uri("unix://" + path));

        Assert.Equal(path + " does not exist", failure);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1.5));
    }

    /// <summary>A socket that answers each request with <c>200</c> and a body, or never answers; enough of an engine for /_ping.</summary>
    private sealed class StandInEngine : IDisposable
    {
        private readonly Socket _listener;
        private readonly CancellationTokenSource _stop = new();

        private StandInEngine(Socket listener, string? answer)
        {
            _listener = listener;
            _ = Task.Run(() => ServeAsync(answer));
        }

        public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

        public static StandInEngine Listen(EndPoint endPoint, AddressFamily family, string? answer)
        {
            var listener = new Socket(family, SocketType.Stream, family == AddressFamily.Unix ? ProtocolType.Unspecified : ProtocolType.Tcp);
            listener.Bind(endPoint);
            listener.Listen();
            return new StandInEngine(listener, answer);
        }

        private async Task ServeAsync(string? answer)
        {
            var held = new List<Socket>();
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var client = await _listener.AcceptAsync(_stop.Token);
                    held.Add(client);
                    if (answer is null)
                        continue;
                    var buffer = new byte[4096];
                    await client.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    var response = $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {answer.Length}\r\nConnection: close\r\n\r\n{answer}";
                    await client.SendAsync(Encoding.ASCII.GetBytes(response), SocketFlags.None, _stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Stopped.
            }
            finally
            {
                foreach (var client in held)
                    client.Dispose();
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Dispose();
        }
    }
}

using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace IngestWorker.IntegrationTests.Infrastructure;

/// <summary>What the cheap look for a Docker engine found: where it looked, and whether it answered.</summary>
public sealed record DockerEngineCheck(bool Answers, Uri? Endpoint, string Reason)
{
    public static DockerEngineCheck Absent(string reason) => new(false, null, reason);
}

/// <summary>
/// Every setting that says where a Docker engine is, as Docker's client and Testcontainers' own
/// discovery read them. Testcontainers tries each one that is set (in its own order) the moment any
/// of its code runs, so the tests use Docker only when every one of them names this machine.
/// </summary>
public sealed record DockerSettings(
    string? DockerHost = null,
    string? TestcontainersHost = null,
    string? PropertiesDockerHost = null,
    string? ContextName = null,
    string? ContextHost = null,
    bool DefaultSocketExists = false)
{
    public const string DefaultSocket = "/var/run/docker.sock";

    /// <summary>Reads the environment and the files in the user's home; looks at no network.</summary>
    public static DockerSettings FromMachine()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var properties = ReadProperties(Path.Combine(home, ".testcontainers.properties"));
        var dockerConfig = NonEmpty(Environment.GetEnvironmentVariable("DOCKER_CONFIG"))
            ?? properties.GetValueOrDefault("docker.config")
            ?? Path.Combine(home, ".docker");
        var context = NonEmpty(Environment.GetEnvironmentVariable("DOCKER_CONTEXT"))
            ?? properties.GetValueOrDefault("docker.context")
            ?? CurrentContext(dockerConfig);
        if (context == "default")
            context = null;
        return new DockerSettings(
            DockerHost: NonEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST")),
            TestcontainersHost: properties.GetValueOrDefault("tc.host"),
            PropertiesDockerHost: properties.GetValueOrDefault("docker.host"),
            ContextName: context,
            ContextHost: context is null ? null : ContextEndpoint(dockerConfig, context),
            DefaultSocketExists: File.Exists(DefaultSocket));
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static Dictionary<string, string> ReadProperties(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
            return values;
        foreach (var line in File.ReadLines(path))
        {
            var trimmed = line.Trim();
            var equals = trimmed.IndexOf('=');
            if (trimmed.StartsWith('#') || equals <= 0)
                continue;
            if (NonEmpty(trimmed[(equals + 1)..]) is { } value)
                values[trimmed[..equals].Trim()] = value;
        }
        return values;
    }

    private static string? CurrentContext(string dockerConfig)
    {
        try
        {
            using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(dockerConfig, "config.json")));
            return config.RootElement.TryGetProperty("currentContext", out var current) && current.ValueKind == JsonValueKind.String
                ? NonEmpty(current.GetString())
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    // Docker's client keeps a context's endpoint in contexts/meta/<sha256 of its name>/meta.json.
    private static string? ContextEndpoint(string dockerConfig, string context)
    {
        var folder = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(context)));
        try
        {
            using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(dockerConfig, "contexts", "meta", folder, "meta.json")));
            return meta.RootElement.TryGetProperty("Endpoints", out var endpoints)
                && endpoints.TryGetProperty("docker", out var docker)
                && docker.TryGetProperty("Host", out var host)
                && host.ValueKind == JsonValueKind.String
                ? NonEmpty(host.GetString())
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// Finds the Docker engine on this machine without hanging and without reaching any other: a Unix
/// socket, or a TCP endpoint on the loopback address, asked <c>GET /_ping</c> with a 2-second limit.
/// A setting that names another machine (a tcp:// host that is not loopback, ssh://) is not used,
/// and the reason says which setting it was.
/// </summary>
public static class DockerEngine
{
    public static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(2);

    private static readonly Lazy<DockerEngineCheck> OnThisMachine = new(
        () => Check(DockerSettings.FromMachine(), endpoint => Task.Run(() => PingAsync(endpoint)).GetAwaiter().GetResult()));

    /// <summary>The engine of this machine, looked for once per test process.</summary>
    public static DockerEngineCheck Local => OnThisMachine.Value;

    /// <summary>
    /// Which endpoint to ask, or why none: the first one set of tc.host, DOCKER_HOST, docker.host
    /// and (when no host is named) the Docker context, else the default socket if it exists.
    /// </summary>
    public static (Uri? Endpoint, string Source, string? Refusal) Locate(DockerSettings settings)
    {
        var configured = new List<(string Source, string Value)>();
        if (settings.TestcontainersHost is { } tcHost)
            configured.Add(("tc.host in ~/.testcontainers.properties", tcHost));
        if (settings.DockerHost is { } dockerHost)
            configured.Add(("DOCKER_HOST", dockerHost));
        if (settings.PropertiesDockerHost is { } propertiesHost)
            configured.Add(("docker.host in ~/.testcontainers.properties", propertiesHost));
        // As for Docker's own client, a host named outright wins over the selected context.
        if (configured.Count == 0 && settings.ContextName is { } context)
        {
            if (settings.ContextHost is null)
                return (null, "", $"the Docker context '{context}' is selected but its endpoint could not be read");
            configured.Add(($"the Docker context '{context}'", settings.ContextHost));
        }

        foreach (var (source, value) in configured)
        {
            if (OnThisMachineOnly(value) is { } refusal)
                return (null, source, $"{source} is {value}: {refusal}; the tests reach only this machine");
        }
        if (configured.Count > 0)
            return (new Uri(configured[0].Value), configured[0].Source, null);
        if (settings.DefaultSocketExists)
            return (new Uri("unix://" + DockerSettings.DefaultSocket), "the default socket", null);
        return (null, "", $"DOCKER_HOST is unset and {DockerSettings.DefaultSocket} does not exist");
    }

    /// <summary>The whole check with the ping passed in, so that the rules can be tested without an engine.</summary>
    public static DockerEngineCheck Check(DockerSettings settings, Func<Uri, string?> ping)
    {
        var (endpoint, source, refusal) = Locate(settings);
        if (endpoint is null)
            return DockerEngineCheck.Absent(refusal!);
        return ping(endpoint) is { } failure
            ? DockerEngineCheck.Absent($"{endpoint} ({source}) did not answer /_ping: {failure}")
            : new DockerEngineCheck(true, endpoint, $"{endpoint} ({source}) answered /_ping");
    }

    /// <summary>Null when the endpoint is on this machine; otherwise why it is not used.</summary>
    public static string? OnThisMachineOnly(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri))
            return "not an address";
        return uri.Scheme switch
        {
            "unix" => null,
            "tcp" or "http" when IsLoopback(uri.Host) => null,
            "tcp" or "http" => "not a loopback address",
            _ => $"the {uri.Scheme}:// scheme, which the tests do not use",
        };
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    /// <summary>Asks the engine for <c>/_ping</c>; null when it answered OK, otherwise what went wrong.</summary>
    public static async Task<string?> PingAsync(Uri endpoint)
    {
        if (endpoint.Scheme == "unix" && !File.Exists(Uri.UnescapeDataString(endpoint.AbsolutePath)))
            return $"{Uri.UnescapeDataString(endpoint.AbsolutePath)} does not exist";
        using var timeout = new CancellationTokenSource(PingTimeout);
        using var handler = new SocketsHttpHandler
        {
            // A proxy from the environment would be another machine to talk to.
            UseProxy = false,
            // The socket is opened here, to the Unix path or the loopback address itself, so that no
            // host name is ever resolved and no other machine can be reached.
            ConnectCallback = async (_, cancellationToken) =>
            {
                var (endPoint, family, protocol) = endpoint.Scheme == "unix"
                    ? ((EndPoint)new UnixDomainSocketEndPoint(Uri.UnescapeDataString(endpoint.AbsolutePath)), AddressFamily.Unix, ProtocolType.Unspecified)
                    : (LoopbackEndPoint(endpoint), AddressFamily.InterNetwork, ProtocolType.Tcp);
                if (endPoint is IPEndPoint ip)
                    family = ip.AddressFamily;
                var socket = new Socket(family, SocketType.Stream, protocol);
                try
                {
                    await socket.ConnectAsync(endPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        using var client = new HttpClient(handler) { Timeout = PingTimeout };
        try
        {
            using var response = await client.GetAsync("http://docker/_ping", timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            return response.IsSuccessStatusCode && body.Trim() == "OK" ? null : $"HTTP {(int)response.StatusCode} {body.Trim()}";
        }
        catch (OperationCanceledException)
        {
            return $"no answer within {PingTimeout.TotalSeconds:0} s";
        }
        catch (HttpRequestException e)
        {
            return e.InnerException?.Message ?? e.Message;
        }
    }

    private static IPEndPoint LoopbackEndPoint(Uri endpoint)
    {
        var address = IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var literal) && IPAddress.IsLoopback(literal)
            ? literal
            : IPAddress.Loopback;
        return new IPEndPoint(address, endpoint.IsDefaultPort || endpoint.Port <= 0 ? 2375 : endpoint.Port);
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace IngestWorker.IntegrationTests.Infrastructure;

/// <summary>
/// The managed-identity token endpoint that Container Apps and App Service name in
/// <c>IDENTITY_ENDPOINT</c> / <c>IDENTITY_HEADER</c>, served on loopback. It answers with a JWT that
/// Azurite's <c>--oauth basic</c> accepts (Azurite checks issuer, audience and lifetime, not the
/// signature), and records every request so a test can see who asked for which resource.
/// </summary>
public sealed class LoopbackTokenEndpoint : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;

    public LoopbackTokenEndpoint()
    {
        var port = FreePort();
        Endpoint = $"http://127.0.0.1:{port}/msi/token";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public string Endpoint { get; }

    /// <summary>The secret the host puts in IDENTITY_HEADER; a request without it is refused, as Azure refuses it.</summary>
    public string Header { get; } = Guid.NewGuid().ToString("N");

    /// <summary>When false, every request is refused with 400 (an identity not assigned to this host).</summary>
    public bool Grants { get; set; } = true;

    public ConcurrentQueue<TokenRequest> Requests { get; } = new();

    /// <summary>The environment a managed-identity credential reads, pointing at this endpoint.</summary>
    public IReadOnlyDictionary<string, string?> IdentitySettings => new Dictionary<string, string?>
    {
        ["IDENTITY_ENDPOINT"] = Endpoint,
        ["IDENTITY_HEADER"] = Header,
    };

    public sealed record TokenRequest(string? Resource, string? ClientId, bool HadHeader);

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            var query = context.Request.QueryString;
            var hadHeader = context.Request.Headers["X-IDENTITY-HEADER"] == Header;
            Requests.Enqueue(new TokenRequest(query["resource"], query["client_id"], hadHeader));
            var (status, body) = hadHeader && Grants
                ? (200, TokenResponse(query["resource"] ?? "https://storage.azure.com", query["client_id"]))
                : (400, """{"statusCode":400,"message":"No managed identity is assigned to this host with that client id."}""");
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes(body);
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private static string TokenResponse(string resource, string? clientId)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var expires = now + 3600;
        var claims = new Dictionary<string, object>
        {
            ["aud"] = resource.TrimEnd('/'),
            ["iss"] = "https://sts.windows.net/00000000-0000-0000-0000-000000000001/",
            ["nbf"] = now - 60,
            ["iat"] = now - 60,
            ["exp"] = expires,
            ["oid"] = "00000000-0000-0000-0000-000000000002",
            ["tid"] = "00000000-0000-0000-0000-000000000001",
            ["appid"] = clientId ?? "00000000-0000-0000-0000-000000000003",
        };
        var token = $"{Base64Url("""{"alg":"RS256","typ":"JWT"}""")}.{Base64Url(JsonSerializer.Serialize(claims))}.{Base64Url("not-checked-by-azurite")}";
        return JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["access_token"] = token,
            ["expires_on"] = expires.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["resource"] = resource,
            ["token_type"] = "Bearer",
            ["client_id"] = clientId ?? "00000000-0000-0000-0000-000000000003",
        });
    }

    private static string Base64Url(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
    }
}

using System.Net;
using Microsoft.AspNetCore.Http;

namespace IngestWorker.Http;

/// <summary>
/// Answers only requests addressed to the server by its loopback name. A web page the user opens
/// can point a host name of its own at 127.0.0.1 (DNS rebinding) and so get past the browser's
/// same-origin rule; its requests then still carry that host name in <c>Host</c>, which is what
/// gives them away. Accepted: the address the server listens on and <c>localhost</c>, each with the
/// port (which a client leaves out only for port 80). Everything else, and a request without
/// <c>Host</c>, is refused with 421 Misdirected Request.
/// </summary>
/// <remarks>
/// Only a server on a loopback address is checked (<see cref="For"/> gives null otherwise). On
/// <c>0.0.0.0</c> the server is there for a platform's probes, and those name the pod's own IP
/// (Kubernetes' kubelet, and so Container Apps, send <c>Host: &lt;pod IP&gt;:&lt;port&gt;</c>),
/// which the worker cannot know in advance; the dashboard is refused on such an address anyway,
/// and what the probes answer can be read over the network directly, so a rebinding page would
/// gain nothing.
/// </remarks>
public sealed class HostHeaderFilter
{
    private readonly HashSet<string> _allowed;

    private HostHeaderFilter(IEnumerable<string> allowed) => _allowed = new(allowed, StringComparer.OrdinalIgnoreCase);

    /// <summary>The hosts accepted, as a client writes them (e.g. <c>127.0.0.1:8080</c>).</summary>
    public IReadOnlyCollection<string> Allowed => _allowed;

    /// <summary>The filter for a server listening on <paramref name="address"/>:<paramref name="port"/>; null when it is not a loopback address.</summary>
    public static HostHeaderFilter? For(IPAddress address, int port)
    {
        if (!IPAddress.IsLoopback(address))
            return null;
        var literal = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        var names = new[] { literal, "localhost" };
        var allowed = names.Select(n => $"{n}:{port}");
        // A client leaves the default port out of Host.
        if (port == 80)
            allowed = allowed.Concat(names);
        return new HostHeaderFilter(allowed);
    }

    public bool IsAllowed(string? host) => !string.IsNullOrEmpty(host) && _allowed.Contains(host);

    /// <summary>Refuses the request unless <see cref="IsAllowed"/>; runs before every endpoint, health ones included.</summary>
    public async Task FilterAsync(HttpContext context, RequestDelegate next)
    {
        if (IsAllowed(context.Request.Headers.Host.ToString()))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        // The refused Host is not echoed: the answer goes to whatever page sent it.
        var body = System.Text.Encoding.UTF8.GetBytes($"This server answers only to Host {string.Join(" or ", _allowed)}.\n");
        context.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = body.Length;
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}

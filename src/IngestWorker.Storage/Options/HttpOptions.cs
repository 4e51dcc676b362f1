using System.Net;

namespace IngestWorker.Options;

/// <summary>
/// <c>ingestWorker:http</c>: the worker's own small HTTP server for health probes and, on a
/// developer's machine, the dashboard. Off unless enabled, so a production worker opens no port it
/// was not asked to.
/// </summary>
public sealed class HttpOptions
{
    public const string Section = IngestWorkerOptions.Section + ":http";

    /// <summary>Serve <c>/healthz/live</c> and <c>/healthz/ready</c>.</summary>
    public bool Enabled { get; set; }

    /// <summary>The server runs for health, and for the dashboard, which needs no second switch.</summary>
    public bool ServerEnabled => Enabled || Dashboard;

    public int Port { get; set; } = 8080;

    /// <summary>
    /// The address to listen on. Loopback by default; a container platform's probes come from
    /// outside the container, so there it is set to <c>0.0.0.0</c> (the dashboard then stays off).
    /// </summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>Also serve the dashboard (<c>/</c>) and its JSON (<c>/api/*</c>); loopback addresses only.</summary>
    public bool Dashboard { get; set; }

    /// <summary>Documents the dashboard keeps in memory, newest first, with their decisions and lines.</summary>
    public int RecentDocuments { get; set; } = 200;

    /// <summary>How often readiness asks storage whether it answers; probes read the cached answer.</summary>
    public TimeSpan StorageCheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsLoopback => IPAddress.TryParse(Address, out var ip) && IPAddress.IsLoopback(ip);
}

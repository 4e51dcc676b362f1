using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using IngestWorker.Dashboard;
using IngestWorker.Options;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestWorker.Http;

/// <summary>
/// The worker's HTTP server (<c>ingestWorker:http</c>): health probes and, when asked for, the
/// dashboard. A small Kestrel app of its own inside the worker's host, so the worker stays a
/// generic-host program and the server exists only when it is enabled.
/// </summary>
public sealed class HttpServer(IServiceProvider services, IOptions<IngestWorkerOptions> options, ILogger<HttpServer> logger) : IHostedService
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private WebApplication? _app;

    /// <summary>
    /// Why the configured port cannot be listened on, checked before the host starts: a failure
    /// inside the host's start is logged by the host with its stack trace ahead of the one line
    /// that matters. (The port can still be taken in between; <see cref="StartAsync"/> then says so.)
    /// </summary>
    public static string? FindPortProblem(HttpOptions http)
    {
        if (!http.ServerEnabled || http.Port == 0 || !IPAddress.TryParse(http.Address, out var address))
            return null;
        try
        {
            var probe = new System.Net.Sockets.TcpListener(address, http.Port);
            probe.Start();
            probe.Stop();
            return null;
        }
        catch (System.Net.Sockets.SocketException e)
        {
            return CannotListen(http, e.Message);
        }
    }

    private static string CannotListen(HttpOptions http, string why) =>
        $"{HttpOptions.Section}:port: cannot listen on {http.Address}:{http.Port} ({why}).";

    /// <summary>Where the server listens, once started.</summary>
    public Uri? BaseAddress { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var http = options.Value.Http;
        var address = IPAddress.Parse(http.Address);
        // An empty builder: no configuration sources of its own (ASPNETCORE_URLS and the like would
        // move the port behind the worker's back) and no logging of its own.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(address, http.Port));
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        // Before every endpoint, the health probes' too: see HostHeaderFilter for why, and why not
        // on a non-loopback address.
        if (HostHeaderFilter.For(address, http.Port) is { } hosts)
            app.Use(hosts.FilterAsync);

        var health = services.GetRequiredService<HealthCheckService>();
        app.MapGet("/healthz/live", context => WriteHealthAsync(context, health, HealthTags.Live));
        app.MapGet("/healthz/ready", context => WriteHealthAsync(context, health, HealthTags.Ready));
        if (http.Dashboard)
            DashboardEndpoints.Map(app, services);

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new HttpServerStartException(CannotListen(http, e.Message), e);
        }
        _app = app;
        var host = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        BaseAddress = new Uri($"http://{host}:{http.Port}/");
        logger.LogInformation("Serving health probes at {Live} and {Ready}{Dashboard}.",
            new Uri(BaseAddress, "healthz/live"), new Uri(BaseAddress, "healthz/ready"),
            http.Dashboard ? $"; dashboard at {BaseAddress}" : "");
    }

    // Disposed here rather than by the container: the worker's host is disposed synchronously
    // (Program.cs, tests), and a service that is only IAsyncDisposable would make that throw.
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is null)
            return;
        await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _app = null;
    }

    private static async Task WriteHealthAsync(HttpContext context, HealthCheckService health, string tag)
    {
        var report = await health.CheckHealthAsync(check => check.Tags.Contains(tag), context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        context.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                data = e.Value.Data.Count > 0 ? e.Value.Data : null,
            }),
        };
        await context.Response.WriteAsJsonAsync(body, Json, context.RequestAborted).ConfigureAwait(false);
    }
}

/// <summary>The HTTP server could not start (the port is taken): a configuration problem, reported as one.</summary>
public sealed class HttpServerStartException(string message, Exception inner) : Exception(message, inner);

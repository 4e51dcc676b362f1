using System.Net;
using System.Net.Sockets;
using IngestWorker.Options;
using Microsoft.Extensions.Configuration;

namespace IngestWorker.Http;

/// <summary>
/// <c>dotnet IngestWorker.dll probe [live|ready]</c>: asks a running worker's own health endpoint
/// and exits 0 when it answers 200, 1 otherwise, printing one line about the answer. It is the
/// container image's HEALTHCHECK: the ASP.NET Core runtime image has no curl or wget, and the probe
/// reads <c>ingestWorker:http</c> from the same sources as the worker (host.json, environment,
/// command line), so a port moved by configuration moves the probe with it.
/// </summary>
/// <remarks>
/// It builds the configuration only: no storage, no language model, no host is started, so it
/// costs a runtime start and one request. Exit code 1 for every failure, never 2: Docker reserves
/// 2 in a health check.
/// </remarks>
internal static class HealthProbeCommand
{
    public const string Name = "probe";

    public const int Healthy = 0;
    public const int Unhealthy = 1;

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    /// <param name="args">What follows <c>probe</c>: the endpoint (<c>live</c> by default), then any configuration arguments the worker takes (<c>--host-json</c>, <c>--key=value</c>).</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var endpoint = "live";
        if (args is [var first, ..] && !first.StartsWith('-'))
        {
            if (first is not ("live" or "ready"))
            {
                await output.WriteLineAsync($"IngestWorker probe: '{first}' is not an endpoint; use 'live' or 'ready'.").ConfigureAwait(false);
                return Unhealthy;
            }
            endpoint = first;
            args = args[1..];
        }

        HttpOptions http;
        try
        {
            http = ReadHttpOptions(args);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or InvalidOperationException or FormatException)
        {
            await output.WriteLineAsync("IngestWorker probe: cannot read the configuration: " + e.Message).ConfigureAwait(false);
            return Unhealthy;
        }
        if (!http.ServerEnabled)
        {
            await output.WriteLineAsync($"IngestWorker probe: the worker's HTTP server is off ({HttpOptions.Section}:enabled is not true), so there is nothing to ask.").ConfigureAwait(false);
            return Unhealthy;
        }
        if (TargetFor(http, endpoint) is not { } target)
        {
            await output.WriteLineAsync($"IngestWorker probe: {HttpOptions.Section}:address '{http.Address}' is not an IP address.").ConfigureAwait(false);
            return Unhealthy;
        }
        return await AskAsync(target, output).ConfigureAwait(false);
    }

    /// <summary>
    /// Where the worker configured by <paramref name="http"/> answers from inside its own machine or
    /// container: the address it listens on, or loopback when it listens on every address.
    /// </summary>
    public static Uri? TargetFor(HttpOptions http, string endpoint)
    {
        if (!IPAddress.TryParse(http.Address, out var address))
            return null;
        if (address.Equals(IPAddress.Any))
            address = IPAddress.Loopback;
        else if (address.Equals(IPAddress.IPv6Any))
            address = IPAddress.IPv6Loopback;
        // The literal in the URL is also the Host header, which a loopback server checks (HostHeaderFilter).
        var host = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        return new Uri($"http://{host}:{http.Port}/healthz/{endpoint}");
    }

    private static HttpOptions ReadHttpOptions(string[] args)
    {
        // The worker's own configuration builder, so the probe cannot read other sources or
        // another order than the worker it asks; nothing is built from it but these options.
        var configuration = IngestWorkerConfiguration.CreateBuilder(args).Configuration;
        var http = new HttpOptions();
        configuration.GetSection(HttpOptions.Section).Bind(http, o => o.ErrorOnUnknownConfiguration = false);
        return http;
    }

    private static async Task<int> AskAsync(Uri target, TextWriter output)
    {
        // No proxy: a container's HTTP_PROXY must not carry a request meant for the worker itself.
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = RequestTimeout };
        try
        {
            using var response = await client.GetAsync(target).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            // The body names each check's state; Docker keeps the output of the last probes
            // (docker inspect), so an unhealthy container says why.
            await output.WriteLineAsync($"{target} answered {(int)response.StatusCode}: {body.Trim()}").ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.OK ? Healthy : Unhealthy;
        }
        catch (HttpRequestException e)
        {
            await output.WriteLineAsync($"{target} did not answer: {e.Message}").ConfigureAwait(false);
            return Unhealthy;
        }
        catch (TaskCanceledException)
        {
            await output.WriteLineAsync($"{target} did not answer within {RequestTimeout.TotalSeconds:0} s.").ConfigureAwait(false);
            return Unhealthy;
        }
    }
}

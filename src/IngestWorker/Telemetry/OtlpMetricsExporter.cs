using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace IngestWorker.Telemetry;

/// <summary>
/// Exports the <see cref="IngestWorkerMetrics.MeterName"/> meter with OpenTelemetry over OTLP, when
/// an endpoint is configured. The settings are the standard <c>OTEL_*</c> ones (endpoint, protocol,
/// headers, export interval, service name). OpenTelemetry.Extensions.Hosting hands the SDK the host's
/// configuration, so they can come from the environment as everywhere else, or from host.json,
/// <c>AzureFunctionsJobHost__</c> variables or the command line. Its meter provider is disposed with
/// the host, after every hosted service has stopped, so the last export counts the last blob. The
/// signal-specific <c>OTEL_EXPORTER_OTLP_METRICS_*</c> settings are not read: the SDK's
/// <c>AddOtlpExporter</c> ignores them.
/// </summary>
internal static class OtlpMetricsExporter
{
    public const string EndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ProtocolKey = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string IntervalKey = "OTEL_METRIC_EXPORT_INTERVAL";
    public const string ServiceNameKey = "OTEL_SERVICE_NAME";

    private static readonly string[] Protocols = ["grpc", "http/protobuf"];

    public static bool IsConfigured(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[EndpointKey]);

    /// <summary>Problems with the OTLP settings, each naming its key. Endpoint values are not echoed: a URL can carry credentials.</summary>
    public static IEnumerable<string> FindConfigurationErrors(IConfiguration configuration)
    {
        var endpoint = configuration[EndpointKey];
        if (!string.IsNullOrWhiteSpace(endpoint) && !(Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            yield return $"{EndpointKey} must be an absolute http:// or https:// URL of an OTLP receiver, e.g. http://localhost:4317 (the value is not shown: it may carry credentials).";
        var protocol = configuration[ProtocolKey];
        if (!string.IsNullOrWhiteSpace(protocol) && !Protocols.Contains(protocol.Trim(), StringComparer.Ordinal))
            yield return $"{ProtocolKey} must be 'grpc' or 'http/protobuf'; it is '{protocol}'.";
        var interval = configuration[IntervalKey];
        if (!string.IsNullOrWhiteSpace(interval) && !(int.TryParse(interval, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0))
            yield return $"{IntervalKey} must be a whole number of milliseconds above 0; it is '{interval}'.";
    }

    /// <summary>Adds the exporter when an endpoint is configured; without one, no OpenTelemetry is added at all.</summary>
    public static void AddIfConfigured(IServiceCollection services, IConfiguration configuration)
    {
        if (!IsConfigured(configuration))
            return;
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                configuration[ServiceNameKey] is { Length: > 0 } name ? name : IngestWorkerMetrics.MeterName,
                serviceInstanceId: $"{Environment.MachineName}/{Environment.ProcessId}"))
            .WithMetrics(metrics => metrics.AddMeter(IngestWorkerMetrics.MeterName).AddOtlpExporter());
        services.AddHostedService<Announcement>();
    }

    /// <summary>
    /// Checks the settings at start (Program.cs reports them earlier; a host started another way must
    /// still not run half-configured) and says where the measurements go.
    /// </summary>
    private sealed class Announcement(IConfiguration configuration, ILogger<Announcement> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (FindConfigurationErrors(configuration).ToList() is { Count: > 0 } errors)
                throw new InvalidOperationException("The OTLP exporter is misconfigured: " + string.Join(" ", errors));
            logger.LogInformation("Exporting the '{Meter}' meter over OTLP ({Protocol}) to {Endpoint} every {IntervalMs} ms.",
                IngestWorkerMetrics.MeterName,
                configuration[ProtocolKey] is { Length: > 0 } protocol ? protocol.Trim() : "grpc",
                Secrets.Endpoint(configuration[EndpointKey]!.Trim()),
                configuration[IntervalKey] is { Length: > 0 } i ? i : "60000");
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

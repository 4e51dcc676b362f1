using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace IngestWorker.Telemetry;

/// <summary>
/// Exports the <see cref="IngestWorkerMetrics.MeterName"/> meter with OpenTelemetry over OTLP, when
/// an endpoint is configured. The settings are the standard <c>OTEL_*</c> ones (endpoint, protocol,
/// headers, export interval, service name), read from the worker's configuration, so they can come
/// from the environment as everywhere else, or from host.json, <c>AzureFunctionsJobHost__</c>
/// variables or the command line. Wired by hand: OpenTelemetry.Extensions.Hosting is not on the
/// NuGet mirror this project builds from. The signal-specific <c>OTEL_EXPORTER_OTLP_METRICS_*</c>
/// settings are not read: the SDK's <c>AddOtlpExporter</c> ignores them.
/// </summary>
internal sealed class OtlpMetricsExporter(IConfiguration configuration, ILogger<OtlpMetricsExporter> logger) : IHostedService, IDisposable
{
    public const string EndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ProtocolKey = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string IntervalKey = "OTEL_METRIC_EXPORT_INTERVAL";
    public const string ServiceNameKey = "OTEL_SERVICE_NAME";

    private static readonly string[] Protocols = ["grpc", "http/protobuf"];

    private MeterProvider? _provider;

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

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!IsConfigured(configuration))
            return Task.CompletedTask;
        // Program.cs reports these before start; a host started another way still must not run half-configured.
        if (FindConfigurationErrors(configuration).ToList() is { Count: > 0 } errors)
            throw new InvalidOperationException("The OTLP exporter is misconfigured: " + string.Join(" ", errors));
        _provider = Sdk.CreateMeterProviderBuilder()
            // The exporter and the reader read OTEL_* from the IConfiguration they are given (by
            // default, the environment alone); given ours, every configuration source works.
            .ConfigureServices(services => services.AddSingleton(configuration))
            .ConfigureResource(resource => resource.AddService(
                configuration[ServiceNameKey] is { Length: > 0 } name ? name : IngestWorkerMetrics.MeterName,
                serviceInstanceId: $"{Environment.MachineName}/{Environment.ProcessId}"))
            .AddMeter(IngestWorkerMetrics.MeterName)
            .AddOtlpExporter()
            .Build();
        logger.LogInformation("Exporting the '{Meter}' meter over OTLP ({Protocol}) to {Endpoint} every {IntervalMs} ms.",
            IngestWorkerMetrics.MeterName,
            configuration[ProtocolKey] is { Length: > 0 } protocol ? protocol.Trim() : "grpc",
            Secrets.Endpoint(configuration[EndpointKey]!.Trim()),
            configuration[IntervalKey] is { Length: > 0 } i ? i : "60000");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        // The last interval's measurements (the blobs finished during shutdown) go out now; an
        // unreachable receiver must not hold the shutdown up for long.
        _provider?.Shutdown(5000);
        return Task.CompletedTask;
    }

    public void Dispose() => _provider?.Dispose();
}

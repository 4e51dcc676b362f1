using System.Globalization;
using Azure.Storage.Blobs;
using IngestWorker.Dashboard;
using IngestWorker.Http;
using IngestWorker.Options;
using IngestWorker.Processing;
using IngestWorker.State;
using IngestWorker.Storage;
using IngestWorker.Statistics;
using IngestWorker.Telemetry;
using IngestWorker.Text.Dedup;
using IngestWorker.Text.Dedup.Near;
using IngestWorker.Text.Language;
using IngestWorker.Text.Output;
using IngestWorker.Text.Pipeline;
using IngestWorker.Text.Templates;
using IngestWorker.Triggers;
using IngestWorker.Triggers.Partitions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestWorker;

/// <summary>
/// Builds the worker host: configuration the Azure Functions way, options validated at start, the
/// storage adapters, the text pipeline and the trigger. Program.cs and the integration tests both
/// start the worker through here, so they run the same thing.
/// </summary>
public static class IngestWorkerHost
{
    /// <summary>Environment variable (or <c>--host-json</c> argument) naming the host.json to use.</summary>
    public const string HostJsonVariable = IngestWorkerConfiguration.HostJsonVariable;

    /// <summary>Prefix of environment variables that override host.json, as in Azure Functions.</summary>
    public const string FunctionsOverridePrefix = IngestWorkerConfiguration.FunctionsOverridePrefix;

    /// <param name="configure">Last word on configuration (tests use it to point at their own Azurite and containers).</param>
    public static HostApplicationBuilder CreateBuilder(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        // The configuration and the state layer, as the CLI has them; then what only the worker runs.
        var builder = IngestWorkerConfiguration.CreateBuilder(args, configure);
        AddWorker(builder.Services, builder.Configuration);
        return builder;
    }

    public static IServiceCollection AddIngestWorker(IServiceCollection services, IConfiguration configuration)
    {
        IngestWorkerConfiguration.AddStateLayer(services, configuration);
        return AddWorker(services, configuration);
    }

    /// <summary>The pipeline, the processor, the exporters, the HTTP server and the trigger, over the state layer.</summary>
    private static IServiceCollection AddWorker(IServiceCollection services, IConfiguration configuration)
    {
        // Read straight from configuration: the host resolves HostOptions while it is being built,
        // before our validation can report a bad value in a friendly way.
        services.Configure<HostOptions>(host =>
        {
            var inFlight = TimeSpan.TryParse(configuration[$"{IngestWorkerOptions.Section}:shutdownTimeout"], CultureInfo.InvariantCulture, out var configured)
                ? configured
                : new IngestWorkerOptions().ShutdownTimeout;
            // A few seconds beyond the in-flight allowance, to release the claims of abandoned blobs.
            host.ShutdownTimeout = inFlight + TimeSpan.FromSeconds(5);
        });

        services.AddSingleton<StateBatches>();

        services.AddSingleton(sp => sp.GetRequiredService<IOptions<IngestWorkerOptions>>().Value.Pipeline);
        // The language model is loaded once, when the pipeline is first needed, and shared by all blobs.
        services.AddSingleton<ILanguageIdentifier>(sp => FastTextLanguageIdentifier.Load(
            LanguageModelPath.Resolve(sp.GetRequiredService<PipelineOptions>().Language)));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<PipelineOptions>();
            var language = options.Language.Enabled ? sp.GetRequiredService<ILanguageIdentifier>() : null;
            return new TextPipeline(TextPipelineBuilder.StandardStages(options,
                new PipelineServices(sp.GetRequiredService<IExactDuplicateIndex>(), sp.GetRequiredService<ISiteTemplateIndex>(), language,
                    sp.GetRequiredService<INearDuplicateIndex>())),
                options.MaxDocumentTime, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<OutputDocumentFactory>();
        services.AddSingleton<StatisticsRecorder>();
        services.AddSingleton<DecisionLog>();
        services.AddSingleton<BlobProcessor>();

        OtlpMetricsExporter.AddIfConfigured(services, configuration);
        // Registered before the trigger: hosted services stop in reverse order, so the last flush
        // counts the last blob.
        services.AddSingleton<StatisticsFlusher>();
        services.AddHostedService(sp => sp.GetRequiredService<StatisticsFlusher>());

        services.AddHostedService<IdleMemoryRelease>();

        AddHttpServer(services, configuration);

        // The trigger is chosen here, from configuration, so that only the chosen one runs.
        switch (configuration[$"{IngestWorkerOptions.Section}:trigger:mode"] ?? TriggerOptions.ScanMode)
        {
            case TriggerOptions.QueueMode:
                services.AddSingleton<WorkQueues>();
                services.AddSingleton<ScanLeader>();
                services.AddSingleton<QueueTrigger>();
                services.AddSingleton<IWorkerTrigger>(sp => sp.GetRequiredService<QueueTrigger>());
                services.AddHostedService(sp => sp.GetRequiredService<QueueTrigger>());
                services.AddHostedService(sp => sp.GetRequiredService<ScanLeader>());
                services.AddHostedService<QueueDepthMonitor>();
                break;
            case TriggerOptions.EventGridMode:
                services.AddSingleton<WorkQueues>();
                services.AddSingleton<QueueTrigger>();
                services.AddSingleton<IWorkerTrigger>(sp => sp.GetRequiredService<QueueTrigger>());
                services.AddHostedService(sp => sp.GetRequiredService<QueueTrigger>());
                services.AddHostedService<QueueDepthMonitor>();
                break;
            default:
                AddScanPartitions(services);
                services.AddSingleton<ContainerPollingTrigger>();
                services.AddSingleton<IWorkerTrigger>(sp => sp.GetRequiredService<ContainerPollingTrigger>());
                services.AddHostedService(sp => sp.GetRequiredService<ContainerPollingTrigger>());
                break;
        }
        return services;
    }

    // Scan mode shares the input container by name-hash partitions (docs/partitions.md): the
    // ownership table and the partitions' in-flight records, both under one scan key.
    private static void AddScanPartitions(IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<IngestWorkerOptions>>().Value;
            var containers = sp.GetRequiredService<IngestContainers>();
            return new PartitionOwnership(containers.State, sp.GetRequiredService<StorageResilience>(), options.Partitions,
                PartitionTableNames.ScanKey(options.Pipeline.Version, containers.Input.Name), PartitionOwnership.NewOwnerId(),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger<PartitionOwnership>());
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<IngestWorkerOptions>>().Value;
            var containers = sp.GetRequiredService<IngestContainers>();
            var ownership = sp.GetRequiredService<PartitionOwnership>();
            var records = new BlobInflightRecords(containers.State, sp.GetRequiredService<StorageResilience>(),
                PartitionTableNames.ScanKey(options.Pipeline.Version, containers.Input.Name), sp.GetRequiredService<ILogger<BlobInflightRecords>>());
            return new PartitionInflight(records, ownership.OwnerId, sp.GetRequiredService<IOptions<BlobsOptions>>().Value.PoisonBlobThreshold,
                ownership.PartitionCount, sp.GetRequiredService<ILoggerFactory>().CreateLogger<PartitionInflight>());
        });
    }

    // Only when enabled: a production worker that did not ask for the server gets no port, no
    // probe traffic to storage and no health-check machinery.
    private static void AddHttpServer(IServiceCollection services, IConfiguration configuration)
    {
        var http = new HttpOptions();
        try
        {
            configuration.GetSection(HttpOptions.Section).Bind(http, o => o.ErrorOnUnknownConfiguration = false);
        }
        catch (InvalidOperationException)
        {
            // A value that does not convert (http:enabled=yes, http:port=abc) is reported with the
            // other configuration errors, and stops the host before the server would start; thrown
            // here, it would be a stack trace instead. The server is registered in case it was meant.
            http.Enabled = true;
        }
        if (!http.ServerEnabled)
            return;
        services.AddSingleton<LiveCounters>();
        services.AddSingleton<StorageProbe>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageProbe>());
        var checks = services.AddHealthChecks()
            .AddCheck<TriggerLoopCheck>("trigger", tags: [HealthTags.Live])
            .AddCheck<StorageCheck>("storage", tags: [HealthTags.Ready])
            .AddCheck<LanguageModelCheck>("languageModel", tags: [HealthTags.Ready])
            .AddCheck<StateLogCheck>("stateLog", tags: [HealthTags.Ready]);
        if ((configuration[$"{IngestWorkerOptions.Section}:trigger:mode"] ?? TriggerOptions.ScanMode) == TriggerOptions.QueueMode)
            checks.AddCheck<ScanLeaseCheck>("scanLease", tags: [HealthTags.Ready]);
        services.AddSingleton<HttpServer>();
        services.AddHostedService(sp => sp.GetRequiredService<HttpServer>());
    }

    /// <summary>
    /// Binds and validates every options class now, so that a configuration mistake is reported as
    /// a list of keys to fix before anything starts, rather than as a start-up stack trace.
    /// </summary>
    /// <returns>The problems found, each naming its configuration key; empty when all is well.</returns>
    public static IReadOnlyList<string> FindConfigurationErrors(IServiceProvider services)
    {
        var errors = IngestWorkerConfiguration.FindConfigurationErrors(services).ToList();
        // Not an options class: the standard OTEL_* names live at the configuration's root.
        errors.AddRange(OtlpMetricsExporter.FindConfigurationErrors(services.GetRequiredService<IConfiguration>()));
        return errors;
    }

    /// <summary>
    /// Settings that can only be checked against the loaded language model (the <c>allowed</c>
    /// languages against its labels). Loads the model if it is not loaded yet.
    /// </summary>
    /// <exception cref="IngestWorker.Text.Language.FastText.FastTextModelException">The model file cannot be read.</exception>
    public static IReadOnlyList<string> FindLanguageModelErrors(IServiceProvider services)
    {
        var language = services.GetRequiredService<PipelineOptions>().Language;
        if (!language.Enabled || services.GetRequiredService<ILanguageIdentifier>() is not FastTextLanguageIdentifier fastText)
            return [];
        return AllowedLanguageLabels.FindUnknown(language, fastText.Model.LabelCodes);
    }

    /// <summary>
    /// <c>--host-json PATH</c>, else $INGESTWORKER_HOST_JSON, else ./host.json, else the copy next to
    /// the program (the repository's host.json, copied at build time).
    /// </summary>
    public static string? ResolveHostJson(string[] args) => IngestWorkerConfiguration.ResolveHostJson(args);
}

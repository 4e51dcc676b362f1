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
    public const string HostJsonVariable = "INGESTWORKER_HOST_JSON";

    /// <summary>Prefix of environment variables that override host.json, as in Azure Functions.</summary>
    public const string FunctionsOverridePrefix = "AzureFunctionsJobHost__";

    /// <param name="configure">Last word on configuration (tests use it to point at their own Azurite and containers).</param>
    public static HostApplicationBuilder CreateBuilder(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { Args = args });

        var hostJson = ResolveHostJson(args);
        // Later sources win: host.json < AzureFunctionsJobHost__* < plain environment < command line.
        if (hostJson is not null)
            builder.Configuration.AddJsonFile(hostJson, optional: false, reloadOnChange: false);
        builder.Configuration.AddEnvironmentVariables(FunctionsOverridePrefix);
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);
        configure?.Invoke(builder.Configuration);

        builder.Logging.AddConfiguration(builder.Configuration.GetSection("logging"));
        builder.Logging.AddConsole();
        // Every logger, whatever providers are added later (tests add their own), masks credentials.
        builder.Services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new RedactingLoggerFactory(new LoggerFactory(
            sp.GetServices<ILoggerProvider>(), sp.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            sp.GetService<IOptions<LoggerFactoryOptions>>(), sp.GetService<IExternalScopeProvider>()))));

        AddIngestWorker(builder.Services, builder.Configuration);
        builder.Services.AddSingleton(new HostJsonSource(hostJson));
        return builder;
    }

    public static IServiceCollection AddIngestWorker(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);

        services.AddOptions<BlobsOptions>().Bind(configuration.GetSection(BlobsOptions.Section)).ValidateOnStart();
        services.AddOptions<RetryOptions>().Bind(configuration.GetSection(RetryOptions.Section)).ValidateOnStart();
        services.AddOptions<IngestWorkerOptions>().Bind(configuration.GetSection(IngestWorkerOptions.Section)).ValidateOnStart();
        services.AddOptions<StorageOptions>()
            .Configure(o => o.ConnectionString = configuration[StorageOptions.ConnectionStringKey] ?? o.ConnectionString)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<BlobsOptions>, BlobsOptionsValidator>();
        services.AddSingleton<IValidateOptions<RetryOptions>, RetryOptionsValidator>();
        services.AddSingleton<IValidateOptions<IngestWorkerOptions>>(new IngestWorkerOptionsValidator(configuration));
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
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

        services.AddMetrics();
        services.AddSingleton<IngestWorkerMetrics>();
        services.AddSingleton(sp => StorageClientFactory.CreateBlobServiceClient(
            sp.GetRequiredService<IOptions<StorageOptions>>().Value, sp.GetRequiredService<IOptions<RetryOptions>>().Value,
            sp.GetRequiredService<IOptions<IngestWorkerOptions>>().Value.Containers, sp.GetRequiredService<IngestWorkerMetrics>()));
        services.AddSingleton<StorageResilience>();
        services.AddSingleton<IngestContainers>();
        services.AddSingleton<ListingPace>();
        services.AddSingleton<UnlistableNames>();
        services.AddSingleton<IInputStore, BlobInputStore>();
        services.AddSingleton<IOutcomeReceipts, BlobOutcomeReceipts>();
        services.AddSingleton<IClaimStore, BlobClaimStore>();
        services.AddSingleton<IOutcomeWriter, BlobOutcomeWriter>();
        // The shared dedup and template state: an in-memory index over the state log, asked by
        // the pipeline's stages through the batch being decided (StateBatches).
        services.AddSingleton<IStateLog, BlobStateLog>();
        services.AddSingleton<LogBackedIndexes>();
        services.AddSingleton<IExactDuplicateIndex>(sp => sp.GetRequiredService<LogBackedIndexes>());
        services.AddSingleton<ISiteTemplateIndex>(sp => sp.GetRequiredService<LogBackedIndexes>());
        services.AddSingleton<INearDuplicateIndex>(sp => sp.GetRequiredService<LogBackedIndexes>());
        services.AddSingleton<LegacyStateCheck>();
        services.AddSingleton<StateLogCoverage>();
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

        // Registered before the trigger: hosted services stop in reverse order, so the exporter's
        // last export comes after the last blob.
        services.AddSingleton<OtlpMetricsExporter>();
        services.AddHostedService(sp => sp.GetRequiredService<OtlpMetricsExporter>());
        // Before the trigger too, for the same reason: its last flush counts the last blob.
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
                services.AddSingleton<ContainerPollingTrigger>();
                services.AddSingleton<IWorkerTrigger>(sp => sp.GetRequiredService<ContainerPollingTrigger>());
                services.AddHostedService(sp => sp.GetRequiredService<ContainerPollingTrigger>());
                break;
        }
        return services;
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
        var errors = new List<string>();
        var configuration = services.GetRequiredService<IConfiguration>();
        Check<BlobsOptions>(services, configuration.GetSection(BlobsOptions.Section), errors);
        Check<RetryOptions>(services, configuration.GetSection(RetryOptions.Section), errors);
        Check<IngestWorkerOptions>(services, configuration.GetSection(IngestWorkerOptions.Section), errors);
        Check<StorageOptions>(services, null, errors);
        // Not an options class: the standard OTEL_* names live at the configuration's root.
        errors.AddRange(OtlpMetricsExporter.FindConfigurationErrors(services.GetRequiredService<IConfiguration>()));
        return errors;
    }

    /// <param name="section">Where <typeparamref name="T"/> is bound from; null for options not bound from a section.</param>
    private static void Check<T>(IServiceProvider services, IConfigurationSection? section, List<string> errors) where T : class
    {
        try
        {
            _ = services.GetRequiredService<IOptions<T>>().Value;
        }
        catch (OptionsValidationException e)
        {
            errors.AddRange(e.Failures);
        }
        catch (InvalidOperationException e)
        {
            // A value of the wrong type: the binder stops at the first and words it its own way, so
            // the section is looked through for every such value, each reported by its key first.
            var unconvertible = section is null ? [] : ConfigurationValueChecks.Unconvertible(section, typeof(T)).ToList();
            errors.AddRange(unconvertible.Count > 0 ? unconvertible : [e.Message]);
        }
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
    public static string? ResolveHostJson(string[] args)
    {
        var index = Array.IndexOf(args, "--host-json");
        if (index >= 0 && index + 1 < args.Length)
            return RequireFile(Path.GetFullPath(args[index + 1]), "--host-json");
        if (Environment.GetEnvironmentVariable(HostJsonVariable) is { Length: > 0 } fromEnvironment)
            return RequireFile(Path.GetFullPath(fromEnvironment), HostJsonVariable);
        foreach (var candidate in new[] { Path.Combine(Directory.GetCurrentDirectory(), "host.json"), Path.Combine(AppContext.BaseDirectory, "host.json") })
        {
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    private static string RequireFile(string path, string setting) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"{setting} names {path}, which does not exist.", path);
}

/// <summary>Which host.json the configuration came from, for the start-up log line.</summary>
public sealed record HostJsonSource(string? Path);

using IngestWorker.Options;
using IngestWorker.State;
using IngestWorker.Storage;
using IngestWorker.Telemetry;
using IngestWorker.Text.Dedup;
using IngestWorker.Text.Dedup.Near;
using IngestWorker.Text.Templates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestWorker;

/// <summary>
/// Configuration the Azure Functions way, the options validated at start, and the state layer's
/// services (storage adapters, state log, shared index). The worker (IngestWorkerHost) and the
/// operator CLI both start from here, so they see the same settings, containers and state.
/// </summary>
public static class IngestWorkerConfiguration
{
    /// <summary>Environment variable (or <c>--host-json</c> argument) naming the host.json to use.</summary>
    public const string HostJsonVariable = "INGESTWORKER_HOST_JSON";

    /// <summary>Prefix of environment variables that override host.json, as in Azure Functions.</summary>
    public const string FunctionsOverridePrefix = "AzureFunctionsJobHost__";

    /// <summary>A host with the configuration, credential-masking console logging and the state layer; no trigger, nothing that processes.</summary>
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

        AddStateLayer(builder.Services, builder.Configuration);
        builder.Services.AddSingleton(new HostJsonSource(hostJson));
        return builder;
    }

    /// <summary>The options (bound and validated at start), the clock, the metrics and the storage and state services.</summary>
    public static IServiceCollection AddStateLayer(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);

        services.AddOptions<BlobsOptions>().Bind(configuration.GetSection(BlobsOptions.Section)).ValidateOnStart();
        services.AddOptions<RetryOptions>().Bind(configuration.GetSection(RetryOptions.Section)).ValidateOnStart();
        services.AddOptions<IngestWorkerOptions>().Bind(configuration.GetSection(IngestWorkerOptions.Section)).ValidateOnStart();
        // AzureWebJobsStorage's value is a connection string; its children (AzureWebJobsStorage__accountName…)
        // make an identity-based connection, as in Azure Functions.
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.ConnectionStringKey))
            .Configure(o => o.ConnectionString = configuration[StorageOptions.ConnectionStringKey])
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<BlobsOptions>, BlobsOptionsValidator>();
        services.AddSingleton<IValidateOptions<RetryOptions>, RetryOptionsValidator>();
        services.AddSingleton<IValidateOptions<IngestWorkerOptions>>(new IngestWorkerOptionsValidator(configuration));
        services.AddSingleton<IValidateOptions<StorageOptions>>(new StorageOptionsValidator(configuration));
        services.AddSingleton(sp => new StorageConnection(sp.GetRequiredService<IOptions<StorageOptions>>().Value));

        services.AddMetrics();
        services.AddSingleton<IngestWorkerMetrics>();
        services.AddSingleton(sp => StorageClientFactory.CreateBlobServiceClient(
            sp.GetRequiredService<StorageConnection>(), sp.GetRequiredService<IOptions<RetryOptions>>().Value,
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
        // the pipeline's stages through the batch being decided (StateBatches, registered by the
        // worker with the pipeline it needs).
        services.AddSingleton<IStateLog, BlobStateLog>();
        services.AddSingleton<LogBackedIndexes>();
        services.AddSingleton<IExactDuplicateIndex>(sp => sp.GetRequiredService<LogBackedIndexes>());
        services.AddSingleton<ISiteTemplateIndex>(sp => sp.GetRequiredService<LogBackedIndexes>());
        services.AddSingleton<INearDuplicateIndex>(sp => sp.GetRequiredService<LogBackedIndexes>());
        services.AddSingleton<LegacyStateCheck>();
        services.AddSingleton<StateLogCoverage>();
        return services;
    }

    /// <summary>
    /// The work and poison queues, in the modes that have them (<c>queue</c>, <c>eventGrid</c>);
    /// in scan mode there are none, and asking for <see cref="WorkQueues"/> finds nothing.
    /// </summary>
    public static IServiceCollection AddWorkQueuesIfQueueMode(IServiceCollection services, IConfiguration configuration)
    {
        if ((configuration[$"{IngestWorkerOptions.Section}:trigger:mode"] ?? TriggerOptions.ScanMode) is TriggerOptions.QueueMode or TriggerOptions.EventGridMode)
            services.AddSingleton<WorkQueues>();
        return services;
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

using IngestWorker;
using IngestWorker.Options;
using IngestWorker.Telemetry;
using IngestWorker.Text.Language.FastText;
using IngestWorker.Text.Pipeline;
using IngestWorker.Triggers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// The container image's health check (Dockerfile, HEALTHCHECK): asks a running worker, starts none.
if (args is [IngestWorker.Http.HealthProbeCommand.Name, .. var probeArgs])
    return await IngestWorker.Http.HealthProbeCommand.RunAsync(probeArgs, Console.Out);

IHost host;
try
{
    var builder = IngestWorkerHost.CreateBuilder(args);
    // Before Build, which creates the logger factory from these settings.
    if (LoggingConfigurationCheck.Find(builder.Configuration) is { Count: > 0 } loggingErrors)
        return await ReportConfigurationErrorsAsync(loggingErrors);
    host = builder.Build();
}
catch (FileNotFoundException e)
{
    await Console.Error.WriteLineAsync("IngestWorker cannot start: " + e.Message);
    return 2;
}

using (host)
{
    var errors = IngestWorkerHost.FindConfigurationErrors(host.Services);
    if (errors.Count > 0)
        return await ReportConfigurationErrorsAsync(errors);

    try
    {
        // Load what the pipeline needs (the language model) now: a bad model file is a
        // configuration problem to report plainly, not a failure of the first blob.
        _ = host.Services.GetRequiredService<TextPipeline>();
        errors = IngestWorkerHost.FindLanguageModelErrors(host.Services);
        if (errors.Count > 0)
            return await ReportConfigurationErrorsAsync(errors);
    }
    catch (FastTextModelException e)
    {
        await Console.Error.WriteLineAsync($"IngestWorker cannot start: {LanguageModelPath.Key}: {e.Message}");
        return 2;
    }

    if (IngestWorker.Http.HttpServer.FindPortProblem(host.Services.GetRequiredService<IOptions<IngestWorkerOptions>>().Value.Http) is { } portProblem)
    {
        await Console.Error.WriteLineAsync("IngestWorker cannot start: " + portProblem);
        return 2;
    }

    var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("IngestWorker");
    var hostJson = host.Services.GetRequiredService<HostJsonSource>().Path;
    logger.LogInformation("Configuration from {HostJson}, overridden by environment variables.", hostJson ?? "built-in defaults (no host.json found)");
    logger.LogInformation("Storage: {Connection}.", host.Services.GetRequiredService<IngestWorker.Storage.StorageConnection>().Description);
    var trigger = host.Services.GetRequiredService<IWorkerTrigger>();
    try
    {
        await host.RunAsync();
    }
    catch (IngestWorker.Http.HttpServerStartException e)
    {
        await Console.Error.WriteLineAsync("IngestWorker cannot start: " + e.Message);
        return 2;
    }
    // Storage refusing the worker at start-up (bad credentials, no permission) stops it; the
    // reason is already logged.
    return trigger.StartupFailure is null ? 0 : 1;
}

static async Task<int> ReportConfigurationErrorsAsync(IReadOnlyList<string> errors)
{
    await Console.Error.WriteLineAsync("IngestWorker cannot start; fix the configuration:");
    foreach (var error in errors)
        await Console.Error.WriteLineAsync("  - " + Secrets.Redact(error));
    return 2;
}

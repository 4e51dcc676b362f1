using IngestWorker.Options;
using IngestWorker.State;
using IngestWorker.Text.Language;
using IngestWorker.Text.Pipeline;
using IngestWorker.Triggers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace IngestWorker.Http;

internal static class HealthTags
{
    public const string Live = "live";
    public const string Ready = "ready";
}

/// <summary>
/// Live while the trigger's loop runs. A loop that ended on its own (an unexpected exception, or
/// storage refusing the worker at start) leaves a process that looks alive but takes no work:
/// only a restart helps, which is what a failing liveness probe asks for.
/// </summary>
internal sealed class TriggerLoopCheck(IWorkerTrigger trigger, IServiceProvider services, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
            return Task.FromResult(HealthCheckResult.Healthy("the worker is stopping"));
        if (trigger.StartupFailure is { } failure)
            return Task.FromResult(HealthCheckResult.Unhealthy("storage refused the worker at start: " + failure.Message));
        foreach (var (name, loop) in Loops())
        {
            if (loop.ExecuteTask is { IsCompleted: true } ended)
            {
                var why = ended.Exception?.InnerException?.Message ?? "it returned";
                return Task.FromResult(HealthCheckResult.Unhealthy($"the {name} loop has ended: {why}"));
            }
        }
        return Task.FromResult(HealthCheckResult.Healthy("the trigger loop is running"));
    }

    private IEnumerable<(string, BackgroundService)> Loops()
    {
        if (trigger is BackgroundService loop)
            yield return ("trigger", loop);
        if (services.GetService<ScanLeader>() is { } leader)
            yield return ("scanner", leader);
    }
}

/// <summary>Ready when storage answered at the last look (<see cref="StorageProbe"/>); never a storage call of its own.</summary>
internal sealed class StorageCheck(StorageProbe probe, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
            return Task.FromResult(HealthCheckResult.Unhealthy("the worker is stopping"));
        var state = probe.State;
        var data = new Dictionary<string, object> { ["reachable"] = state.Reachable };
        if (state.CheckedAt is { } at)
            data["checkedAt"] = at;
        return Task.FromResult(state.Reachable
            ? HealthCheckResult.Healthy(state.Description, data)
            : HealthCheckResult.Unhealthy(state.Description, data: data));
    }
}

/// <summary>The language model is loaded (it is loaded once, at start, and shared by every blob).</summary>
internal sealed class LanguageModelCheck(IServiceProvider services, PipelineOptions pipeline) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!pipeline.Language.Enabled)
            return Task.FromResult(HealthCheckResult.Healthy("language identification is off"));
        var data = new Dictionary<string, object> { ["modelPath"] = LanguageModelPath.Resolve(pipeline.Language) };
        try
        {
            // A singleton: the first call loads it (Program.cs does so before start), later ones are free.
            _ = services.GetRequiredService<ILanguageIdentifier>();
            return Task.FromResult(HealthCheckResult.Healthy("the language model is loaded", data));
        }
        catch (Exception e)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("the language model could not be loaded: " + e.Message, data: data));
        }
    }
}

/// <summary>
/// The shared state log is loaded (the trigger loads it at start, before it takes any blob): a
/// worker over a large log is not ready until its index is in memory.
/// </summary>
internal sealed class StateLogCheck(StateBatches state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (state.Index is { } index)
            return Task.FromResult(HealthCheckResult.Healthy($"the state log is loaded up to segment {index.Sequence}",
                new Dictionary<string, object> { ["sequence"] = index.Sequence }));
        return Task.FromResult(HealthCheckResult.Unhealthy(state.LoadFailure is { } failure
            ? "the state log could not be loaded: " + failure.Message
            : "the state log is loading"));
    }
}

/// <summary>
/// Queue mode: whether this worker holds the scanner lease. Reported, never judged: only one worker
/// scans at a time, and the others are just as ready to consume the queue.
/// </summary>
internal sealed class ScanLeaseCheck(ScanLeader leader) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["leader"] = leader.IsLeader, ["completedScans"] = leader.CompletedScans, ["enqueued"] = leader.Enqueued };
        return Task.FromResult(HealthCheckResult.Healthy(
            leader.IsLeader ? "this worker holds the scanner lease and lists the input container" : "another worker scans; this one consumes the work queue",
            data));
    }
}

using IngestWorker.State;
using IngestWorker.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IngestWorker.Triggers;

/// <summary>
/// What every trigger does the same way: make storage ready before taking work (a refusal stops the
/// worker with the reason), and at shutdown give in-flight blobs <c>shutdownTimeout</c> to finish
/// before abandoning them (<see cref="Abandon"/>): their claims are released and they are picked
/// up again, by this worker's next start or by another. The host allows a few seconds beyond the
/// timeout for the release itself.
/// </summary>
public abstract class WorkerTrigger(IHostApplicationLifetime lifetime, TimeSpan shutdownTimeout, ILogger logger) : BackgroundService, IWorkerTrigger
{
    private readonly CancellationTokenSource _abandon = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Started => _started.Task;

    public Exception? StartupFailure { get; private set; }

    public abstract long CompletedScans { get; }

    /// <summary>Cancelled when in-flight work must be abandoned.</summary>
    protected CancellationToken Abandon => _abandon.Token;

    /// <returns>False when the worker is stopping, or storage refused it (the host is then stopped).</returns>
    protected async Task<bool> EnsureStorageAsync(IngestContainers containers, StorageResilience resilience, WorkQueues? queues, CancellationToken stoppingToken)
    {
        try
        {
            await StorageReadiness.EnsureAsync(containers, resilience, queues, logger, stoppingToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
        catch (InvalidOperationException e)
        {
            // Storage answered, and the answer was no (bad key, no permission): retrying cannot
            // help, so the worker stops with the reason and a non-zero exit code.
            logger.LogCritical("{Error}", e.Message);
            StartupFailure = e;
            lifetime.StopApplication();
            return false;
        }
    }

    /// <summary>Loads the shared state log before the first blob (null: nothing to load).</summary>
    /// <returns>False when the worker is stopping, or the log was written under other settings (the host is then stopped).</returns>
    protected async Task<bool> EnsureStateAsync(StateBatches? state, CancellationToken stoppingToken)
    {
        if (state is null)
            return true;
        try
        {
            await LoadStateAsync(state, stoppingToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
        catch (StateLogSchemaException e)
        {
            // A configuration problem: like a refusal, retrying cannot help.
            logger.LogCritical("{Error}", e.Message);
            StartupFailure = e;
            lifetime.StopApplication();
            return false;
        }
    }

    // An outage is waited out, as storage readiness does.
    private async Task LoadStateAsync(StateBatches state, CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                await state.EnsureLoadedAsync(stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (StorageUnavailableException e)
            {
                logger.LogWarning("The state log cannot be read yet ({Error}); trying again in {Delay}.", e.Message, delay);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    protected void MarkStarted() => _started.TrySetResult();

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _abandon.CancelAfter(shutdownTimeout);
        using var hostGaveUp = cancellationToken.Register(() => _abandon.Cancel());
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _abandon.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }
}

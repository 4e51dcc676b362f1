using Azure;
using IngestWorker.Options;
using IngestWorker.Storage;
using IngestWorker.Triggers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace IngestWorker.Http;

/// <summary>
/// Whether storage answers, asked every <c>storageCheckInterval</c> in the background: readiness
/// probes (every few seconds, from every replica) read this answer instead of each costing a call.
/// </summary>
public sealed class StorageProbe(IngestContainers containers, IWorkerTrigger trigger, IOptions<IngestWorkerOptions> options, TimeProvider clock) : BackgroundService
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private volatile StorageState _state = new(false, null, "the worker has not finished its start-up storage check yet");

    public StorageState State => _state;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // The trigger's own start-up check creates the containers and waits out outages: until
            // it passes, the worker is not ready, and asking storage ourselves would add nothing.
            await trigger.Started.WaitAsync(stoppingToken).ConfigureAwait(false);
            _state = new StorageState(true, clock.GetUtcNow(), "the start-up storage check passed");
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(options.Value.Http.StorageCheckInterval, clock, stoppingToken).ConfigureAwait(false);
                _state = await CheckAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<StorageState> CheckAsync(CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await containers.Input.GetPropertiesAsync(cancellationToken: timeout.Token).ConfigureAwait(false);
            return new StorageState(true, clock.GetUtcNow(), "the input container answered");
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Storage answered; a deleted container is the trigger's problem to report, not reachability.
            return new StorageState(true, clock.GetUtcNow(), "storage answered (the input container is missing)");
        }
        catch (RequestFailedException e) when (e.Status is > 0 and < 500)
        {
            return new StorageState(false, clock.GetUtcNow(), $"storage refused the worker: HTTP {e.Status} {e.ErrorCode}");
        }
        catch (Exception e) when (e is RequestFailedException or OperationCanceledException or IOException or HttpRequestException or AggregateException && !stoppingToken.IsCancellationRequested)
        {
            var why = e switch { OperationCanceledException => $"no answer within {Timeout.TotalSeconds:0} s", RequestFailedException r => $"HTTP {r.Status} {r.ErrorCode}", _ => e.Message.Split('\n')[0] };
            return new StorageState(false, clock.GetUtcNow(), $"storage is unavailable: {why}");
        }
    }
}

/// <param name="CheckedAt">When storage was last asked; null before the start-up check passed.</param>
public sealed record StorageState(bool Reachable, DateTimeOffset? CheckedAt, string Description);

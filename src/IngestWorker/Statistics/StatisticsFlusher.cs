using IngestWorker.Options;
using IngestWorker.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestWorker.Statistics;

/// <summary>
/// Writes this process's hourly run statistics to the state container every
/// <c>statistics:flushInterval</c> and once more when the worker stops. Each write replaces the
/// process's own file for that hour with its cumulative counts, so workers never contend and a
/// write retried after a lost response changes nothing. A failed flush is logged and its counts
/// stay pending for the next one; blob processing never waits for it.
/// </summary>
public sealed class StatisticsFlusher : BackgroundService
{
    // Long enough for the retry layer to ride out a blip, short enough not to hold up a shutdown.
    private static readonly TimeSpan FinalFlushTimeout = TimeSpan.FromSeconds(10);

    private readonly StatisticsRecorder _recorder;
    private readonly IngestContainers _containers;
    private readonly StorageResilience _resilience;
    private readonly TimeProvider _clock;
    private readonly ILogger<StatisticsFlusher> _logger;
    private readonly TimeSpan _interval;
    private readonly SemaphoreSlim _flushing = new(1, 1);

    public StatisticsFlusher(StatisticsRecorder recorder, IngestContainers containers, StorageResilience resilience,
        IOptions<IngestWorkerOptions> options, TimeProvider clock, ILogger<StatisticsFlusher> logger)
    {
        _recorder = recorder;
        _containers = containers;
        _resilience = resilience;
        _clock = clock;
        _logger = logger;
        _interval = options.Value.Statistics.FlushInterval;
    }

    /// <summary>Files written since start (for tests).</summary>
    public long Writes { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_interval, _clock, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await FlushAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        // Hosted services stop in reverse order of registration and this one is registered before
        // the trigger, so every outcome of this process has been counted by now.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(FinalFlushTimeout);
        await FlushAsync(timeout.Token).ConfigureAwait(false);
    }

    /// <returns>Whether everything pending was written.</returns>
    public async Task<bool> FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _flushing.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        try
        {
            var all = true;
            foreach (var file in _recorder.Pending())
            {
                var name = HourlyStatisticsFile.BlobName(_recorder.PipelineVersion, file.Hour, _recorder.Worker);
                try
                {
                    var blob = _containers.State.GetBlobClient(name);
                    await _resilience.RunAsync(async ct =>
                    {
                        await blob.UploadAsync(new BinaryData(file.Content), overwrite: true, ct).ConfigureAwait(false);
                    }, cancellationToken).ConfigureAwait(false);
                    _recorder.Written(file.Hour, file.Changes);
                    Writes++;
                }
                catch (Exception e)
                {
                    all = false;
                    _logger.LogWarning("Could not write run statistics {StatisticsBlob} ({Error}); they are kept and written with the next flush.",
                        name, e.Message);
                }
            }
            return all;
        }
        finally
        {
            _flushing.Release();
        }
    }
}

using System.Diagnostics.Metrics;
using IngestWorker.Options;
using IngestWorker.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestWorker.Telemetry;

/// <summary>
/// Feeds the <c>ingestworker.queue.depth</c> gauge (queue and Event Grid modes). Storage is asked
/// every <c>telemetry:queueDepthInterval</c>, and only while some listener (OTLP, dotnet-counters,
/// a test) has the gauge enabled: observing the gauge itself never calls storage, so a reader that
/// collects every second costs no more than one that collects every minute, and a worker nobody
/// watches costs nothing.
/// </summary>
internal sealed class QueueDepthMonitor : BackgroundService
{
    private static readonly TimeSpan EnabledCheck = TimeSpan.FromSeconds(1);

    private readonly WorkQueues _queues;
    private readonly TimeProvider _clock;
    private readonly ILogger<QueueDepthMonitor> _logger;
    private readonly TimeSpan _interval;
    private readonly ObservableGauge<long> _gauge;
    // -1 until storage has answered: no measurement is better than a made-up zero.
    private long _work = -1;
    private long _poison = -1;

    public QueueDepthMonitor(WorkQueues queues, IngestWorkerMetrics metrics, IOptions<IngestWorkerOptions> options, TimeProvider clock, ILogger<QueueDepthMonitor> logger)
    {
        _queues = queues;
        _clock = clock;
        _logger = logger;
        _interval = options.Value.Telemetry.QueueDepthInterval;
        _gauge = metrics.CreateQueueDepthGauge(Observe);
    }

    /// <summary>Depth polls made since start (for tests).</summary>
    public long Polls { get; private set; }

    private IEnumerable<Measurement<long>> Observe()
    {
        var work = Interlocked.Read(ref _work);
        if (work >= 0)
            yield return new Measurement<long>(work, new KeyValuePair<string, object?>("queue", "work"));
        var poison = Interlocked.Read(ref _poison);
        if (poison >= 0)
            yield return new Measurement<long>(poison, new KeyValuePair<string, object?>("queue", "poison"));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        DateTimeOffset? lastPoll = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (_gauge.Enabled && (lastPoll is null || _clock.GetUtcNow() - lastPoll >= _interval))
                {
                    lastPoll = _clock.GetUtcNow();
                    Interlocked.Exchange(ref _work, await _queues.ApproximateDepthAsync(_queues.Work, stoppingToken).ConfigureAwait(false));
                    Interlocked.Exchange(ref _poison, await _queues.ApproximateDepthAsync(_queues.Poison, stoppingToken).ConfigureAwait(false));
                    Polls++;
                }
                await Task.Delay(_interval < EnabledCheck ? _interval : EnabledCheck, _clock, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The gauge keeps its last values; the next interval tries again.
                _logger.LogDebug("Could not read the queue depths ({Error}).", e.Message);
            }
        }
    }
}

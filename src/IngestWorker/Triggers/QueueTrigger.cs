using Azure.Storage.Blobs.Models;
using IngestWorker.Options;
using IngestWorker.Processing;
using IngestWorker.State;
using IngestWorker.Telemetry;
using IngestWorker.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestWorker.Triggers;

/// <summary>
/// Modes <c>queue</c> and <c>eventGrid</c>: every worker consumes the work queue. A message stays
/// hidden while its blob is processed (its visibility is extended every half <c>claimDuration</c>)
/// and is deleted only once the blob has its outcome; a worker that dies leaves it to reappear
/// for another. The message's visibility is the blob's claim (<see cref="MessageClaim"/>): no claim
/// record is written, and the attempts are the queue's own count of receptions, less those given
/// back as not the blob's fault. Failed blobs come back after a growing pause; poisoned ones, and
/// messages nobody can read, go to the poison queue.
/// </summary>
public sealed class QueueTrigger : WorkerTrigger
{
    private static readonly TimeSpan MaxFailedBlobRetryDelay = TimeSpan.FromMinutes(1);

    private readonly WorkQueues _queues;
    private readonly IngestContainers _containers;
    private readonly IInputStore _inputs;
    private readonly StorageResilience _resilience;
    private readonly BlobProcessor _processor;
    private readonly ScanLeader? _scanner;
    private readonly TimeProvider _clock;
    private readonly ILogger<QueueTrigger> _logger;
    private readonly IngestWorkerOptions _options;
    private readonly int _parallelism;
    private readonly int _poisonThreshold;
    private readonly StateBatches? _state;
    private readonly StateLogCoverage? _coverage;
    private readonly IngestWorkerMetrics _metrics;
    private readonly InFlightVersions _inFlight = new();
    // Whether the state log vouches for the outcome containers: then a message's first reception
    // takes its blob's name for new and skips the look-up (StateLogCoverage).
    private bool _logVouches;

    public QueueTrigger(WorkQueues queues, IngestContainers containers, IInputStore inputs, StorageResilience resilience, BlobProcessor processor,
        IEnumerable<ScanLeader> scanner, TimeProvider clock, IOptions<IngestWorkerOptions> options, IOptions<BlobsOptions> blobs,
        IHostApplicationLifetime lifetime, ILogger<QueueTrigger> logger, IngestWorkerMetrics metrics, StateBatches? state = null, StateLogCoverage? coverage = null)
        : base(lifetime, options.Value.ShutdownTimeout, logger)
    {
        _metrics = metrics;
        _state = state;
        _coverage = coverage;
        _poisonThreshold = blobs.Value.PoisonBlobThreshold;
        _queues = queues;
        _containers = containers;
        _inputs = inputs;
        _resilience = resilience;
        _processor = processor;
        _scanner = scanner.FirstOrDefault();
        _clock = clock;
        _logger = logger;
        _options = options.Value;
        _parallelism = blobs.Value.MaxDegreeOfParallelism;
    }

    public override long CompletedScans => _scanner?.CompletedScans ?? 0;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await EnsureStorageAsync(_containers, _resilience, _queues, stoppingToken).ConfigureAwait(false))
            return;
        // The scanner needs no shared state: it may take the lease while the log loads.
        _scanner?.StorageReady.TrySetResult();
        if (!await EnsureStateAsync(_state, stoppingToken).ConfigureAwait(false))
            return;
        _logVouches = await LogVouchesAsync(stoppingToken).ConfigureAwait(false);
        _logger.LogInformation("Watching container '{Container}' on {Endpoint} through queue '{Queue}' ({Mode} mode): pipeline version {PipelineVersion}, {Parallelism} blobs at a time.",
            _inputs.ContainerName, _containers.Service.Uri, _queues.Work.Name, _options.Trigger.Mode, _options.Pipeline.Version, _parallelism);
        MarkStarted();

        // Slots count blobs, not messages: a scanner's message names several.
        using var slots = new SemaphoreSlim(_parallelism, _parallelism);
        var perMessage = _scanner is null ? 1 : _options.Trigger.WorkItemsPerMessage;
        var running = new HashSet<Task>();
        // A maximum set below the minimum wins.
        var minPolling = TimeSpan.FromTicks(Math.Min(_options.Trigger.MinQueuePollingInterval.Ticks, _options.Trigger.MaxQueuePollingInterval.Ticks));
        var idle = minPolling;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
                var free = 1;
                while (free < _parallelism && slots.Wait(0))
                    free++;
                var asked = (int)Math.Clamp((free + perMessage - 1) / perMessage, 1, _options.Trigger.BatchSize);
                WorkMessageLease[] messages;
                // Before the request: the messages are hidden from then on, at the latest.
                var hiddenFrom = _clock.GetUtcNow();
                try
                {
                    messages = await _queues.ReceiveAsync(asked, _options.Trigger.ClaimDuration, stoppingToken).ConfigureAwait(false);
                }
                catch
                {
                    slots.Release(free);
                    throw;
                }
                // A scanner's message short of full was sent at the end of a listing: the scanner had no
                // more to send, so the queue holds little else.
                var scannerCaughtUp = false;
                foreach (var message in messages)
                {
                    var parsed = WorkMessage.Parse(message.Body, _inputs.ContainerName);
                    scannerCaughtUp |= perMessage > 1 && parsed.Items.Count < perMessage;
                    // Each message takes the slots its blobs need from those held; blobs beyond them wait for more.
                    var assigned = Math.Min(free, Math.Max(1, parsed.Items.Count));
                    free -= assigned;
                    var task = Task.Run(() => HandleAsync(message, parsed, new BlobSlots(slots, assigned), hiddenFrom), CancellationToken.None);
                    lock (running)
                        running.Add(task);
                    _ = task.ContinueWith(t =>
                    {
                        lock (running)
                            running.Remove(t);
                    }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }
                if (free > 0)
                    slots.Release(free);
                if (messages.Length == 0)
                {
                    await PauseAsync(idle, stoppingToken).ConfigureAwait(false);
                    idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, _options.Trigger.MaxQueuePollingInterval.Ticks));
                }
                else if (messages.Length < asked || scannerCaughtUp)
                {
                    // The queue gave all it had, or the scanner has caught up with the container: the
                    // next message is not there yet. Looking again at once would be an empty receive
                    // for every message of a trickle.
                    idle = minPolling;
                    await PauseAsync(idle, stoppingToken).ConfigureAwait(false);
                    idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, _options.Trigger.MaxQueuePollingInterval.Ticks));
                }
                else
                {
                    idle = minPolling;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                _logger.LogWarning("Reading the work queue '{Queue}' failed ({Error}); trying again shortly.", _queues.Work.Name, e.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), _clock, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        Task[] remaining;
        lock (running)
            remaining = [.. running];
        await Task.WhenAll(remaining).ConfigureAwait(false);
        _logger.LogInformation("Stopped watching '{Container}'.", _inputs.ContainerName);
    }

    private async Task HandleAsync(WorkMessageLease message, ParsedWorkMessage parsed, BlobSlots slots, DateTimeOffset hiddenFrom)
    {
        using var done = new CancellationTokenSource();
        using var lost = new CancellationTokenSource();
        var keepingHidden = KeepHiddenAsync(message, hiddenFrom, lost, done.Token);
        var claims = new List<MessageClaim>();
        TimeSpan? giveBackAfter;
        try
        {
            giveBackAfter = await DecideAsync(message, parsed, slots, claims, lost.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogWarning("Handling work message {MessageId} failed ({Error}); it will come back.", message.MessageId, e.Message);
            giveBackAfter = RetryDelay(message.DequeueCount);
        }
        finally
        {
            slots.ReleaseUnused();
        }
        await done.CancelAsync().ConfigureAwait(false);
        await keepingHidden.ConfigureAwait(false);
        try
        {
            // Settled with its own short timeout: at shutdown the message must still be released.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            if (giveBackAfter is { } delay)
                await _queues.HideAsync(message, delay, timeout.Token, NoteForGivingBack(message, claims)).ConfigureAwait(false);
            else
                await _queues.DeleteAsync(message, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The message reappears when its visibility lapses; its blob's outcome makes that cheap.
            _logger.LogDebug("Could not settle work message {MessageId} ({Error}).", message.MessageId, e.Message);
        }
    }

    /// <summary>
    /// What the message carries when it is given back: a reception whose attempts were all rolled
    /// back (the worker stopping, storage down, nothing reached) does not count against its blobs,
    /// and the last error an attempt ended with travels on for the poison outcome.
    /// </summary>
    private static MessageRetryNote NoteForGivingBack(WorkMessageLease message, List<MessageClaim> claims)
    {
        var counted = claims.Any(c => c.Counted);
        var failed = claims.LastOrDefault(c => c.State.LastErrorType is not null);
        return new MessageRetryNote(message.Note.Uncounted + (counted ? 0 : 1),
            failed?.State.LastErrorType ?? message.Note.LastErrorType, failed?.State.LastError ?? message.Note.LastError, message.Note.Carried);
    }

    /// <returns>Null when the message is finished with (deleted); otherwise when it should come back.</returns>
    private async Task<TimeSpan?> DecideAsync(WorkMessageLease message, ParsedWorkMessage parsed, BlobSlots slots, List<MessageClaim> claims, CancellationToken lost)
    {
        foreach (var ignored in parsed.Ignored)
        {
            _logger.LogInformation("Work message {MessageId}: ignored {Reason}.", message.MessageId, ignored.Reason);
            _metrics.WorkIgnored(ignored.Kind);
        }
        if (parsed.Error is { } error)
        {
            _logger.LogError("Work message {MessageId} cannot be read ({Error}); moved to the poison queue '{PoisonQueue}'.", message.MessageId, error, _queues.Poison.Name);
            await _queues.PoisonAsync(message, Abandon).ConfigureAwait(false);
            return null;
        }
        if (parsed.Items.Count > 1 && message.DequeueCount > 1)
        {
            // It came back: its worker died or gave it back. One message per blob from here on, so
            // that a blob that kills its worker does not use up the attempts of the others; each
            // carries the attempts the blobs have had so far (every blob of a message counts one a
            // reception, as a scan partition's batch does), so a killed worker still counts.
            var carried = new MessageRetryNote(0, message.Note.LastErrorType, message.Note.LastError, message.Note.AttemptsBefore(message.DequeueCount));
            foreach (var item in parsed.Items)
                await _queues.SendAsync(carried.Wrap(BinaryData.FromString(WorkMessage.For([item]))).ToString(), Abandon).ConfigureAwait(false);
            _logger.LogInformation("Work message {MessageId} came back; split into {Count} messages, one per blob.", message.MessageId, parsed.Items.Count);
            return null;
        }

        // The blobs of one message run at once, each in a slot of its own.
        var results = await Task.WhenAll(parsed.Items.Select(async item =>
        {
            if (!await slots.TakeAsync(Abandon).ConfigureAwait(false))
                return (item, ProcessingResult.Abandoned);
            try
            {
                var input = await ResolveAsync(item, Abandon).ConfigureAwait(false);
                if (input is null)
                    return (item, ProcessingResult.InputDeleted);
                using var version = await _inFlight.EnterAsync(input.Name, input.ETag, Abandon).ConfigureAwait(false);
                // A version another item held first may have its outcome now: look before processing.
                var claim = ClaimFor(message, input, lost, mayBeNew: !version.Waited);
                lock (claims)
                    claims.Add(claim);
                var result = await _processor.ProcessClaimedAsync(input, claim, Abandon).ConfigureAwait(false);
                if (result == ProcessingResult.AlreadyDone)
                {
                    _logger.LogInformation("Work message {MessageId}: '{Name}' at {ETag} has its outcome already; acknowledged.", message.MessageId, input.Name, input.ETag);
                    _metrics.WorkIgnored(IgnoredWork.Duplicate);
                }
                return (item, result);
            }
            finally
            {
                slots.Return();
            }
        })).ConfigureAwait(false);

        if (results.Any(r => r.Item2 == ProcessingResult.Abandoned))
            return TimeSpan.Zero;
        if (results.Any(r => r.Item2 == ProcessingResult.Failed))
            return RetryDelay(message.DequeueCount);
        if (results.Any(r => r.Item2 == ProcessingResult.ClaimedElsewhere))
            return _options.Trigger.ClaimDuration;
        if (results.Any(r => r.Item2 == ProcessingResult.Poisoned))
        {
            // Replay takes a poison message as a whole: a message of several blobs parks only the poisoned ones.
            if (parsed.Items.Count == 1)
                await _queues.PoisonAsync(message, Abandon).ConfigureAwait(false);
            else
                foreach (var (item, _) in results.Where(r => r.Item2 == ProcessingResult.Poisoned))
                    await _queues.SendPoisonAsync(WorkMessage.For([item]), Abandon).ConfigureAwait(false);
            return null;
        }
        return null;
    }

    /// <summary>
    /// The blob's claim is the message: its attempts are the receptions before this one that
    /// counted. A message received more than <c>maxDequeueCount</c> times (given back again and
    /// again, or killing its workers) has used its attempts up, and its blob gets a poison outcome
    /// unless it has one already.
    /// </summary>
    private MessageClaim ClaimFor(WorkMessageLease message, InputBlob input, CancellationToken lost, bool mayBeNew)
    {
        var version = _options.Pipeline.Version;
        var attemptsBefore = message.Note.AttemptsBefore(message.DequeueCount);
        if (message.DequeueCount > _options.Trigger.MaxDequeueCount)
            return new MessageClaim(input, version, Math.Max(attemptsBefore, _poisonThreshold), new MessageRetryNote(0, "WorkMessageExhausted",
                $"Its work message was received {message.DequeueCount} times without reaching an outcome (maxDequeueCount {_options.Trigger.MaxDequeueCount})."),
                isFirst: false, lost);
        // A message received before may have left an outcome, or a decision, behind: the processor looks.
        return new MessageClaim(input, version, attemptsBefore, message.Note, isFirst: mayBeNew && _logVouches && attemptsBefore == 0 && message.DequeueCount == 1, lost);
    }

    /// <summary>
    /// Waits before the next look at the queue. The worker that scans is woken by its own sends, so
    /// it waits the longest pause: its scanner's messages cost it no empty looks, and are taken at once.
    /// </summary>
    private async Task PauseAsync(TimeSpan idle, CancellationToken stoppingToken)
    {
        if (_scanner is not { IsLeader: true } scanner)
        {
            await Task.Delay(idle, _clock, stoppingToken).ConfigureAwait(false);
            return;
        }
        var sent = scanner.NextSend;
        var pause = Task.Delay(_options.Trigger.MaxQueuePollingInterval, _clock, stoppingToken);
        await Task.WhenAny(pause, sent).ConfigureAwait(false);
        stoppingToken.ThrowIfCancellationRequested();
    }

    private async ValueTask<bool> LogVouchesAsync(CancellationToken cancellationToken)
    {
        if (_coverage is null || _state?.Index is not { } index)
            return false;
        try
        {
            return await _coverage.VouchesAsync(index, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning("Could not tell whether the state log vouches for the outcome containers ({Error}); every blob's outcome is looked up.", e.Message);
            return false;
        }
    }

    // Event Grid and the scanner both name the version (ETag); a message without one means "as it is now".
    private async ValueTask<InputBlob?> ResolveAsync(WorkItem item, CancellationToken cancellationToken)
    {
        if (item.ETag is { } etag && item.ContentLength is { } length)
            return new InputBlob(item.Name, etag, length, item.LastModified);
        if (!BlobNameSafety.IsAddressable(item.Name))
            return await FindByListingAsync(item.Name, cancellationToken).ConfigureAwait(false);
        var blob = _containers.Input.GetBlobClient(item.Name);
        try
        {
            var properties = await _resilience.RunAsync(async ct => (await blob.GetPropertiesAsync(cancellationToken: ct).ConfigureAwait(false)).Value, cancellationToken).ConfigureAwait(false);
            return new InputBlob(item.Name, properties.ETag.ToString("H"), properties.ContentLength, properties.LastModified);
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    // A name the SDK cannot address (BlobNameSafety) is looked up by listing: the prefix travels
    // as a query parameter, which nothing normalises, so it finds this very blob.
    private async ValueTask<InputBlob?> FindByListingAsync(string name, CancellationToken cancellationToken) =>
        await _resilience.RunAsync<InputBlob?>(async ct =>
        {
            await foreach (var item in _containers.Input.GetBlobsAsync(BlobTraits.None, BlobStates.None, name, ct).ConfigureAwait(false))
            {
                if (item.Name == name && item.Properties.ETag is { } etag)
                    return new InputBlob(item.Name, etag.ToString("H"), item.Properties.ContentLength ?? 0, item.Properties.LastModified);
                if (string.CompareOrdinal(item.Name, name) > 0)
                    break;
            }
            return null;
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Extends the message's visibility every half <c>claimDuration</c>. The claim is lost when the
    /// message is gone or received elsewhere, or when extending kept failing until it may be visible.
    /// </summary>
    private async Task KeepHiddenAsync(WorkMessageLease message, DateTimeOffset hiddenFrom, CancellationTokenSource lost, CancellationToken done)
    {
        var every = _options.Trigger.ClaimDuration / 2;
        var hiddenUntil = hiddenFrom + _options.Trigger.ClaimDuration;
        while (!done.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, _clock, done).ConfigureAwait(false);
                var renewing = _clock.GetUtcNow();
                if (!await _queues.HideAsync(message, _options.Trigger.ClaimDuration, done).ConfigureAwait(false))
                {
                    _logger.LogWarning("Work message {MessageId} could not be kept hidden (gone, or received by another worker); its blob is given up here.", message.MessageId);
                    await lost.CancelAsync().ConfigureAwait(false);
                    return;
                }
                hiddenUntil = renewing + _options.Trigger.ClaimDuration;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e)
            {
                if (_clock.GetUtcNow() >= hiddenUntil)
                {
                    _logger.LogWarning("Work message {MessageId} could not be kept hidden ({Error}) and may be visible again; its blob is given up here.", message.MessageId, e.Message);
                    await lost.CancelAsync().ConfigureAwait(false);
                    return;
                }
                _logger.LogDebug("Could not extend work message {MessageId} ({Error}).", message.MessageId, e.Message);
            }
        }
    }

    private TimeSpan RetryDelay(long dequeueCount) => TimeSpan.FromTicks(Math.Min(
        _options.Trigger.FailedBlobRetryDelay.Ticks * (1L << (int)Math.Clamp(dequeueCount - 1, 0, 16)),
        MaxFailedBlobRetryDelay.Ticks));
}

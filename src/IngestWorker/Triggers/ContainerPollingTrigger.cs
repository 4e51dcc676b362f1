using System.Collections.Concurrent;
using System.Threading.Channels;
using Azure;
using IngestWorker.Options;
using IngestWorker.Processing;
using IngestWorker.State;
using IngestWorker.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestWorker.Triggers;

/// <summary>
/// Mode <c>scan</c>: finds new and overwritten blobs by listing the input container every
/// <c>pollingInterval</c> and hands them to <c>maxDegreeOfParallelism</c> processors. After the
/// first listing only blobs changed since the previous one are looked at (<see cref="ChangedBlobFilter"/>).
/// That memory is only a shortcut: the durable truth is the outcome (the receipt). So the first listing after a
/// start, and every full scan (<see cref="FullScanSchedule"/>), reads the outcome listings
/// alongside (<see cref="ScanListing"/>): finished blobs cost no call each, and are never reprocessed.
/// </summary>
public sealed class ContainerPollingTrigger : WorkerTrigger
{
    private static readonly TimeSpan MaxFailedBlobRetryDelay = TimeSpan.FromMinutes(1);
    // Blobs found by a listing go to the processors in batches of this many, shuffled, while the
    // listing goes on: a container of new blobs never has all its names waiting in memory.
    private const int DispatchBatch = 1024;

    private readonly IInputStore _inputs;
    private readonly ScanListing _listing;
    private readonly IngestContainers _containers;
    private readonly StorageResilience _resilience;
    private readonly BlobProcessor _processor;
    private readonly TimeProvider _clock;
    private readonly ILogger<ContainerPollingTrigger> _logger;
    private readonly IngestWorkerOptions _options;
    private readonly int _parallelism;

    private readonly ChangedBlobFilter _changes = new();
    private readonly FullScanSchedule _fullScans;
    // Name → ETag of the version being processed.
    private readonly ConcurrentDictionary<string, string> _inFlight = new(StringComparer.Ordinal);
    // Failed blobs wait here for their next try, whatever their age: a listing no longer shows them as changed.
    private readonly ConcurrentDictionary<string, (InputBlob Blob, int Failures, DateTimeOffset NotBefore)> _backoff = new(StringComparer.Ordinal);
    private readonly Channel<InputBlob> _work;
    private long _completedScans;
    private readonly StateBatches? _state;

    public ContainerPollingTrigger(
        IInputStore inputs,
        IOutcomeReceipts outcomes,
        UnlistableNames unlistable,
        IngestContainers containers,
        StorageResilience resilience,
        BlobProcessor processor,
        TimeProvider clock,
        IOptions<IngestWorkerOptions> options,
        IOptions<BlobsOptions> blobs,
        IHostApplicationLifetime lifetime,
        ILogger<ContainerPollingTrigger> logger,
        StateBatches? state = null)
        : base(lifetime, options.Value.ShutdownTimeout, logger)
    {
        _state = state;
        _inputs = inputs;
        _listing = new ScanListing(inputs, outcomes, options.Value.Pipeline.Version, unlistable);
        _containers = containers;
        _resilience = resilience;
        _processor = processor;
        _clock = clock;
        _logger = logger;
        _options = options.Value;
        _parallelism = blobs.Value.MaxDegreeOfParallelism;
        _fullScans = new FullScanSchedule(clock, options.Value.Trigger.FullScanInterval);
        _work = Channel.CreateBounded<InputBlob>(new BoundedChannelOptions(_parallelism * 4) { SingleWriter = true });
    }

    /// <summary>Scans finished since start (for tests and diagnostics).</summary>
    public override long CompletedScans => Interlocked.Read(ref _completedScans);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await EnsureStorageAsync(_containers, _resilience, queues: null, stoppingToken).ConfigureAwait(false)
            || !await EnsureStateAsync(_state, stoppingToken).ConfigureAwait(false))
            return;
        _logger.LogInformation("Watching container '{Container}' on {Endpoint}: pipeline version {PipelineVersion}, {Parallelism} blobs at a time, scan every {PollingInterval}.",
            _inputs.ContainerName, _containers.Service.Uri, _options.Pipeline.Version, _parallelism, _options.Trigger.PollingInterval);
        MarkStarted();

        var processors = Enumerable.Range(0, _parallelism).Select(_ => Task.Run(() => ProcessQueuedAsync(stoppingToken), CancellationToken.None)).ToArray();
        await ScanUntilStoppedAsync(stoppingToken).ConfigureAwait(false);
        _work.Writer.TryComplete();
        await Task.WhenAll(processors).ConfigureAwait(false);
        _logger.LogInformation("Stopped watching '{Container}'.", _inputs.ContainerName);
    }

    private async Task ScanUntilStoppedAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ScanOnceAsync(stoppingToken).ConfigureAwait(false);
                Interlocked.Increment(ref _completedScans);
                await Task.Delay(_options.Trigger.PollingInterval, _clock, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A failed scan is repeated; nothing was claimed, so nothing is lost.
                _logger.LogWarning("Scanning '{Container}' failed ({Error}); scanning again shortly.", _inputs.ContainerName, e.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), _clock, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ScanOnceAsync(CancellationToken cancellationToken)
    {
        var due = new List<InputBlob>();
        var now = _clock.GetUtcNow();
        var began = _clock.GetTimestamp();
        // Until a listing has completed, and in every full scan, every blob is a candidate; the
        // outcome listings then save an outcome look-up per finished blob.
        var withReceipts = _changes.Since is null || _fullScans.IsDue;
        var fullScanStarted = _fullScans.Started();
        var counts = new ScanListingCounts();
        long handedOut = 0, passedOver = 0;
        DateTimeOffset? listingStarted = null;
        var listing = _listing.ListAsync(withReceipts, t => { listingStarted = t; _changes.ListingStarted(t); }, counts, cancellationToken);
        await foreach (var (blob, receipted) in listing.ConfigureAwait(false))
        {
            if (!(withReceipts ? _changes.IsUnseen(blob) : _changes.IsNew(blob)))
                continue;
            if (receipted)
            {
                // What an outcome look-up would have found, for no call.
                _changes.PassedByListing(blob);
                ForgetBackoff(blob);
                continue;
            }
            if (_inFlight.TryGetValue(blob.Name, out var busy))
            {
                // A newer version than the one in flight: tried as soon as that one is done (the
                // next listing may no longer show it as a change).
                if (busy != blob.ETag)
                    _backoff[blob.Name] = (blob, 0, now);
                continue;
            }
            if (_backoff.TryGetValue(blob.Name, out var waiting))
            {
                if (waiting.Blob.ETag == blob.ETag)
                    continue;
                _backoff.TryRemove(blob.Name, out _);
            }
            if (withReceipts && _changes.IsOlderThanSince(blob))
                passedOver++;
            due.Add(blob);
            if (due.Count >= DispatchBatch)
                handedOut += await DispatchAsync(due, cancellationToken).ConfigureAwait(false);
        }
        // A listing that met a name storage cannot list cannot be proved whole (reported where it happened).
        if (!counts.Incomplete && listingStarted is { } started)
        {
            _changes.ListingCompleted(started);
            if (withReceipts)
                _fullScans.Completed(fullScanStarted);
        }
        foreach (var (name, backoff) in _backoff)
        {
            if (backoff.NotBefore <= now && !_inFlight.ContainsKey(name))
                due.Add(backoff.Blob);
        }
        handedOut += await DispatchAsync(due, cancellationToken).ConfigureAwait(false);

        if (withReceipts)
        {
            _logger.LogInformation("Listed '{Container}' with the outcomes of pipeline version {PipelineVersion} in {Elapsed:F1} s: {Listed} blobs, {Receipted} done already, {HandedOut} handed out ({NotJoinable} of them only for an outcome look-up: names the listings cannot pair).",
                _inputs.ContainerName, _options.Pipeline.Version, _clock.GetElapsedTime(began).TotalSeconds, counts.Listed, counts.Receipted, handedOut, counts.NotJoinable);
            if (counts.OutOfOrder > 0)
                _logger.LogWarning("Storage listed {OutOfOrder} name(s) of '{Container}' or its outcomes out of ordinal order; their blobs had their outcomes looked up one by one.", counts.OutOfOrder, _inputs.ContainerName);
            if (passedOver > 0)
                _logger.LogWarning("The full scan of '{Container}' handed out {PassedOver} blob(s) without an outcome that the scans of changes had passed over as older than their mark (an upload longer than the {Margin} s margin, an outcome not yet written, or a blob another worker holds).",
                    _inputs.ContainerName, passedOver, ChangedBlobFilter.ClockMargin.TotalSeconds);
        }
    }

    /// <returns>How many were handed out (not already in flight).</returns>
    private async Task<int> DispatchAsync(List<InputBlob> due, CancellationToken cancellationToken)
    {
        // Several workers list the same container in the same order; shuffling makes them start on
        // different blobs instead of all contending for the first one.
        Random.Shared.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(due));
        var handedOut = 0;
        foreach (var blob in due)
        {
            if (!_inFlight.TryAdd(blob.Name, blob.ETag))
                continue;
            await _work.Writer.WriteAsync(blob, cancellationToken).ConfigureAwait(false);
            handedOut++;
        }
        due.Clear();
        return handedOut;
    }

    private async Task ProcessQueuedAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _work.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                // Once stopping, queued blobs are left alone: nothing is claimed for them yet.
                while (!stoppingToken.IsCancellationRequested && _work.Reader.TryRead(out var blob))
                    await ProcessOneAsync(blob).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ProcessOneAsync(InputBlob blob)
    {
        try
        {
            var result = await _processor.ProcessAsync(blob, Abandon).ConfigureAwait(false);
            switch (result)
            {
                case ProcessingResult.Completed or ProcessingResult.Poisoned or ProcessingResult.AlreadyDone:
                    _changes.HandedOut(blob);
                    ForgetBackoff(blob);
                    break;
                case ProcessingResult.InputDeleted or ProcessingResult.Superseded:
                    // A newer version (if any) comes up in the next listing as a change of its own.
                    ForgetBackoff(blob);
                    break;
                case ProcessingResult.Failed:
                    DelayNextTry(blob);
                    break;
                case ProcessingResult.ClaimedElsewhere or ProcessingResult.Abandoned:
                    // Looked at again once the other worker's claim would have lapsed: if that worker
                    // died, nobody else would (a listing shows only changes).
                    TryAgainAfter(blob, _options.Trigger.ClaimDuration);
                    break;
            }
        }
        catch (OperationCanceledException) when (Abandon.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _logger.LogWarning("Could not process {BlobName} ({Error}); trying again later.", blob.Name, e.Message);
            DelayNextTry(blob);
        }
        finally
        {
            _inFlight.TryRemove(blob.Name, out _);
        }
    }

    private void ForgetBackoff(InputBlob blob)
    {
        if (_backoff.TryGetValue(blob.Name, out var entry) && entry.Blob.ETag == blob.ETag)
            _backoff.TryRemove(new KeyValuePair<string, (InputBlob, int, DateTimeOffset)>(blob.Name, entry));
    }

    // A newer version waiting for its turn wins over a retry of an older one.
    private bool NewerVersionWaiting(InputBlob blob) =>
        _backoff.TryGetValue(blob.Name, out var entry) && entry.Blob.ETag != blob.ETag;

    private void TryAgainAfter(InputBlob blob, TimeSpan delay)
    {
        if (NewerVersionWaiting(blob))
            return;
        var failures = _backoff.TryGetValue(blob.Name, out var previous) && previous.Blob.ETag == blob.ETag ? previous.Failures : 0;
        _backoff[blob.Name] = (blob, failures, _clock.GetUtcNow() + delay);
    }

    private void DelayNextTry(InputBlob blob)
    {
        if (NewerVersionWaiting(blob))
            return;
        var failures = _backoff.TryGetValue(blob.Name, out var previous) && previous.Blob.ETag == blob.ETag ? previous.Failures + 1 : 1;
        var delay = TimeSpan.FromTicks(Math.Min(
            _options.Trigger.FailedBlobRetryDelay.Ticks * (1L << Math.Min(failures - 1, 16)),
            MaxFailedBlobRetryDelay.Ticks));
        _backoff[blob.Name] = (blob, failures, _clock.GetUtcNow() + delay);
    }
}

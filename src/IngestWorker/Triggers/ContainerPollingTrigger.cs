using System.Collections.Concurrent;
using System.Threading.Channels;
using Azure;
using IngestWorker.Options;
using IngestWorker.Processing;
using IngestWorker.State;
using IngestWorker.Storage;
using IngestWorker.Triggers.Partitions;
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
/// <remarks>
/// Several workers share the container by name-hash partitions (<see cref="PartitionOwnership"/>):
/// each hands out only the blobs of the partitions it owns, so owning the partition is the claim,
/// and no blob costs a claim record. A batch is blobs of one partition; before it starts, the
/// partition's in-flight record counts its attempts (<see cref="PartitionInflight"/>), so a blob
/// that kills its worker each time is poisoned after <c>poisonBlobThreshold</c> attempts.
/// docs/partitions.md has the whole design.
/// </remarks>
public sealed class ContainerPollingTrigger : WorkerTrigger
{
    private static readonly TimeSpan MaxFailedBlobRetryDelay = TimeSpan.FromMinutes(1);
    // Blobs found by a listing go to the processors in batches of this many, shuffled, while the
    // listing goes on: a container of new blobs never has all its names waiting in memory.
    private const int DispatchBatch = 1024;
    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(3);

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
    private readonly Channel<ScanWork> _work;
    private readonly PartitionOwnership _ownership;
    private readonly PartitionInflight _inflight;
    // Partition → when this worker took it. Its blobs wait for a full listing begun after that:
    // while another worker owned it, the listings of changes went past blobs that may be unfinished,
    // and only the outcome listings tell which of its newer blobs that worker finished.
    private readonly ConcurrentDictionary<int, long> _awaitingFullScan = new();
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
        PartitionOwnership ownership,
        PartitionInflight inflight,
        StateBatches? state = null)
        : base(lifetime, options.Value.ShutdownTimeout, logger)
    {
        _ownership = ownership;
        _inflight = inflight;
        _ownership.Acquired += OnAcquired;
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
        _work = Channel.CreateBounded<ScanWork>(new BoundedChannelOptions(_parallelism * 4) { SingleWriter = true });
    }

    /// <summary>Scans finished since start (for tests and diagnostics).</summary>
    public override long CompletedScans => Interlocked.Read(ref _completedScans);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await EnsureStorageAsync(_containers, _resilience, queues: null, stoppingToken).ConfigureAwait(false)
            || !await EnsureStateAsync(_state, stoppingToken).ConfigureAwait(false))
            return;
        // One cycle before the first listing, so that it has partitions to hand out. The renewals
        // outlive the scans: blobs still in flight at shutdown finish under a live ownership.
        bool firstCycle;
        try
        {
            firstCycle = await _ownership.CycleAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        using var stopRenewals = new CancellationTokenSource();
        var renewals = Task.Run(() => _ownership.RunAsync(stopRenewals.Token, firstCycle), CancellationToken.None);
        _logger.LogInformation("Watching container '{Container}' on {Endpoint}: pipeline version {PipelineVersion}, {Parallelism} blobs at a time, scan every {PollingInterval}, partitions {Owned} of {Count} as {Owner}.",
            _inputs.ContainerName, _containers.Service.Uri, _options.Pipeline.Version, _parallelism, _options.Trigger.ScanInterval,
            _ownership.Owned.Count, _ownership.PartitionCount, _ownership.OwnerId);
        MarkStarted();

        var processors = Enumerable.Range(0, _parallelism).Select(_ => Task.Run(() => ProcessQueuedAsync(stoppingToken), CancellationToken.None)).ToArray();
        await ScanUntilStoppedAsync(stoppingToken).ConfigureAwait(false);
        _work.Writer.TryComplete();
        await Task.WhenAll(processors).ConfigureAwait(false);
        // Blobs planned but never started give their attempt back (written at once: they would count otherwise).
        while (_work.Reader.TryRead(out var left))
            await left.Batch.ReportAsync(left.Claim.Abandoned()).ConfigureAwait(false);
        await stopRenewals.CancelAsync().ConfigureAwait(false);
        await renewals.ConfigureAwait(false);
        // Handed over at once rather than after ownershipExpiry: the others take the partitions at their next cycle.
        using (var release = new CancellationTokenSource(ReleaseTimeout))
            await _ownership.ReleaseAsync(release.Token).ConfigureAwait(false);
        _logger.LogInformation("Stopped watching '{Container}'.", _inputs.ContainerName);
    }

    private void OnAcquired(int partition)
    {
        _inflight.Reload(partition);
        _awaitingFullScan[partition] = _clock.GetTimestamp();
    }

    private async Task ScanUntilStoppedAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ScanOnceAsync(stoppingToken).ConfigureAwait(false);
                Interlocked.Increment(ref _completedScans);
                await Task.Delay(_options.Trigger.ScanInterval, _clock, stoppingToken).ConfigureAwait(false);
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
        var due = new List<DueBlob>();
        var now = _clock.GetUtcNow();
        var began = _clock.GetTimestamp();
        // Until a listing has completed, and in every full scan, every blob is a candidate; the
        // outcome listings then save an outcome look-up per finished blob.
        var withReceipts = _changes.Since is null || _fullScans.IsDue || !_awaitingFullScan.IsEmpty;
        var fullScanStarted = _fullScans.Started();
        var counts = new ScanListingCounts();
        long handedOut = 0, passedOver = 0;
        DateTimeOffset? listingStarted = null;
        var listing = _listing.ListAsync(withReceipts, t => { listingStarted = t; _changes.ListingStarted(t); }, counts, cancellationToken);
        await foreach (var listed in listing.ConfigureAwait(false))
        {
            var (blob, receipted) = listed;
            // Another worker's share, or one this worker took after this listing began.
            if (!_ownership.IsOwned(blob.Name))
                continue;
            var partition = _ownership.PartitionOf(blob.Name);
            if (_awaitingFullScan.TryGetValue(partition, out var acquiredAt) && !(withReceipts && acquiredAt <= fullScanStarted))
                continue;
            if (!(withReceipts ? _changes.IsUnseen(blob) : _changes.IsNew(blob)))
                continue;
            if (receipted)
            {
                // What an outcome look-up would have found, for no call.
                if (listed.Receipt is { } receipt)
                    _processor.SettleOwedSummary(blob, receipt);
                _changes.PassedByListing(blob);
                ForgetBackoff(blob);
                _inflight.NoteFinished(partition, blob);
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
            // A name without any outcome is written create-only, with no look-up first. A listing of
            // changes does not read the outcomes, but a blob created and never overwritten since is
            // new, and its name's earlier blob, if any, was deleted (docs/partitions.md, known limits).
            due.Add(new DueBlob(blob, withReceipts ? listed.NoOutcomeOfName : blob.IsFirstVersion));
            if (due.Count >= DispatchBatch)
                handedOut += await DispatchAsync(due, cancellationToken).ConfigureAwait(false);
        }
        // A listing that met a name storage cannot list cannot be proved whole (reported where it happened).
        if (!counts.Incomplete && listingStarted is { } started)
        {
            _changes.ListingCompleted(started);
            if (withReceipts)
            {
                _fullScans.Completed(fullScanStarted);
                foreach (var waiting in _awaitingFullScan)
                {
                    if (waiting.Value <= fullScanStarted)
                        _awaitingFullScan.TryRemove(waiting);
                }
            }
        }
        foreach (var (name, backoff) in _backoff)
        {
            // A partition lost meanwhile: its new owner's full listing finds the blob.
            if (backoff.NotBefore <= now && !_inFlight.ContainsKey(name) && _ownership.IsOwned(name))
                due.Add(new DueBlob(backoff.Blob, NoOutcomeOfName: false));
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
    private async Task<int> DispatchAsync(List<DueBlob> due, CancellationToken cancellationToken)
    {
        // Shuffled so that the batches of a burst do not all start on one folder's names.
        Random.Shared.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(due));
        var batches = due.Where(d => _inFlight.TryAdd(d.Blob.Name, d.Blob.ETag))
            .GroupBy(d => _ownership.PartitionOf(d.Blob.Name))
            .Select(g => (Partition: g.Key, Blobs: g.ToList()))
            .ToList();
        due.Clear();
        // One record write per partition, all at once; then the blobs go to the processors.
        var plans = await Task.WhenAll(batches.Select(b => PlanAsync(b.Partition, b.Blobs, cancellationToken))).ConfigureAwait(false);
        var handedOut = 0;
        for (var i = 0; i < batches.Count; i++)
        {
            if (plans[i] is not { } plan)
            {
                foreach (var left in batches[i].Blobs)
                    _inFlight.TryRemove(left.Blob.Name, out _);
                continue;
            }
            handedOut += await EnqueueAsync(batches[i].Partition, batches[i].Blobs, plan, cancellationToken).ConfigureAwait(false);
        }
        return handedOut;
    }

    /// <summary>Writes the batch's in-flight record; null when the batch must not start (the partition is gone, or storage failed).</summary>
    private async Task<InflightPlan?> PlanAsync(int partition, List<DueBlob> blobs, CancellationToken cancellationToken)
    {
        try
        {
            var candidates = blobs.Select(d => new InflightCandidate(d.Blob.Name, d.Blob.ETag)).ToList();
            return await _inflight.PlanAsync(partition, candidates, _ownership.OwnershipToken(partition), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Not handed out, so the next listing shows them again (and failed ones wait in the back-off).
            _logger.LogWarning("Could not record the attempts of a batch of partition {Partition} ({Error}); its {Count} blob(s) wait for the next scan.",
                partition, e.Message, blobs.Count);
            return null;
        }
    }

    private async Task<int> EnqueueAsync(int partition, List<DueBlob> blobs, InflightPlan plan, CancellationToken cancellationToken)
    {
        var lost = _ownership.OwnershipToken(partition);
        var byName = blobs.ToDictionary(d => d.Blob.Name, StringComparer.Ordinal);
        var work = new List<PartitionBlobClaim>(blobs.Count);
        foreach (var poison in plan.Poison)
            work.Add(PartitionBlobClaim.ForPoison(byName[poison.Name].Blob, _options.Pipeline.Version, poison, lost));
        foreach (var attempt in plan.Attempts)
            work.Add(PartitionBlobClaim.ForAttempt(byName[attempt.Name].Blob, _options.Pipeline.Version, attempt, byName[attempt.Name].NoOutcomeOfName, lost));
        var batch = new PartitionBatch(partition, work.Count, _inflight);
        var handedOut = 0;
        try
        {
            for (; handedOut < work.Count; handedOut++)
                await _work.Writer.WriteAsync(new ScanWork(work[handedOut], batch), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Stopping: what was planned but not handed out gives its attempt back.
            for (var i = handedOut; i < work.Count; i++)
            {
                _inFlight.TryRemove(work[i].Input.Name, out _);
                await batch.ReportAsync(work[i].Abandoned()).ConfigureAwait(false);
            }
        }
        return handedOut;
    }

    private async Task ProcessQueuedAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _work.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                // Once stopping, queued blobs are left alone (their attempts are given back at the end).
                while (!stoppingToken.IsCancellationRequested && _work.Reader.TryRead(out var work))
                    await ProcessOneAsync(work).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ProcessOneAsync(ScanWork work)
    {
        var claim = work.Claim;
        var blob = claim.Input;
        var settled = claim.Abandoned();
        try
        {
            // Lost while it waited: its new owner takes it.
            if (claim.Lost.IsCancellationRequested)
                return;
            var result = await _processor.ProcessClaimedAsync(blob, claim, Abandon).ConfigureAwait(false);
            settled = claim.ResultOf(result);
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
                    // Stopping, or the partition was lost: its next owner (perhaps this worker
                    // again, after a full listing) takes the blob.
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
            await work.Batch.ReportAsync(settled).ConfigureAwait(false);
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

/// <summary>A blob a listing found to do; <paramref name="NoOutcomeOfName"/>: its name has no outcome of any version.</summary>
internal readonly record struct DueBlob(InputBlob Blob, bool NoOutcomeOfName);

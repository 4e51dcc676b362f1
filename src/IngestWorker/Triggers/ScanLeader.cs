using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using IngestWorker.Options;
using IngestWorker.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestWorker.Triggers;

/// <summary>
/// Mode <c>queue</c>: one worker at a time lists the input container and enqueues a work item per
/// new blob version. Which one is decided by a renewable blob lease on <c>scanner/{version}/{container}</c>
/// in the state container; when its holder dies the lease lapses within <c>scanLeaseDuration</c>
/// and another worker takes over. The leased blob also holds the scan checkpoint (where the last
/// complete listing began), which only the lease holder can write, so a new scanner carries on
/// from there instead of enqueueing the whole container again. A scanner without a checkpoint
/// reads the outcome listings alongside its first listing (<see cref="ScanListing"/>) and enqueues
/// only blobs without an outcome of their version; so does every full scan (<see cref="FullScanSchedule"/>).
/// </summary>
public sealed class ScanLeader : BackgroundService
{
    private readonly IInputStore _inputs;
    private readonly ScanListing _listing;
    private readonly WorkQueues _queues;
    private readonly StorageResilience _resilience;
    private readonly IngestWorkerOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<ScanLeader> _logger;
    private readonly BlobClient _leaseBlob;
    private long _completedScans;
    private long _enqueued;
    private TaskCompletionSource _sent = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ScanLeader(IInputStore inputs, IOutcomeReceipts outcomes, UnlistableNames unlistable, IngestContainers containers, WorkQueues queues, StorageResilience resilience,
        IOptions<IngestWorkerOptions> options, TimeProvider clock, ILogger<ScanLeader> logger)
    {
        _inputs = inputs;
        _listing = new ScanListing(inputs, outcomes, options.Value.Pipeline.Version, unlistable);
        _queues = queues;
        _resilience = resilience;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        _leaseBlob = containers.State.GetBlobClient($"scanner/{_options.Pipeline.Version}/{inputs.ContainerName}");
    }

    public bool IsLeader { get; private set; }

    public long CompletedScans => Interlocked.Read(ref _completedScans);

    public long Enqueued => Interlocked.Read(ref _enqueued);

    /// <summary>Completes when this worker's scanner next sends work: its own consumer need not poll the queue for it.</summary>
    public Task NextSend => Volatile.Read(ref _sent).Task;

    /// <summary>Completes once the queue trigger has made sure the containers and queues exist.</summary>
    internal TaskCompletionSource StorageReady { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await StorageReady.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        var retryEvery = _options.Trigger.ScanLeaseDuration / 3;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var lease = await TryAcquireAsync(stoppingToken).ConfigureAwait(false);
                if (lease is not null)
                    await ScanWhileLeaderAsync(lease, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogWarning("Scanning for the work queue failed ({Error}); trying again shortly.", e.Message);
            }
            IsLeader = false;
            try
            {
                await Task.Delay(retryEvery, _clock, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<BlobLeaseClient?> TryAcquireAsync(CancellationToken cancellationToken)
    {
        await _resilience.RunAsync(async ct =>
        {
            try
            {
                await _leaseBlob.UploadAsync(BinaryData.FromString("{}"), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // It exists (and may be leased): fine.
            }
        }, cancellationToken).ConfigureAwait(false);
        var lease = _leaseBlob.GetBlobLeaseClient(Guid.NewGuid().ToString());
        try
        {
            await _resilience.RunAsync(async ct => await lease.AcquireAsync(_options.Trigger.ScanLeaseDuration, cancellationToken: ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            return lease;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return null;
        }
    }

    /// <returns>How many blobs were enqueued (all of <paramref name="items"/>, which is emptied).</returns>
    private async ValueTask<int> SendAsync(List<WorkItem> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
            return 0;
        await _queues.SendAsync(WorkMessage.For(items), cancellationToken).ConfigureAwait(false);
        var sent = items.Count;
        Interlocked.Add(ref _enqueued, sent);
        items.Clear();
        Interlocked.Exchange(ref _sent, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        return sent;
    }

    private async Task ScanWhileLeaderAsync(BlobLeaseClient lease, CancellationToken stoppingToken)
    {
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewing = RenewAsync(lease, lost);
        try
        {
            IsLeader = true;
            var checkpoint = await ReadCheckpointAsync(lost.Token).ConfigureAwait(false);
            var changes = new ChangedBlobFilter(checkpoint);
            var fullScans = new FullScanSchedule(_clock, _options.Trigger.FullScanInterval);
            var checkpointOwed = false;
            long? lastCheckpoint = null;
            _logger.LogInformation("This worker now scans '{Container}' for the work queue '{Queue}' (changes since {Since}).",
                _inputs.ContainerName, _queues.Work.Name, checkpoint?.ToString("u") ?? "the beginning");
            while (!lost.IsCancellationRequested)
            {
                DateTimeOffset? listingStarted = null;
                var began = _clock.GetTimestamp();
                // A full scan enqueues every blob without an outcome, so only over an empty work
                // queue: over a backlog it would enqueue the backlog a second time.
                var withReceipts = changes.Since is null
                    || (fullScans.IsDue && await _queues.ApproximateDepthAsync(_queues.Work, lost.Token).ConfigureAwait(false) == 0);
                var fullScanStarted = fullScans.Started();
                var counts = new ScanListingCounts();
                long enqueued = 0, passedOver = 0;
                // Sent when full and at the end of the listing, before its checkpoint: a scanner
                // that stops with items unsent leaves the checkpoint where they are listed again.
                var unsent = new List<WorkItem>(_options.Trigger.WorkItemsPerMessage);
                var listing = _listing.ListAsync(withReceipts, t => { listingStarted = t; changes.ListingStarted(t); }, counts, lost.Token);
                await foreach (var (blob, receipted) in listing.ConfigureAwait(false))
                {
                    if (!(withReceipts ? changes.IsUnseen(blob) : changes.IsNew(blob)))
                        continue;
                    if (!receipted)
                    {
                        if (withReceipts && changes.IsOlderThanSince(blob))
                            passedOver++;
                        unsent.Add(new WorkItem(_inputs.ContainerName, blob.Name, blob.ETag, blob.ContentLength, blob.LastModified));
                        if (unsent.Count >= _options.Trigger.WorkItemsPerMessage)
                            enqueued += await SendAsync(unsent, lost.Token).ConfigureAwait(false);
                    }
                    changes.PassedByListing(blob);
                }
                enqueued += await SendAsync(unsent, lost.Token).ConfigureAwait(false);
                // A listing that met a name storage cannot list cannot be proved whole: the checkpoint stays.
                if (!counts.Incomplete && listingStarted is { } started)
                {
                    var before = changes.Since;
                    changes.ListingCompleted(started);
                    if (withReceipts)
                        fullScans.Completed(fullScanStarted);
                    if (changes.Since != before)
                        checkpointOwed = true;
                    if (checkpointOwed && (lastCheckpoint is not { } last || _clock.GetElapsedTime(last) >= _options.Trigger.ScanCheckpointInterval))
                    {
                        await WriteCheckpointAsync(lease, changes.Since!.Value, lost.Token).ConfigureAwait(false);
                        (checkpointOwed, lastCheckpoint) = (false, _clock.GetTimestamp());
                    }
                }
                if (withReceipts)
                    LogListedWithReceipts(counts, enqueued, passedOver, _clock.GetElapsedTime(began));
                Interlocked.Increment(ref _completedScans);
                await Task.Delay(_options.Trigger.ScanInterval, _clock, lost.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
        {
            _logger.LogWarning("This worker lost the scanner lease on '{Container}'; another worker scans now.", _inputs.ContainerName);
        }
        finally
        {
            IsLeader = false;
            await lost.CancelAsync().ConfigureAwait(false);
            await renewing.ConfigureAwait(false);
            if (stoppingToken.IsCancellationRequested)
            {
                // Handing over at once, rather than after the lease lapses.
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await lease.ReleaseAsync(cancellationToken: timeout.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is RequestFailedException or OperationCanceledException)
                {
                }
            }
        }
    }

    private void LogListedWithReceipts(ScanListingCounts counts, long enqueued, long passedOver, TimeSpan elapsed)
    {
        _logger.LogInformation("Listed '{Container}' with the outcomes of pipeline version {PipelineVersion} in {Elapsed:F1} s: {Listed} blobs, {Receipted} done already, {Enqueued} enqueued ({NotJoinable} of them only for an outcome look-up: names the listings cannot pair).",
            _inputs.ContainerName, _options.Pipeline.Version, elapsed.TotalSeconds, counts.Listed, counts.Receipted, enqueued, counts.NotJoinable);
        if (counts.OutOfOrder > 0)
            _logger.LogWarning("Storage listed {OutOfOrder} name(s) of '{Container}' or its outcomes out of ordinal order; their blobs had their outcomes looked up one by one.", counts.OutOfOrder, _inputs.ContainerName);
        if (passedOver > 0)
            _logger.LogWarning("The full scan of '{Container}' enqueued {PassedOver} blob(s) without an outcome that the scans of changes had passed over as older than their mark (an upload longer than the {Margin} s margin, or an outcome not yet written).",
                _inputs.ContainerName, passedOver, ChangedBlobFilter.ClockMargin.TotalSeconds);
    }

    private async Task RenewAsync(BlobLeaseClient lease, CancellationTokenSource lost)
    {
        var every = _options.Trigger.ScanLeaseDuration / 3;
        var lastRenewed = _clock.GetUtcNow();
        while (!lost.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, _clock, lost.Token).ConfigureAwait(false);
                await _resilience.RunAsync(async ct => await lease.RenewAsync(cancellationToken: ct).ConfigureAwait(false), lost.Token).ConfigureAwait(false);
                lastRenewed = _clock.GetUtcNow();
            }
            catch (OperationCanceledException) when (lost.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A lapsed lease may already be someone else's: stop scanning before it could be.
                if (e is RequestFailedException { Status: 409 or 412 } || _clock.GetUtcNow() - lastRenewed >= _options.Trigger.ScanLeaseDuration - every)
                {
                    await lost.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
    }

    private async Task<DateTimeOffset?> ReadCheckpointAsync(CancellationToken cancellationToken)
    {
        var content = await _resilience.RunAsync(async ct => (await _leaseBlob.DownloadContentAsync(ct).ConfigureAwait(false)).Value.Content, cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize(content.ToMemory().Span, ScanCheckpointJsonContext.Default.ScanCheckpoint)?.Since;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private ValueTask WriteCheckpointAsync(BlobLeaseClient lease, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var json = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(new ScanCheckpoint(since, _clock.GetUtcNow()), ScanCheckpointJsonContext.Default.ScanCheckpoint));
        var options = new BlobUploadOptions { Conditions = new BlobRequestConditions { LeaseId = lease.LeaseId } };
        return _resilience.RunAsync(async ct => { await _leaseBlob.UploadAsync(json, options, ct).ConfigureAwait(false); }, cancellationToken);
    }
}

internal sealed record ScanCheckpoint(
    [property: JsonPropertyName("since")] DateTimeOffset? Since,
    [property: JsonPropertyName("writtenAt")] DateTimeOffset WrittenAt);

[JsonSerializable(typeof(ScanCheckpoint))]
internal sealed partial class ScanCheckpointJsonContext : JsonSerializerContext;

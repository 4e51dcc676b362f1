using System.Collections.Frozen;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using IngestWorker.Options;
using IngestWorker.Storage;
using Microsoft.Extensions.Logging;

namespace IngestWorker.Triggers.Partitions;

/// <summary>
/// Scan mode without a claim per blob: this worker's share of the input container's name-hash
/// partitions, balanced with the other workers of the same scan through one ownership table,
/// <c>partitions/{scanKey}/table</c> in the state container, written only with If-Match on its ETag
/// (If-None-Match when there is none). Each cycle renews this owner's heartbeat in the table and
/// rebalances (<see cref="PartitionBalancer"/>); <see cref="IsOwned"/> says which names to take,
/// and <see cref="OwnershipToken"/> is cancelled when a partition is lost.
/// </summary>
/// <remarks>
/// Cost (docs/partitions.md): one conditional write per cycle while this worker is the only one;
/// with others, whose writes change the ETag, one read and one write. A conflict costs one more
/// read and write. Nothing is listed.
/// </remarks>
public sealed class PartitionOwnership : IAsyncDisposable
{
    private const int MaxConflictsPerCycle = 3;

    private readonly BlobClient _table;
    private readonly StorageResilience _resilience;
    private readonly PartitionOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly PartitionOwnerState _state;
    private readonly long _origin;
    private readonly Lock _tokensLock = new();
    private readonly Dictionary<int, CancellationTokenSource> _tokens = [];
    private volatile FrozenSet<int> _owned = FrozenSet<int>.Empty;
    private ETag? _etag;
    private bool _readFirst = true;
    private bool _settling;
    private int? _blockedBy;
    private long _calls;
    private long _workUntilTicks;

    public PartitionOwnership(BlobContainerClient state, StorageResilience resilience, PartitionOptions options, string scanKey, string ownerId, TimeProvider clock, ILogger logger)
    {
        _table = state.GetBlobClient(PartitionTableNames.TableBlobName(scanKey));
        _resilience = resilience;
        _options = options;
        _clock = clock;
        _logger = logger;
        OwnerId = ownerId;
        _state = new PartitionOwnerState(ownerId, options.Count, options.RenewalInterval, options.OwnershipExpiry);
        _origin = clock.GetTimestamp();
    }

    /// <summary>An owner id unique to this process: machine, process id and a random part (a restarted process is a new owner).</summary>
    public static string NewOwnerId() => $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    public string OwnerId { get; }

    public int PartitionCount => _options.Count;

    /// <summary>The partitions this worker may work on now.</summary>
    public IReadOnlySet<int> Owned => _owned;

    /// <summary>Storage calls made so far (each try of each call): what the cycle costs.</summary>
    public long StorageCalls => Interlocked.Read(ref _calls);

    /// <summary>The table as this worker last read or wrote it (for tests and diagnostics).</summary>
    public OwnershipTable? LastSeenTable => _state.View;

    /// <summary>Raised (on the cycle's thread) for a partition this worker may now work on: read its in-flight record first.</summary>
    public event Action<int>? Acquired;

    /// <summary>Raised after the partition's <see cref="OwnershipToken"/> was cancelled.</summary>
    public event Action<int>? Lost;

    public int PartitionOf(string name) => PartitionHash.Of(name, _options.Count);

    /// <summary>Whether this worker may start work on the name now: its partition is owned and the last renewal is recent enough.</summary>
    public bool IsOwned(string name)
    {
        var partition = PartitionOf(name);
        // The token's timer may fire a moment before the clock reads past the deadline: whichever
        // comes first ends the work, so the two never disagree about a partition.
        return _owned.Contains(partition) && Now.Ticks < Volatile.Read(ref _workUntilTicks) && !OwnershipToken(partition).IsCancellationRequested;
    }

    /// <summary>Cancelled when this worker loses the partition (already cancelled when it does not own it).</summary>
    public CancellationToken OwnershipToken(int partition)
    {
        lock (_tokensLock)
            return _tokens.TryGetValue(partition, out var source) ? source.Token : new CancellationToken(canceled: true);
    }

    /// <summary>Runs cycles until <paramref name="stoppingToken"/> is cancelled; does not release (see <see cref="ReleaseAsync"/>).</summary>
    /// <param name="firstCycle">The result of a cycle the caller has just run itself (to have partitions before its first listing): the loop then starts with the pause after it.</param>
    public async Task RunAsync(CancellationToken stoppingToken, bool? firstCycle = null)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var succeeded = firstCycle ?? await CycleAsync(stoppingToken).ConfigureAwait(false);
                firstCycle = null;
                // While ownership moves, come back soon, as the Event Hubs processor's greedy strategy does.
                var pause = !succeeded ? _options.RenewalInterval / 3 : _settling ? _options.RenewalInterval / 4 : _options.RenewalInterval;
                await SleepCheckingExpiryAsync(pause, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One renewal and balancing step. False when storage could not be reached.</summary>
    public async Task<bool> CycleAsync(CancellationToken cancellationToken)
    {
        // A cycle never outlasts a renewal interval, so the expiry check below is never late.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(_options.RenewalInterval);
        try
        {
            if (_readFirst)
                await ReadAsync(bounded.Token).ConfigureAwait(false);
            for (var conflicts = 0; ; conflicts++)
            {
                var decision = _state.Plan(Now);
                if (decision.Table is null)
                {
                    ReportBlocked(decision.BlockedBy);
                    return true;
                }
                _blockedBy = null;
                var sent = Now;
                if (await TryWriteAsync(decision.Table, bounded.Token).ConfigureAwait(false))
                {
                    Apply(_state.Confirm(decision, sent));
                    ExtendTokens();
                    _settling = decision.IsSettling;
                    // Others write too: their writes change the ETag, so read before writing next time.
                    _readFirst = decision.Table.Owners.Count > 1;
                    return true;
                }
                if (conflicts == MaxConflictsPerCycle)
                {
                    // Crowded out this time: not renewed, so come back soon, reading first.
                    _readFirst = true;
                    return false;
                }
                await ReadAsync(bounded.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is StorageUnavailableException or RequestFailedException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            _logger.LogWarning("Could not renew partition ownership ({Error}); trying again soon.", e.Message);
            _readFirst = true;
            return false;
        }
        finally
        {
            Apply(_state.CheckExpiry(Now));
        }
    }

    /// <summary>
    /// Clean shutdown: hands this worker's partitions to whoever asked for them, or leaves them
    /// unowned for the others to take at their next cycle, and removes this owner from the table.
    /// Call after work on the partitions has stopped. If storage cannot be reached, the others
    /// take over after <c>ownershipExpiry</c> instead.
    /// </summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        // Stopped here first, in case work is still under way: once the table says so, others start.
        Apply(_state.DropAll());
        try
        {
            for (var conflicts = 0; conflicts <= MaxConflictsPerCycle; conflicts++)
            {
                if (_readFirst || conflicts > 0)
                    await ReadAsync(cancellationToken).ConfigureAwait(false);
                if (_state.PlanLeave() is not { } leave || await TryWriteAsync(leave, cancellationToken).ConfigureAwait(false))
                    break;
            }
        }
        catch (Exception e) when (e is StorageUnavailableException or RequestFailedException or OperationCanceledException)
        {
            _logger.LogWarning("Could not release partition ownership ({Error}); other workers take over once it expires.", e.Message);
        }
        finally
        {
            Apply(_state.DropAll());
            _readFirst = true;
        }
    }

    public ValueTask DisposeAsync()
    {
        Apply(_state.DropAll());
        return ValueTask.CompletedTask;
    }

    private TimeSpan Now => _clock.GetElapsedTime(_origin);

    private async Task SleepCheckingExpiryAsync(TimeSpan pause, CancellationToken cancellationToken)
    {
        // Ownership can run out while sleeping only if the last cycle failed; the check then comes at least every third of a renewal interval.
        var step = _options.RenewalInterval / 3;
        for (var slept = TimeSpan.Zero; slept < pause; slept += step)
        {
            await Task.Delay(pause - slept < step ? pause - slept : step, _clock, cancellationToken).ConfigureAwait(false);
            Apply(_state.CheckExpiry(Now));
        }
    }

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        var (table, etag) = await _resilience.RunAsync<(OwnershipTable?, ETag?)>(async ct =>
        {
            Interlocked.Increment(ref _calls);
            try
            {
                var response = await _table.DownloadContentAsync(ct).ConfigureAwait(false);
                // An unreadable table is overwritten (If-Match its ETag) as if it were empty.
                return (OwnershipTable.FromBinary(response.Value.Content) ?? OwnershipTable.Empty(_options.Count), response.Value.Details.ETag);
            }
            catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode != BlobErrorCode.ContainerNotFound)
            {
                // No record yet. (A missing container is a failure, not an empty state.)
                return (null, null);
            }
        }, cancellationToken).ConfigureAwait(false);
        _etag = etag;
        Apply(_state.Observe(table, Now));
    }

    private async Task<bool> TryWriteAsync(OwnershipTable table, CancellationToken cancellationToken)
    {
        var conditions = _etag is { } etag ? new BlobRequestConditions { IfMatch = etag } : new BlobRequestConditions { IfNoneMatch = ETag.All };
        var written = await _resilience.RunAsync<ETag?>(async ct =>
        {
            Interlocked.Increment(ref _calls);
            try
            {
                var response = await _table.UploadAsync(table.ToBinary(), new BlobUploadOptions { Conditions = conditions }, ct).ConfigureAwait(false);
                return response.Value.ETag;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Someone else wrote since our look (or our own earlier try did, its answer lost).
                return null;
            }
        }, cancellationToken).ConfigureAwait(false);
        if (written is null)
            return false;
        _etag = written;
        return true;
    }

    private void ReportBlocked(int? theirCount)
    {
        if (_blockedBy != theirCount)
            _logger.LogError(
                "The workers of this scan split names into {TheirCount} partitions, this one into {OurCount} ({Key}); it takes no partition until they are gone. Give every worker the same count.",
                theirCount, _options.Count, $"{PartitionOptions.Section}:count");
        _blockedBy = theirCount;
    }

    private void Apply(OwnershipChange change)
    {
        if (change.Acquired.Count == 0 && change.Lost.Count == 0)
            return;
        _owned = _state.Owned.ToFrozenSet();
        foreach (var partition in change.Lost)
        {
            CancellationTokenSource? source;
            lock (_tokensLock)
                _tokens.Remove(partition, out source);
            _logger.LogInformation("Stopped work on partition {Partition}.", partition);
            Notify(() =>
            {
                try
                {
                    source?.Cancel();
                }
                finally
                {
                    source?.Dispose();
                }
            }, partition);
            Notify(() => Lost?.Invoke(partition), partition);
        }
        foreach (var partition in change.Acquired)
        {
            lock (_tokensLock)
                _tokens[partition] = NewToken();
            _logger.LogInformation("Took partition {Partition}.", partition);
            Notify(() => Acquired?.Invoke(partition), partition);
        }
    }

    // Each accepted renewal pushes back the moment the partitions' tokens cancel themselves: a
    // process frozen past it (a long GC pause, a suspended VM) finds its work cancelled by the
    // timer as soon as it runs again, before the cycle loop has even noticed.
    private void ExtendTokens()
    {
        var until = _state.WorkUntil;
        Volatile.Write(ref _workUntilTicks, until.Ticks);
        var remaining = until - Now;
        var lapsed = new List<int>();
        lock (_tokensLock)
        {
            foreach (var (partition, source) in _tokens.ToList())
            {
                if (source.IsCancellationRequested)
                {
                    // The timer fired before this renewal got through: that work was cancelled, so
                    // for its handlers the partition was lost and is taken again.
                    _tokens[partition] = NewToken();
                    source.Dispose();
                    lapsed.Add(partition);
                }
                _tokens[partition].CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
            }
        }
        foreach (var partition in lapsed)
        {
            _logger.LogWarning("Work on partition {Partition} was stopped: its ownership had nearly run out before the renewal got through.", partition);
            Notify(() => Lost?.Invoke(partition), partition);
            Notify(() => Acquired?.Invoke(partition), partition);
        }
    }

    private CancellationTokenSource NewToken() => new(Timeout.InfiniteTimeSpan, _clock);

    // A subscriber's failure must not leave the ownership state half applied or stop the renewals.
    private void Notify(Action notify, int partition)
    {
        try
        {
            notify();
        }
        catch (Exception e)
        {
            _logger.LogError(e, "A handler of a change of partition {Partition} failed.", partition);
        }
    }
}

using System.Collections.Concurrent;
using Azure;
using IngestWorker.Storage;
using Microsoft.Extensions.Logging;

namespace IngestWorker.Triggers.Partitions;

/// <summary>
/// This worker's view of the in-flight records of the partitions it owns
/// (<see cref="BlobInflightRecords"/>, rules in <see cref="InflightPlanner"/>): the record of each
/// partition as last read or written, and its ETag. A batch is planned and its record written before
/// any of its blobs starts (the attempts count even if this process dies); its results are settled
/// in memory and written with the partition's next batch, or at once when an attempt was given back.
/// Writes to one partition's record are serialised; batches of one partition may overlap.
/// </summary>
public sealed class PartitionInflight(BlobInflightRecords records, string ownerId, int poisonThreshold, int partitionCount, ILogger logger)
{
    private static readonly TimeSpan SettleWriteTimeout = TimeSpan.FromSeconds(5);

    private readonly Slot[] _slots = Enumerable.Range(0, partitionCount).Select(_ => new Slot()).ToArray();
    private long _writes;

    /// <summary>Record reads and writes so far (each call, not each try).</summary>
    public long StorageCalls => Interlocked.Read(ref _writes);

    /// <summary>The partition was (re)acquired: read its record again before its next batch (the previous owner's, perhaps).</summary>
    public void Reload(int partition) => _slots[partition].Stale = true;

    /// <summary>
    /// A listing found this version done. If the record carries it (a previous owner finished it
    /// but never wrote its settled record), it leaves the record with the next write.
    /// </summary>
    public void NoteFinished(int partition, InputBlob blob)
    {
        var slot = _slots[partition];
        if (slot.Carried.TryGetValue(blob.Name, out var etag) && etag == blob.ETag)
            slot.Finished[(blob.Name, blob.ETag)] = 0;
    }

    /// <summary>
    /// Plans a batch of <paramref name="partition"/> and writes its record: one call (two when the
    /// record must be read first). Null when the record was written by someone else since this
    /// worker last read it: the partition is no longer this worker's, and the batch must not start.
    /// </summary>
    public async Task<InflightPlan?> PlanAsync(int partition, IReadOnlyList<InflightCandidate> batch, CancellationToken ownership, CancellationToken cancellationToken)
    {
        var slot = _slots[partition];
        await slot.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (slot.Stale || !slot.Loaded)
            {
                slot.Stale = false;
                Interlocked.Increment(ref _writes);
                var snapshot = await records.ReadAsync(partition, cancellationToken).ConfigureAwait(false);
                slot.Set(snapshot.Record, snapshot.ETag);
                slot.Loaded = true;
            }
            if (ownership.IsCancellationRequested)
                return null;
            var finished = slot.Finished.Keys.ToHashSet();
            var plan = InflightPlanner.Plan(slot.Current, batch, ownerId, poisonThreshold, (name, etag) => !finished.Contains((name, etag)));
            Interlocked.Increment(ref _writes);
            var written = await records.TryWriteAsync(partition, plan.Record, slot.ETag, cancellationToken).ConfigureAwait(false);
            if (written.IsConflict)
            {
                logger.LogInformation("The in-flight record of partition {Partition} was written by another worker; leaving the partition's batch to it.", partition);
                slot.Loaded = false;
                return null;
            }
            slot.Set(plan.Record, written.ETag);
            foreach (var key in finished)
                slot.Finished.TryRemove(key, out _);
            return plan;
        }
        catch
        {
            // The write may have landed or not: read the record again before the next batch.
            slot.Loaded = false;
            throw;
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    /// <summary>
    /// Takes a batch's results into the partition's record (in memory), and writes it at once when
    /// an attempt was given back, so that a new owner does not count it. A conflict then is fine:
    /// the new owner's record stands. Never throws.
    /// </summary>
    public async Task SettleAsync(int partition, IReadOnlyList<InflightResult> results)
    {
        var slot = _slots[partition];
        await slot.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (slot.Current is null)
                return;
            var settled = InflightPlanner.Settle(slot.Current, results);
            slot.Set(settled, slot.ETag);
            if (!InflightPlanner.MustWriteNow(results) || !slot.Loaded)
                return;
            using var timeout = new CancellationTokenSource(SettleWriteTimeout);
            Interlocked.Increment(ref _writes);
            var written = await records.TryWriteAsync(partition, settled, slot.ETag, timeout.Token).ConfigureAwait(false);
            if (written.IsConflict)
                slot.Loaded = false;
            else
                slot.Set(settled, written.ETag);
        }
        catch (Exception e)
        {
            // The attempts given back then count once more: never fewer than were made.
            logger.LogDebug("Could not write the settled in-flight record of partition {Partition} ({Error}).", partition, e.Message);
            slot.Loaded = false;
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    private sealed class Slot
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public readonly ConcurrentDictionary<(string Name, string ETag), byte> Finished = new();
        public volatile bool Stale;
        public bool Loaded;
        public InflightRecord? Current;
        public ETag? ETag;

        // Name → ETag of the entries, read without the gate by the listing (NoteFinished).
        public volatile IReadOnlyDictionary<string, string> Carried = new Dictionary<string, string>();

        public void Set(InflightRecord? record, ETag? etag)
        {
            Current = record;
            ETag = etag;
            var carried = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in record?.Entries ?? [])
                carried[entry.Name] = entry.ETag;
            Carried = carried;
        }
    }
}

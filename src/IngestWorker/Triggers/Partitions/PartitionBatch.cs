using IngestWorker.Storage;

namespace IngestWorker.Triggers.Partitions;

/// <summary>
/// One batch of a partition while its blobs are processed: collects each blob's result, and when
/// the last one is in, settles them into the partition's in-flight record (<see cref="PartitionInflight.SettleAsync"/>).
/// </summary>
public sealed class PartitionBatch(int partition, int size, PartitionInflight inflight)
{
    private readonly List<InflightResult> _results = new(size);
    private int _remaining = size;

    public int Partition => partition;

    /// <summary>Reports one blob's result; exactly once per blob of the batch.</summary>
    public Task ReportAsync(InflightResult result)
    {
        lock (_results)
            _results.Add(result);
        if (Interlocked.Decrement(ref _remaining) != 0)
            return Task.CompletedTask;
        List<InflightResult> all;
        lock (_results)
            all = [.. _results];
        return inflight.SettleAsync(partition, all);
    }
}

/// <summary>A blob handed to a processor: its claim (the plan's attempt) and the batch it reports to.</summary>
public sealed record ScanWork(PartitionBlobClaim Claim, PartitionBatch Batch);

namespace IngestWorker.Options;

/// <summary>
/// <c>ingestWorker:partitions</c>: how scan-mode workers share the input container without a claim
/// per blob. Names are spread over <see cref="Count"/> partitions by a stable hash; each partition
/// has one owner at a time, recorded in one ownership table in the state container and kept alive
/// by renewing it (docs/partitions.md).
/// </summary>
public sealed class PartitionOptions
{
    public const string Section = IngestWorkerOptions.Section + ":partitions";

    /// <summary>
    /// How many name-hash partitions the input container is split into (1–999): the most workers
    /// that can share a scan. Every worker of one scan must use the same count; a worker whose count
    /// differs from the table's takes no partition until the workers of the other count are gone.
    /// </summary>
    public int Count { get; set; } = 16;

    /// <summary>How often a worker renews its ownership and rebalances (one or two storage calls each time).</summary>
    public TimeSpan RenewalInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// An owner whose renewals were not seen for this long is taken for dead and its partitions are
    /// taken over: how long a killed worker's blobs wait. At least three renewal intervals, so one
    /// failed renewal costs nobody their partitions. An owner whose renewals fail stops working on
    /// its partitions one renewal interval before this, so they are never worked on twice.
    /// </summary>
    public TimeSpan OwnershipExpiry { get; set; } = TimeSpan.FromSeconds(30);
}

internal static class PartitionOptionsCheck
{
    public static void Validate(List<string> errors, PartitionOptions options)
    {
        const string s = PartitionOptions.Section;
        Check.Range(errors, $"{s}:count", options.Count, 1, 999);
        Check.Duration(errors, $"{s}:renewalInterval", options.RenewalInterval, TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(5));
        Check.Duration(errors, $"{s}:ownershipExpiry", options.OwnershipExpiry, TimeSpan.FromMilliseconds(150), TimeSpan.FromMinutes(30));
        if (options.OwnershipExpiry < options.RenewalInterval * 3)
            errors.Add($"{s}:ownershipExpiry ({options.OwnershipExpiry:c}) must be at least three times {s}:renewalInterval ({options.RenewalInterval:c}).");
    }
}

using Azure;

namespace IngestWorker.Storage;

/// <summary>
/// An outcome blob as a listing with metadata shows it (<see cref="BlobOutcomeWriter"/> writes the
/// metadata): enough to tell whether it is the receipt of an input version.
/// </summary>
/// <param name="WriteId">The write that stored it (<see cref="BlobOutcomeWriter.WriteIdKey"/>), when the metadata was listed.</param>
/// <param name="Bytes">The outcome's length, when the listing shows it.</param>
public sealed record ListedOutcome(string Container, string Name, string? SourceETag, string? PipelineVersion, string? Status,
    string? WriteId = null, long Bytes = 0)
{
    /// <summary>Whether this outcome finishes exactly this input version under this pipeline version.</summary>
    public bool IsReceiptOf(InputBlob input, string pipelineVersion) =>
        SourceETag == BlobNames.BareETag(input.ETag) && PipelineVersion == pipelineVersion;

    public static ListedOutcome From(string container, string name, IDictionary<string, string>? metadata, long bytes = 0) => new(container, name,
        OutcomeMetadata.Get(metadata, BlobOutcomeWriter.SourceETagKey),
        OutcomeMetadata.Get(metadata, BlobOutcomeWriter.PipelineVersionKey),
        OutcomeMetadata.Get(metadata, BlobOutcomeWriter.StatusKey),
        OutcomeMetadata.Get(metadata, BlobOutcomeWriter.WriteIdKey),
        bytes);
}

/// <summary>The outcome that finishes one input version, as a direct look-up found it.</summary>
/// <param name="WriteId">The write that stored it (<see cref="BlobOutcomeWriter.WriteIdKey"/>); null for an outcome written before write ids.</param>
/// <param name="BlobETag">The outcome blob's own ETag, for a conditional delete.</param>
public sealed record FoundOutcome(string Container, string Name, string Status, string? WriteId, long Bytes, ETag BlobETag);

/// <summary>
/// The outcomes as receipts: an input version is finished under a pipeline version when an outcome
/// of its name (<see cref="BlobNames.Output"/>) in one of the three outcome containers carries its
/// ETag and that pipeline version. The outcome is the last thing written for an input, so nothing
/// else needs to record that it is done.
/// </summary>
public interface IOutcomeReceipts
{
    /// <summary>
    /// The outcome of this input version under the configured pipeline version; null when it has
    /// none. Looks in the outcome containers one by one (a storage call each) and stops at the first
    /// outcome of the name: an input has one outcome, since the writer removes the others first.
    /// </summary>
    ValueTask<FoundOutcome?> FindAsync(InputBlob input, CancellationToken cancellationToken);

    /// <summary>
    /// Every outcome of the three outcome containers with its metadata, merged into one listing by
    /// name (ordinal; outcomes of one name in two containers come one after the other), a page per
    /// storage call and container.
    /// </summary>
    IAsyncEnumerable<ListedOutcome> ListAsync(CancellationToken cancellationToken);
}

/// <summary>Reads the outcome metadata whatever the case of its keys (storage keeps them case-insensitively).</summary>
public static class OutcomeMetadata
{
    public static string? Get(IDictionary<string, string>? metadata, string key)
    {
        if (metadata is null)
            return null;
        if (metadata.TryGetValue(key, out var value))
            return value;
        foreach (var (k, v) in metadata)
        {
            if (string.Equals(k, key, StringComparison.OrdinalIgnoreCase))
                return v;
        }
        return null;
    }
}

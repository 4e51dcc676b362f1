namespace IngestWorker.Text.Dedup.Near;

/// <summary>
/// A document's claim on one LSH band: who it is and its MinHash signature, so a later document
/// that lands in the same band can confirm the match without another lookup.
/// </summary>
/// <param name="Signature">The signature in <see cref="MinHashSignature.ToBase64"/> form.</param>
public sealed record BandEntry(string Container, string Name, string Signature)
{
    public bool IsSameDocument(BandEntry other) => Container == other.Container && Name == other.Name;
}

/// <summary>
/// The shared LSH band index. A band key is claimed once, atomically: of two callers claiming the
/// same band key at the same moment, exactly one becomes its owner and both are told the same
/// owner. Entries are never changed after creation, which is what lets a cache sit in front of
/// it without changing answers. The host keeps it in blob storage; tests use
/// <see cref="InMemoryNearDuplicateIndex"/>.
/// </summary>
public interface INearDuplicateIndex
{
    /// <summary>Records <paramref name="candidate"/> as the owner of the band key unless it has one; returns the owner.</summary>
    ValueTask<BandEntry> ClaimBandAsync(int band, ulong key, BandEntry candidate, CancellationToken cancellationToken);

    /// <summary>
    /// The name of the first document of the cluster <paramref name="container"/>/<paramref name="name"/>
    /// belongs to (its own name when it leads one); null while that document has not been decided.
    /// </summary>
    ValueTask<string?> GetRepresentativeAsync(string container, string name, CancellationToken cancellationToken);

    /// <summary>Records the decision: <paramref name="name"/> belongs to the cluster led by <paramref name="representative"/>.</summary>
    ValueTask SetRepresentativeAsync(string container, string name, string representative, CancellationToken cancellationToken);
}

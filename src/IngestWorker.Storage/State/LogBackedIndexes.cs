using IngestWorker.Text.Dedup;
using IngestWorker.Text.Dedup.Near;
using IngestWorker.Text.Templates;

namespace IngestWorker.State;

/// <summary>
/// The text pipeline's index ports in the worker: each call goes to the overlay of the batch being
/// decided (<see cref="StateBatches"/> sets <see cref="Current"/> before it runs the batch's
/// pipelines and clears it after), so the stages need not know that their answers come from an
/// in-memory index that is committed a batch at a time.
/// </summary>
public sealed class LogBackedIndexes : IExactDuplicateIndex, INearDuplicateIndex, ISiteTemplateIndex
{
    private volatile StateOverlay? _current;

    /// <summary>The overlay of the batch being decided; null between batches.</summary>
    public StateOverlay? Current
    {
        get => _current;
        set => _current = value;
    }

    private StateOverlay Overlay => _current ?? throw new InvalidOperationException(
        "The shared state was asked outside a batch: the text pipeline runs through StateBatches in the worker.");

    public ValueTask<HashOwner> ClaimAsync(string contentHash, HashOwner candidate, CancellationToken cancellationToken) =>
        Overlay.ClaimAsync(contentHash, candidate, cancellationToken);

    public ValueTask<BandEntry> ClaimBandAsync(int band, ulong key, BandEntry candidate, CancellationToken cancellationToken) =>
        Overlay.ClaimBandAsync(band, key, candidate, cancellationToken);

    public ValueTask<string?> GetRepresentativeAsync(string container, string name, CancellationToken cancellationToken) =>
        Overlay.GetRepresentativeAsync(container, name, cancellationToken);

    public ValueTask SetRepresentativeAsync(string container, string name, string representative, CancellationToken cancellationToken) =>
        Overlay.SetRepresentativeAsync(container, name, representative, cancellationToken);

    public ValueTask<IReadOnlyDictionary<ulong, int>> ObserveAsync(string site, string documentId, IReadOnlyCollection<ulong> lineKeys, CancellationToken cancellationToken) =>
        Overlay.ObserveAsync(site, documentId, lineKeys, cancellationToken);
}

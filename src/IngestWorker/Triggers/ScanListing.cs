using System.Runtime.CompilerServices;
using IngestWorker.Storage;

namespace IngestWorker.Triggers;

/// <summary>One blob of a scan's listing; <paramref name="Receipted"/>: the outcome listings showed this version done (its outcome is its receipt).</summary>
public readonly record struct ListedBlob(InputBlob Blob, bool Receipted)
{
    /// <summary>The outcome listings showed no outcome of this name at all, of any version (a listing with outcomes only).</summary>
    public bool NoOutcomeOfName { get; init; }

    /// <summary>The outcome that finishes this version, as listed (with its write id), when <see cref="Receipted"/>.</summary>
    public ListedOutcome? Receipt { get; init; }
}

/// <summary>What one listing found, for the line a scanner logs.</summary>
public sealed class ScanListingCounts
{
    public long Listed { get; set; }

    /// <summary>Blobs whose version has its outcome (a listing with outcomes only).</summary>
    public long Receipted { get; set; }

    /// <summary>Blobs whose outcome the merge cannot place (a shortened or hashed outcome name): their outcome is looked up directly.</summary>
    public long NotJoinable { get; set; }

    /// <summary>Names storage listed out of ordinal order; each costs an outcome look-up, nothing worse.</summary>
    public long OutOfOrder { get; set; }

    /// <summary>
    /// The input listing met a name storage cannot list (<see cref="UnlistableNames"/>): what it
    /// listed is handed out, but it cannot be proved whole, so it must not count as a complete listing.
    /// </summary>
    public bool Incomplete { get; set; }
}

/// <summary>
/// The input container's listing as a scanner reads it. A scanner that does not yet know since
/// when to look (a worker's first scan, a queue-mode scanner without a checkpoint) must consider
/// every blob, and asking for each one's outcome costs a storage call per blob: 100,000 at start
/// over a container of 100,000 finished blobs. Listed <c>withReceipts</c>, the three outcome
/// containers are listed alongside with their metadata and merged with the blobs by name
/// (<see cref="OutcomeJoin"/>), so a blob whose version has its outcome costs only its share of
/// four listings, and memory holds a page of each, never every name.
/// </summary>
/// <remarks>
/// The merge can only err towards a look-up: a blob is marked done only when an outcome of its
/// name listed with exactly its ETag and the pipeline version, and the outcome is the last thing
/// written for an input. A name listed out of order or a name the merge cannot place leaves the
/// blob unmarked, and the processor's own look-up decides.
/// </remarks>
public sealed class ScanListing(IInputStore inputs, IOutcomeReceipts outcomes, string pipelineVersion, UnlistableNames? unlistable = null)
{
    // A listing page: each listing fetches its next page while the merge works through the current one.
    private const int ReadAhead = 5000;

    /// <summary>The input listing's kind in <see cref="UnlistableNames"/> (<see cref="BlobInputStore"/>'s).</summary>
    public const string InputKind = BlobInputStore.ListingKind;

    /// <param name="listingStarted">Told the storage server's time at the start of the input listing, before the first blob.</param>
    public async IAsyncEnumerable<ListedBlob> ListAsync(bool withReceipts, Action<DateTimeOffset> listingStarted, ScanListingCounts counts,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var incompleteBefore = unlistable?.IncompleteListings(InputKind) ?? 0;
        if (!withReceipts)
        {
            await foreach (var blob in inputs.ListAsync(listingStarted, cancellationToken).ConfigureAwait(false))
            {
                counts.Listed++;
                yield return new ListedBlob(blob, false);
            }
            counts.Incomplete = unlistable?.IncompleteListings(InputKind) > incompleteBefore;
            yield break;
        }

        // Set on the listing's own task before its first blob is handed over, so read after one.
        DateTimeOffset? started = null;
        var told = false;
        long fromListing = 0, merged = 0;
        var listingDone = false;
        var join = new OutcomeJoin(pipelineVersion);
        var rows = join.JoinAsync(
            Counted(inputs.ListAsync(t => started = t, cancellationToken).ReadAheadAsync(ReadAhead, cancellationToken)),
            outcomes.ListAsync(cancellationToken),
            cancellationToken);
        await foreach (var row in rows.ConfigureAwait(false))
        {
            if (row.Input is { } blob)
            {
                Tell();
                merged++;
                counts.Listed++;
                var receipted = row.Match == OutcomeMatch.Done;
                if (receipted)
                    counts.Receipted++;
                else if (row.Match == OutcomeMatch.InputNotJoinable)
                    counts.NotJoinable++;
                // Trusted only while storage lists in order: a name listed out of order may hide its outcome.
                yield return new ListedBlob(blob, receipted)
                {
                    Receipt = row.Receipt,
                    NoOutcomeOfName = row.Match == OutcomeMatch.NotDone && row.Outcomes.Count == 0 && join.OutOfOrder == 0 };
            }
            // The outcomes still to come are of inputs no longer in the container.
            if (listingDone && merged == fromListing)
                break;
        }
        counts.OutOfOrder = join.OutOfOrder;
        counts.Incomplete = unlistable?.IncompleteListings(InputKind) > incompleteBefore;
        Tell();

        void Tell()
        {
            if (!told && started is { } at)
            {
                told = true;
                listingStarted(at);
            }
        }

        async IAsyncEnumerable<InputBlob> Counted(IAsyncEnumerable<InputBlob> listing)
        {
            await foreach (var blob in listing.ConfigureAwait(false))
            {
                fromListing++;
                yield return blob;
            }
            listingDone = true;
        }
    }
}

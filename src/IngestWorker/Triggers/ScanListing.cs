using System.Runtime.CompilerServices;
using IngestWorker.Storage;

namespace IngestWorker.Triggers;

/// <summary>One blob of a scan's listing; <paramref name="Receipted"/>: the receipt listing showed this version done.</summary>
public readonly record struct ListedBlob(InputBlob Blob, bool Receipted);

/// <summary>What one listing found, for the line a scanner logs.</summary>
public sealed class ScanListingCounts
{
    public long Listed { get; set; }

    /// <summary>Blobs whose version has its receipt (a listing with receipts only).</summary>
    public long Receipted { get; set; }

    /// <summary>Blobs whose receipt the merge cannot place (<c>@</c> in the name, a shortened or hashed receipt name): their receipt is looked up directly.</summary>
    public long NotJoinable { get; set; }

    /// <summary>Names storage listed out of ordinal order; each costs a receipt look-up, nothing worse.</summary>
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
/// every blob, and asking for each one's receipt costs a storage call per blob: 100,000 at start
/// over a container of 100,000 finished blobs. Listed <c>withReceipts</c>, the receipts of the
/// pipeline version are listed alongside and merged with the blobs by name
/// (<see cref="ReceiptJoin"/>), so a blob whose version has its receipt costs only its share of
/// two listings, and memory holds a page of each, never every name.
/// </summary>
/// <remarks>
/// The merge can only err towards a look-up: a blob is marked receipted only when a receipt of
/// exactly its name and ETag was listed, and receipts are written only after the outcome. A
/// receipt listed a moment too early, a name listed out of order or a name the merge cannot place
/// leaves the blob unmarked, and the processor's own receipt check decides.
/// </remarks>
public sealed class ScanListing(IInputStore inputs, IReceiptStore receipts, string pipelineVersion, UnlistableNames? unlistable = null)
{
    // A listing page: each listing fetches its next page while the merge works through the current one.
    private const int ReadAhead = 5000;

    /// <summary>The input listing's kind in <see cref="UnlistableNames"/> (<see cref="BlobInputStore"/>'s).</summary>
    public const string InputKind = "input";

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
        var join = new ReceiptJoin(pipelineVersion, inputs.ContainerName);
        var rows = join.JoinAsync(
            Counted(inputs.ListAsync(t => started = t, cancellationToken).ReadAheadAsync(ReadAhead, cancellationToken)),
            receipts.ListNamesAsync(cancellationToken).ReadAheadAsync(ReadAhead, cancellationToken),
            name => name,
            cancellationToken);
        await foreach (var row in rows.ConfigureAwait(false))
        {
            if (row.Input is { } blob)
            {
                Tell();
                merged++;
                counts.Listed++;
                var receipted = row.Match == ReceiptMatch.Receipted;
                if (receipted)
                    counts.Receipted++;
                else if (row.Match == ReceiptMatch.InputNotJoinable)
                    counts.NotJoinable++;
                yield return new ListedBlob(blob, receipted);
            }
            // The receipts still to come are of versions no longer in the container.
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

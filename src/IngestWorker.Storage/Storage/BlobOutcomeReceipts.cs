using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using IngestWorker.Options;
using Microsoft.Extensions.Options;

namespace IngestWorker.Storage;

/// <summary>The outcome blobs read as receipts: a HEAD per container for one input, listings with metadata for many.</summary>
public sealed class BlobOutcomeReceipts : IOutcomeReceipts
{
    /// <summary>The outcome listings' kind in <see cref="UnlistableNames"/> and the listing metrics.</summary>
    public const string ListingKind = "outcomes";

    private const int PageSize = 5000;

    private readonly IngestContainers _containers;
    private readonly StorageResilience _resilience;
    private readonly string _pipelineVersion;
    private readonly ListingPace _pace;
    private readonly UnlistableNames _unlistable;

    public BlobOutcomeReceipts(IngestContainers containers, StorageResilience resilience, ListingPace pace, UnlistableNames unlistable, IOptions<IngestWorkerOptions> options)
    {
        _containers = containers;
        _resilience = resilience;
        _pace = pace;
        _unlistable = unlistable;
        _pipelineVersion = options.Value.Pipeline.Version;
    }

    public async ValueTask<FoundOutcome?> FindAsync(InputBlob input, CancellationToken cancellationToken)
    {
        var name = BlobNames.Output(input.Name);
        // Accepted first: most inputs end there, so most look-ups cost one call.
        foreach (var container in _containers.Outcomes)
        {
            var properties = await _resilience.PropertiesOrNullAsync(container.GetBlobClient(name), cancellationToken).ConfigureAwait(false);
            if (properties is null)
                continue;
            var listed = ListedOutcome.From(container.Name, name, properties.Metadata);
            // The name's one outcome is of another input version or pipeline version: this one has none.
            if (!listed.IsReceiptOf(input, _pipelineVersion))
                return null;
            return new FoundOutcome(container.Name, name, listed.Status ?? "", OutcomeMetadata.Get(properties.Metadata, BlobOutcomeWriter.WriteIdKey),
                properties.ContentLength, properties.ETag);
        }
        return null;
    }

    public IAsyncEnumerable<ListedOutcome> ListAsync(CancellationToken cancellationToken) =>
        OutcomeListings.MergeByNameAsync(_containers.Outcomes.Select(c => ListContainerAsync(c, cancellationToken).ReadAheadAsync(PageSize, cancellationToken)).ToList(), cancellationToken);

    private async IAsyncEnumerable<ListedOutcome> ListContainerAsync(BlobContainerClient container, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var source = new ListingSource<BlobItem>(ListingKind, $"the outcomes in '{container.Name}'", PageSize, item => item.Name, async (token, prefix, size, ct) =>
        {
            try
            {
                return await PagedListing.FirstAsync(container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, prefix, ct).AsPages(token, size), ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // No such container yet: no outcomes.
                return null;
            }
        });
        // A name storage cannot list costs what the listing saves: its input gets a direct look-up.
        await foreach (var page in PagedListing.PagesAsync(_resilience, _pace, source, _unlistable, cancellationToken).ConfigureAwait(false))
        {
            foreach (var item in page.Values)
            {
                if (!item.Deleted)
                    yield return ListedOutcome.From(container.Name, item.Name, item.Metadata, item.Properties.ContentLength ?? 0);
            }
        }
    }
}

using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using IngestWorker.Storage;

namespace IngestWorker.Cli;

/// <summary>
/// Listings for the operator commands, a page per storage call through the worker's retry layer (as
/// the worker's own input listing does), so a failure repeats one page rather than the whole listing.
/// A container that does not exist lists as empty.
/// </summary>
internal sealed class BlobListing(StorageResilience resilience)
{
    private const int PageSize = 5000;

    public async IAsyncEnumerable<BlobItem> ListAsync(BlobContainerClient container, string prefix, BlobTraits traits, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pages = Pages((token, ct) => container.GetBlobsAsync(traits, BlobStates.None, NullIfEmpty(prefix), ct).AsPages(token, PageSize), cancellationToken);
        await foreach (var page in pages.ConfigureAwait(false))
        {
            foreach (var item in page.Values)
            {
                if (!item.Deleted)
                    yield return item;
            }
        }
    }

    /// <summary>The "folders" directly under <paramref name="prefix"/> (each ending in '/').</summary>
    public async IAsyncEnumerable<string> ListFoldersAsync(BlobContainerClient container, string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pages = Pages((token, ct) => container.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", NullIfEmpty(prefix), ct).AsPages(token, PageSize), cancellationToken);
        await foreach (var page in pages.ConfigureAwait(false))
        {
            foreach (var item in page.Values)
            {
                if (item.IsPrefix)
                    yield return item.Prefix;
            }
        }
    }

    /// <summary>The blobs as the worker's scan sees them: name, ETag in header form, size, last change.</summary>
    public async IAsyncEnumerable<InputBlob> ListInputsAsync(BlobContainerClient container, string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in ListAsync(container, prefix, BlobTraits.None, cancellationToken).ConfigureAwait(false))
        {
            if (item.Properties.ETag is { } etag)
                yield return new InputBlob(item.Name, etag.ToString("H"), item.Properties.ContentLength ?? 0, item.Properties.LastModified);
        }
    }

    /// <summary>The three outcome containers' listings with metadata under a prefix, merged by name: what <see cref="OutcomeJoin"/> reads.</summary>
    public IAsyncEnumerable<ListedOutcome> ListOutcomesAsync(IngestContainers containers, string prefix, CancellationToken cancellationToken) =>
        OutcomeListings.MergeByNameAsync(containers.Outcomes.Select(container =>
            ListAsync(container, prefix, BlobTraits.Metadata, cancellationToken).Select(item => ListedOutcome.From(container.Name, item.Name, item.Metadata))).ToList(),
            cancellationToken);

    public async Task<long> CountAsync(BlobContainerClient container, string prefix, CancellationToken cancellationToken)
    {
        long count = 0;
        await foreach (var _ in ListAsync(container, prefix, BlobTraits.None, cancellationToken).ConfigureAwait(false))
            count++;
        return count;
    }

    // An operator's listing has no blobs to give way to: no pace.
    private IAsyncEnumerable<Page<T>> Pages<T>(Func<string?, CancellationToken, IAsyncEnumerable<Page<T>>> pages, CancellationToken cancellationToken)
        where T : notnull =>
        PagedListing.PagesAsync(resilience, pace: null, async (token, ct) =>
        {
            try
            {
                return await PagedListing.FirstAsync(pages(token, ct), ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
            {
                return null;
            }
        }, cancellationToken);

    private static string? NullIfEmpty(string prefix) => prefix.Length == 0 ? null : prefix;
}

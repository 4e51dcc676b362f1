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
        string? continuation = null;
        do
        {
            var token = continuation;
            var page = await FirstPageAsync(ct => container.GetBlobsAsync(traits, BlobStates.None, NullIfEmpty(prefix), ct).AsPages(token, PageSize), cancellationToken).ConfigureAwait(false);
            if (page is null)
                yield break;
            foreach (var item in page.Values)
            {
                if (!item.Deleted)
                    yield return item;
            }
            continuation = page.ContinuationToken;
        }
        while (!string.IsNullOrEmpty(continuation));
    }

    /// <summary>The "folders" directly under <paramref name="prefix"/> (each ending in '/').</summary>
    public async IAsyncEnumerable<string> ListFoldersAsync(BlobContainerClient container, string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? continuation = null;
        do
        {
            var token = continuation;
            var page = await FirstPageAsync(ct => container.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", NullIfEmpty(prefix), ct).AsPages(token, PageSize), cancellationToken).ConfigureAwait(false);
            if (page is null)
                yield break;
            foreach (var item in page.Values)
            {
                if (item.IsPrefix)
                    yield return item.Prefix;
            }
            continuation = page.ContinuationToken;
        }
        while (!string.IsNullOrEmpty(continuation));
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

    public async Task<long> CountAsync(BlobContainerClient container, string prefix, CancellationToken cancellationToken)
    {
        long count = 0;
        await foreach (var _ in ListAsync(container, prefix, BlobTraits.None, cancellationToken).ConfigureAwait(false))
            count++;
        return count;
    }

    private async Task<Page<T>?> FirstPageAsync<T>(Func<CancellationToken, IAsyncEnumerable<Page<T>>> pages, CancellationToken cancellationToken)
    {
        try
        {
            return await resilience.RunAsync(async ct =>
            {
                await foreach (var page in pages(ct).WithCancellation(ct).ConfigureAwait(false))
                    return page;
                return null;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return null;
        }
    }

    private static string? NullIfEmpty(string prefix) => prefix.Length == 0 ? null : prefix;
}

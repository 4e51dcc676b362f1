using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace IngestWorker.Storage;

public sealed class BlobInputStore : IInputStore
{
    private readonly BlobContainerClient _input;
    private readonly StorageResilience _resilience;
    private readonly ListingPace _pace;
    private readonly UnlistableNames _unlistable;

    public BlobInputStore(IngestContainers containers, StorageResilience resilience, ListingPace pace, UnlistableNames unlistable)
    {
        _input = containers.Input;
        _resilience = resilience;
        _pace = pace;
        _unlistable = unlistable;
    }

    public string ContainerName => _input.Name;

    /// <summary>This listing's kind in <see cref="UnlistableNames"/> and its metric tag.</summary>
    public const string ListingKind = "input";

    /// <summary>Names per listing page (storage's own maximum); smaller in tests, to list a few blobs in several pages.</summary>
    internal int PageSize { get; set; } = 5000;

    public IAsyncEnumerable<InputBlob> ListAsync(CancellationToken cancellationToken) => ListAsync(null, cancellationToken);

    public async IAsyncEnumerable<InputBlob> ListAsync(Action<DateTimeOffset>? listingStarted, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var first = true;
        var source = new ListingSource<BlobItem>(ListingKind, $"container '{_input.Name}'", PageSize, item => item.Name,
            (token, prefix, size, ct) => PagedListing.FirstAsync(_input.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, ct).AsPages(token, size), ct));
        var pages = PagedListing.PagesAsync(_resilience, _pace, source, _unlistable, cancellationToken);
        await foreach (var page in pages.ConfigureAwait(false))
        {
            if (first && listingStarted is not null)
                listingStarted(page.GetRawResponse().Headers.Date ?? DateTimeOffset.UtcNow);
            first = false;
            foreach (var item in page.Values)
            {
                if (item.Deleted || item.Properties.ETag is not { } etag)
                    continue;
                // The header form ("0x8D…", quoted), whichever form the listing used, so that ETags from
                // listings, uploads and documents compare equal.
                yield return new InputBlob(item.Name, etag.ToString("H"), item.Properties.ContentLength ?? 0, item.Properties.LastModified, item.Properties.CreatedOn);
            }
        }
    }

    public ValueTask<InputRead> ReadAsync(InputBlob input, CancellationToken cancellationToken)
    {
        // The processor never reads such an input (it rejects it as unsafe_name); addressed, it
        // would be another blob.
        if (BlobNameSafety.Problem(input.Name) is { } problem)
            throw new InvalidOperationException($"An input whose name cannot be addressed safely ({problem}) must not be read.");
        var blob = _input.GetBlobClient(input.Name);
        // If-Match pins the version the scan saw; reading a newer one under the old ETag would
        // attach the wrong content to the old version's receipt.
        var options = new BlobDownloadOptions { Conditions = new BlobRequestConditions { IfMatch = new ETag(input.ETag) } };
        return _resilience.RunAsync(async ct =>
        {
            try
            {
                var result = await blob.DownloadContentAsync(options, ct).ConfigureAwait(false);
                return new InputRead(InputReadStatus.Read, result.Value.Content.ToMemory());
            }
            catch (RequestFailedException e) when (e.Status is 412 or 304)
            {
                return new InputRead(InputReadStatus.Changed, default);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return new InputRead(InputReadStatus.Deleted, default);
            }
        }, cancellationToken);
    }
}

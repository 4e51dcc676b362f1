using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using IngestWorker.Options;
using Microsoft.Extensions.Options;

namespace IngestWorker.Storage;

/// <summary>Receipts as small JSON blobs under <c>receipts/{version}/{container}/{name}@{etag}</c> in the state container.</summary>
public sealed class BlobReceiptStore : IReceiptStore
{
    private const int PageSize = 5000;

    private readonly BlobContainerClient _state;
    private readonly StorageResilience _resilience;
    private readonly string _inputContainer;
    private readonly string _pipelineVersion;
    private readonly ListingPace _pace;
    private readonly UnlistableNames _unlistable;

    public BlobReceiptStore(IngestContainers containers, StorageResilience resilience, ListingPace pace, UnlistableNames unlistable, IOptions<IngestWorkerOptions> options)
    {
        _pace = pace;
        _unlistable = unlistable;
        _state = containers.State;
        _resilience = resilience;
        _inputContainer = options.Value.Containers.Input;
        _pipelineVersion = options.Value.Pipeline.Version;
    }

    public ValueTask<bool> ExistsAsync(InputBlob input, CancellationToken cancellationToken)
    {
        var blob = _state.GetBlobClient(BlobNames.Receipt(_pipelineVersion, _inputContainer, input.Name, input.ETag));
        return _resilience.RunAsync(async ct => (await blob.ExistsAsync(ct).ConfigureAwait(false)).Value, cancellationToken);
    }

    public ValueTask<Receipt?> ReadAsync(InputBlob input, CancellationToken cancellationToken)
    {
        var blob = _state.GetBlobClient(BlobNames.Receipt(_pipelineVersion, _inputContainer, input.Name, input.ETag));
        return _resilience.RunAsync(async ct =>
        {
            try
            {
                var content = (await blob.DownloadContentAsync(ct).ConfigureAwait(false)).Value.Content;
                return JsonSerializer.Deserialize(content, StateJsonContext.Default.Receipt);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return null;
            }
        }, cancellationToken);
    }

    public async IAsyncEnumerable<string> ListNamesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var prefix = BlobNames.ReceiptPrefix(_pipelineVersion, _inputContainer);
        var source = new ListingSource<BlobItem>("receipts", $"the receipts of '{_inputContainer}' ({prefix})", PageSize, item => item.Name, async (token, longer, size, ct) =>
        {
            try
            {
                return await PagedListing.FirstAsync(_state.GetBlobsAsync(BlobTraits.None, BlobStates.None, longer ?? prefix, ct).AsPages(token, size), ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // No state container yet: no receipts.
                return null;
            }
        });
        // A receipt name storage cannot list costs only what the receipt listing saves: the blobs
        // whose receipts are not listed get a receipt check each.
        await foreach (var page in PagedListing.PagesAsync(_resilience, _pace, source, _unlistable, cancellationToken).ConfigureAwait(false))
        {
            foreach (var item in page.Values)
                yield return item.Name;
        }
    }

    public ValueTask WriteAsync(Receipt receipt, CancellationToken cancellationToken)
    {
        var blob = _state.GetBlobClient(BlobNames.Receipt(receipt.PipelineVersion, receipt.Container, receipt.Name, receipt.ETag));
        var json = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(receipt, StateJsonContext.Default.Receipt));
        return _resilience.RunAsync(async ct => { await blob.UploadAsync(json, overwrite: true, ct).ConfigureAwait(false); }, cancellationToken);
    }
}

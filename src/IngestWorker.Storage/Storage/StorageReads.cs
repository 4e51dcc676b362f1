using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace IngestWorker.Storage;

/// <summary>Reads that treat a missing blob as an answer, through the one retry layer.</summary>
public static class StorageReads
{
    /// <summary>The blob's properties (metadata included); null when it does not exist.</summary>
    public static ValueTask<BlobProperties?> PropertiesOrNullAsync(this StorageResilience resilience, BlobClient blob, CancellationToken cancellationToken) =>
        resilience.RunAsync<BlobProperties?>(async ct =>
        {
            try
            {
                return (await blob.GetPropertiesAsync(cancellationToken: ct).ConfigureAwait(false)).Value;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return null;
            }
        }, cancellationToken);
}

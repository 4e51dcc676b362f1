using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace IngestWorker.Storage;

/// <summary>
/// First writer wins: creates a blob only if it does not exist (the service makes that atomic), and
/// otherwise reads what the first writer put there. The shared indexes (content hashes, near-duplicate
/// bands) claim their keys this way, so two workers claiming one key are told the same owner.
/// </summary>
internal static class CreateOnce
{
    /// <returns>Null when this call created the blob; otherwise the content written by whoever did.</returns>
    public static async ValueTask<BinaryData?> CreateOrReadAsync(this StorageResilience resilience, BlobClient blob, BinaryData content, CancellationToken cancellationToken)
    {
        var created = await resilience.RunAsync(async ct =>
        {
            try
            {
                await blob.UploadAsync(content, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, ct).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                return false;
            }
        }, cancellationToken).ConfigureAwait(false);
        if (created)
            return null;
        return await resilience.RunAsync(async ct => (await blob.DownloadContentAsync(ct).ConfigureAwait(false)).Value.Content, cancellationToken).ConfigureAwait(false);
    }
}

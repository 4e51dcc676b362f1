using System.Text.Json;
using Azure.Storage.Blobs;
using IngestWorker.Text.Dedup;

namespace IngestWorker.Storage;

/// <summary>
/// The content-hash index as one blob per hash (<c>hashes/sha256/ab/abcd…</c>) in the state
/// container. Claiming is a single create-if-absent, which the service makes atomic: of two workers
/// claiming the same hash at once, exactly one creates the blob and both then read the same owner.
/// </summary>
public sealed class BlobExactDuplicateIndex : IExactDuplicateIndex
{
    private readonly BlobContainerClient _state;
    private readonly StorageResilience _resilience;

    public BlobExactDuplicateIndex(IngestContainers containers, StorageResilience resilience)
    {
        _state = containers.State;
        _resilience = resilience;
    }

    public async ValueTask<HashOwner> ClaimAsync(string contentHash, HashOwner candidate, CancellationToken cancellationToken)
    {
        var blob = _state.GetBlobClient(BlobNames.ContentHash(contentHash));
        var json = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(candidate, StateJsonContext.Default.HashOwner));
        if (await _resilience.CreateOrReadAsync(blob, json, cancellationToken).ConfigureAwait(false) is not { } content)
            return candidate;

        return JsonSerializer.Deserialize(content, StateJsonContext.Default.HashOwner)
            ?? throw new InvalidDataException($"The content-hash record {blob.Name} is empty; delete it to let the next copy claim the hash.");
    }
}

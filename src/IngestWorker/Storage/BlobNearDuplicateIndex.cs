using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using IngestWorker.Options;
using IngestWorker.Text.Dedup.Near;
using Microsoft.Extensions.Options;

namespace IngestWorker.Storage;

/// <summary>
/// The LSH band index as one small blob per claimed band key
/// (<c>near/w5-b14x8-s1/band-03/9f2c…</c>) in the state container, holding the owner's name and
/// signature. A claim is a single create-if-absent, which the service makes atomic; a taken band
/// costs one more call to read its owner. Band blobs never change once written, so owners seen
/// are cached in-process: the cache saves calls, it cannot change an answer.
/// </summary>
public sealed class BlobNearDuplicateIndex : INearDuplicateIndex
{
    // A band blob holds a signature (~1.2 KB as text), so this bounds the cache to a few megabytes.
    private const int CachedBands = 4096;

    private readonly BlobContainerClient _state;
    private readonly StorageResilience _resilience;
    private readonly string _scheme;
    private readonly LruCache<(int Band, ulong Key), BandEntry> _owners = new(CachedBands);

    public BlobNearDuplicateIndex(IngestContainers containers, StorageResilience resilience, IOptions<IngestWorkerOptions> options)
    {
        _state = containers.State;
        _resilience = resilience;
        _scheme = Scheme(options.Value.Pipeline.NearDuplicates);
    }

    /// <summary>The settings a signature depends on, as a blob-name segment: signatures made under other settings never meet.</summary>
    public static string Scheme(MinHashOptions options) => string.Create(CultureInfo.InvariantCulture,
        $"w{options.ShingleWords}-b{options.Bands}x{options.RowsPerBand}-s{options.Seed}");

    public async ValueTask<BandEntry> ClaimBandAsync(int band, ulong key, BandEntry candidate, CancellationToken cancellationToken)
    {
        if (_owners.TryGet((band, key), out var cached))
            return cached;
        var blob = _state.GetBlobClient(BlobNames.NearBand(_scheme, band, key));
        var json = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(candidate, StateJsonContext.Default.BandEntry));
        var owner = candidate;
        if (await _resilience.CreateOrReadAsync(blob, json, cancellationToken).ConfigureAwait(false) is { } content)
        {
            owner = JsonSerializer.Deserialize(content, StateJsonContext.Default.BandEntry)
                ?? throw new InvalidDataException($"The near-duplicate band record {blob.Name} is empty; delete it to let the next document claim the band.");
        }
        _owners.Set((band, key), owner);
        return owner;
    }

    public async ValueTask<string?> GetRepresentativeAsync(string container, string name, CancellationToken cancellationToken)
    {
        var blob = _state.GetBlobClient(BlobNames.NearCluster(_scheme, container, name));
        var content = await _resilience.RunAsync(async ct =>
        {
            try
            {
                return (await blob.DownloadContentAsync(ct).ConfigureAwait(false)).Value.Content;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return null;
            }
        }, cancellationToken).ConfigureAwait(false);
        return content is null ? null : JsonSerializer.Deserialize(content, StateJsonContext.Default.NearClusterRecord)?.Representative;
    }

    public async ValueTask SetRepresentativeAsync(string container, string name, string representative, CancellationToken cancellationToken)
    {
        var blob = _state.GetBlobClient(BlobNames.NearCluster(_scheme, container, name));
        var json = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(new NearClusterRecord(representative), StateJsonContext.Default.NearClusterRecord));
        await _resilience.RunAsync(async ct => await blob.UploadAsync(json, overwrite: true, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }
}

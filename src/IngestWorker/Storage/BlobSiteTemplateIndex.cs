using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using IngestWorker.Options;
using IngestWorker.Text.Dedup;
using IngestWorker.Text.Templates;
using Microsoft.Extensions.Options;

namespace IngestWorker.Storage;

/// <summary>
/// Site template line counts as one compact blob per site (<c>templates/{hash of site key}</c>) in
/// the state container, updated by optimistic concurrency (If-Match) so every worker process adds
/// to the same counts. Within a process, updates to one site are serialised and the last version
/// is cached, so a document usually costs a single storage call (the conditional write).
/// </summary>
public sealed class BlobSiteTemplateIndex : ISiteTemplateIndex
{
    private const int MaxConflicts = 20;
    private const int CachedSites = 256;

    private readonly BlobContainerClient _state;
    private readonly StorageResilience _resilience;
    private readonly int _maxLines;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);
    private readonly LruCache<string, (ETag ETag, SiteTemplateCounts Counts)> _cache = new(CachedSites);

    public BlobSiteTemplateIndex(IngestContainers containers, StorageResilience resilience, IOptions<IngestWorkerOptions> options)
    {
        _state = containers.State;
        _resilience = resilience;
        _maxLines = options.Value.Pipeline.SiteTemplates.MaxLinesPerSite;
    }

    public async ValueTask<IReadOnlyDictionary<ulong, int>> ObserveAsync(string site, string documentId, IReadOnlyCollection<ulong> lineKeys, CancellationToken cancellationToken)
    {
        var blob = _state.GetBlobClient("templates/" + ContentHash.Sha256Hex(site)[..32]);
        var document = DocumentKey(documentId);
        var gate = _gates.GetOrAdd(site, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var conflicts = 0; ; conflicts++)
            {
                var (etag, counts) = _cache.TryGet(site, out var cached) ? cached : await LoadAsync(blob, site, cancellationToken).ConfigureAwait(false);
                if (counts.HasDocument(document))
                    return counts.CountsOf(lineKeys);

                var updated = counts.With(document, lineKeys, _maxLines);
                var conditions = etag == default ? new BlobRequestConditions { IfNoneMatch = ETag.All } : new BlobRequestConditions { IfMatch = etag };
                try
                {
                    var content = BinaryData.FromBytes(updated.Serialize());
                    var written = await _resilience.RunAsync(async ct =>
                        (await blob.UploadAsync(content, new BlobUploadOptions { Conditions = conditions }, ct).ConfigureAwait(false)).Value.ETag,
                        cancellationToken).ConfigureAwait(false);
                    _cache.Set(site, (written, updated));
                    return updated.CountsOf(lineKeys);
                }
                catch (RequestFailedException e) when (e.Status is 409 or 412 && conflicts < MaxConflicts)
                {
                    // Another worker updated the site first: start again from its version.
                    _cache.Remove(site);
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<(ETag, SiteTemplateCounts)> LoadAsync(BlobClient blob, string site, CancellationToken cancellationToken)
    {
        try
        {
            var download = await _resilience.RunAsync(async ct => (await blob.DownloadContentAsync(ct).ConfigureAwait(false)).Value, cancellationToken).ConfigureAwait(false);
            return (download.Details.ETag, SiteTemplateCounts.Deserialize(download.Content.ToArray(), site));
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return (default, SiteTemplateCounts.Empty(site));
        }
    }

    private static ulong DocumentKey(string documentId) =>
        BinaryPrimitives.ReadUInt64LittleEndian(Convert.FromHexString(ContentHash.Sha256Hex(documentId)[..16]));
}

/// <summary>
/// One site's counts: which documents were counted (the most recent ones, to make re-observing a
/// document a no-op) and in how many documents each line key appeared. Immutable.
/// </summary>
internal sealed class SiteTemplateCounts
{
    private const uint Magic = 0x31545749; // "IWT1"
    private const int RememberedDocuments = 4096;

    private readonly string _site;
    private readonly ulong[] _documents; // oldest first
    private readonly Dictionary<ulong, int> _lines;

    private SiteTemplateCounts(string site, ulong[] documents, Dictionary<ulong, int> lines)
    {
        _site = site;
        _documents = documents;
        _lines = lines;
    }

    public static SiteTemplateCounts Empty(string site) => new(site, [], []);

    public bool HasDocument(ulong document) => Array.IndexOf(_documents, document) >= 0;

    public IReadOnlyDictionary<ulong, int> CountsOf(IReadOnlyCollection<ulong> keys)
    {
        var counts = new Dictionary<ulong, int>(keys.Count);
        foreach (var key in keys)
            counts[key] = _lines.GetValueOrDefault(key);
        return counts;
    }

    public SiteTemplateCounts With(ulong document, IReadOnlyCollection<ulong> keys, int maxLines)
    {
        var lines = new Dictionary<ulong, int>(_lines);
        foreach (var key in keys)
            lines[key] = lines.GetValueOrDefault(key) + 1;
        if (lines.Count > maxLines)
        {
            // Forget the rarest lines: template lines recur, so they are never the rarest for long.
            foreach (var (key, _) in lines.OrderBy(pair => pair.Value).Take(lines.Count - maxLines).ToList())
                lines.Remove(key);
        }
        ulong[] documents = _documents.Length < RememberedDocuments ? [.. _documents, document] : [.. _documents.AsSpan(1), document];
        return new SiteTemplateCounts(_site, documents, lines);
    }

    public byte[] Serialize()
    {
        var site = Encoding.UTF8.GetBytes(_site);
        var buffer = new byte[4 + 4 + site.Length + 4 + _documents.Length * 8 + 4 + _lines.Count * 12];
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], site.Length);
        site.CopyTo(span[8..]);
        var at = 8 + site.Length;
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], _documents.Length);
        at += 4;
        foreach (var document in _documents)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[at..], document);
            at += 8;
        }
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], _lines.Count);
        at += 4;
        foreach (var (key, count) in _lines)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[at..], key);
            BinaryPrimitives.WriteInt32LittleEndian(span[(at + 8)..], count);
            at += 12;
        }
        return buffer;
    }

    public static SiteTemplateCounts Deserialize(byte[] bytes, string site)
    {
        var span = bytes.AsSpan();
        if (span.Length < 8 || BinaryPrimitives.ReadUInt32LittleEndian(span) != Magic)
            throw new InvalidDataException($"The template record of {site} is not in the expected format; delete it to start the site's counts afresh.");
        var at = 8 + BinaryPrimitives.ReadInt32LittleEndian(span[4..]);
        var documents = new ulong[BinaryPrimitives.ReadInt32LittleEndian(span[at..])];
        at += 4;
        for (var i = 0; i < documents.Length; i++, at += 8)
            documents[i] = BinaryPrimitives.ReadUInt64LittleEndian(span[at..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
        at += 4;
        var lines = new Dictionary<ulong, int>(count);
        for (var i = 0; i < count; i++, at += 12)
            lines[BinaryPrimitives.ReadUInt64LittleEndian(span[at..])] = BinaryPrimitives.ReadInt32LittleEndian(span[(at + 8)..]);
        return new SiteTemplateCounts(site, documents, lines);
    }
}

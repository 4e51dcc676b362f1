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
/// to the same counts. Within a process, a site's documents are written in groups: while one
/// conditional write is under way the documents that arrive wait, and the next write carries them
/// all. The last version is cached, so a group usually costs a single storage call.
/// </summary>
/// <remarks>
/// Grouping is what makes several busy processes share a site fairly. A process that just wrote
/// holds the current version and could write again at once, while the others must read first; one
/// write per document let the same process win over and over until another gave up (20 conflicts
/// in a row: a failed attempt for its blob). Now a loser's next try carries everything it has
/// waiting, and pauses a random moment first so that it is not always a step behind.
/// </remarks>
public sealed class BlobSiteTemplateIndex : ISiteTemplateIndex
{
    private const int MaxConflicts = 20;
    private const int CachedSites = 256;
    private static readonly TimeSpan MaxConflictPause = TimeSpan.FromMilliseconds(500);

    private readonly BlobContainerClient _state;
    private readonly StorageResilience _resilience;
    private readonly int _maxLines;
    private readonly ConcurrentDictionary<string, SiteWrites> _sites = new(StringComparer.Ordinal);
    private readonly LruCache<string, (ETag ETag, SiteTemplateCounts Counts)> _cache = new(CachedSites);

    public BlobSiteTemplateIndex(IngestContainers containers, StorageResilience resilience, IOptions<IngestWorkerOptions> options)
    {
        _state = containers.State;
        _resilience = resilience;
        _maxLines = options.Value.Pipeline.SiteTemplates.MaxLinesPerSite;
    }

    public async ValueTask<IReadOnlyDictionary<ulong, int>> ObserveAsync(string site, string documentId, IReadOnlyCollection<ulong> lineKeys, CancellationToken cancellationToken)
    {
        var writes = _sites.GetOrAdd(site, _ => new SiteWrites());
        var observation = new Observation(DocumentKey(documentId), lineKeys);
        bool writer;
        lock (writes)
        {
            writes.Waiting.Add(observation);
            writer = !writes.Writing;
            writes.Writing = true;
        }
        if (writer)
        {
            // Not under this caller's token: the group carries other callers' documents, and every
            // storage call in it is bounded by the retry policy's per-try timeout and tries.
            _ = Task.Run(() => WriteWhileWaitingAsync(site, writes), CancellationToken.None);
        }
        var counts = await observation.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return counts.CountsOf(lineKeys);
    }

    private async Task WriteWhileWaitingAsync(string site, SiteWrites writes)
    {
        while (true)
        {
            List<Observation> group;
            lock (writes)
            {
                if (writes.Waiting.Count == 0)
                {
                    writes.Writing = false;
                    return;
                }
                group = writes.Waiting;
                writes.Waiting = [];
            }
            try
            {
                var counts = await WriteAsync(site, group).ConfigureAwait(false);
                foreach (var observation in group)
                    observation.Done.TrySetResult(counts);
            }
            catch (Exception e)
            {
                foreach (var observation in group)
                    observation.Done.TrySetException(e);
            }
        }
    }

    private async Task<SiteTemplateCounts> WriteAsync(string site, List<Observation> group)
    {
        var blob = _state.GetBlobClient("templates/" + ContentHash.Sha256Hex(site)[..32]);
        for (var conflicts = 0; ; conflicts++)
        {
            var (etag, counts) = _cache.TryGet(site, out var cached) ? cached : await LoadAsync(blob, site, CancellationToken.None).ConfigureAwait(false);
            var updated = counts;
            foreach (var observation in group)
            {
                if (!updated.HasDocument(observation.Document))
                    updated = updated.With(observation.Document, observation.LineKeys, _maxLines);
            }
            if (ReferenceEquals(updated, counts))
                return counts;

            var conditions = etag == default ? new BlobRequestConditions { IfNoneMatch = ETag.All } : new BlobRequestConditions { IfMatch = etag };
            try
            {
                var content = BinaryData.FromBytes(updated.Serialize());
                var written = await _resilience.RunAsync(async ct =>
                    (await blob.UploadAsync(content, new BlobUploadOptions { Conditions = conditions }, ct).ConfigureAwait(false)).Value.ETag,
                    CancellationToken.None).ConfigureAwait(false);
                _cache.Set(site, (written, updated));
                return updated;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && conflicts < MaxConflicts)
            {
                // Another process updated the site first: start again from its version, after a
                // pause that grows with the conflicts, random so that the rivals fall out of step.
                _cache.Remove(site);
                var ceiling = Math.Min(MaxConflictPause.TotalMilliseconds, 10 * Math.Pow(2, conflicts));
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling)).ConfigureAwait(false);
            }
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

    private sealed record Observation(ulong Document, IReadOnlyCollection<ulong> LineKeys)
    {
        public TaskCompletionSource<SiteTemplateCounts> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>A site's documents waiting for the next write; guarded by locking the instance.</summary>
    private sealed class SiteWrites
    {
        public List<Observation> Waiting = [];
        public bool Writing;
    }
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

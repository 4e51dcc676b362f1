using System.Text;
using IngestWorker.Text.Dedup;
using IngestWorker.Text.Dedup.Near;

namespace IngestWorker.State;

/// <summary>A document version's latest decision, as the log recorded it.</summary>
public sealed record DocumentRecord(string ETag, string Status);

/// <summary>
/// The committed shared state in memory: the state log applied up to <see cref="Sequence"/>.
/// Applying is deterministic — first writer wins for hashes and bands, the last decision stands for
/// clusters and documents, a (site, document) pair's template lines count once, and a site keeps
/// its <c>maxLinesPerSite</c> most frequent lines (ties by key) — so every worker that applies the
/// same segments holds the same index.
/// </summary>
/// <remarks>
/// Reads may run on many threads at once, but not while <see cref="Apply"/> runs: the batch runner
/// applies segments only between batches.
/// </remarks>
public sealed class StateIndex(int maxLinesPerSite)
{
    private readonly Dictionary<string, HashOwner> _hashes = new(StringComparer.Ordinal);
    private readonly Dictionary<(int Band, ulong Key), BandEntry> _bands = new();
    private readonly Dictionary<(string Container, string Name), string> _clusters = new();
    private readonly Dictionary<string, SiteLines> _sites = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Container, string Name), DocumentRecord> _documents = new();

    /// <summary>The last segment applied; 0 for an empty log.</summary>
    public long Sequence { get; private set; }

    public int MaxLinesPerSite => maxLinesPerSite;

    public int DocumentCount => _documents.Count;

    /// <summary>Applies segment <paramref name="sequence"/>, which must be the one after <see cref="Sequence"/>.</summary>
    public void Apply(long sequence, IReadOnlyList<StateOp> ops)
    {
        if (sequence != Sequence + 1)
            throw new InvalidOperationException($"Segment {sequence} cannot follow segment {Sequence}: the log is applied in order.");
        HashSet<SiteLines>? touched = null;
        foreach (var op in ops)
        {
            switch (op)
            {
                case HashClaimed claim:
                    _hashes.TryAdd(claim.ContentHash, claim.Owner);
                    break;
                case BandClaimed band:
                    _bands.TryAdd((band.Band, band.Key), band.Owner);
                    break;
                case ClusterSet cluster:
                    _clusters[(cluster.Container, cluster.Name)] = cluster.Representative;
                    break;
                case TemplateObserved observed:
                    if (!_sites.TryGetValue(observed.Site, out var site))
                        _sites[observed.Site] = site = new SiteLines();
                    if (site.Documents.Add(observed.DocumentId))
                    {
                        foreach (var key in observed.LineKeys)
                            site.Lines[key] = site.Lines.GetValueOrDefault(key) + 1;
                        (touched ??= []).Add(site);
                    }
                    break;
                case DocumentDecided decided:
                    _documents[(decided.Container, decided.Name)] = new DocumentRecord(decided.ETag, decided.Status);
                    break;
                default:
                    throw new ArgumentException($"Unknown state operation {op.GetType().Name}.", nameof(ops));
            }
        }
        foreach (var site in touched ?? [])
            site.KeepMostFrequent(maxLinesPerSite);
        Sequence = sequence;
    }

    public HashOwner? OwnerOfHash(string contentHash) => _hashes.GetValueOrDefault(contentHash);

    public BandEntry? OwnerOfBand(int band, ulong key) => _bands.GetValueOrDefault((band, key));

    public string? RepresentativeOf(string container, string name) => _clusters.GetValueOrDefault((container, name));

    public bool HasObserved(string site, string documentId) => _sites.TryGetValue(site, out var lines) && lines.Documents.Contains(documentId);

    /// <summary>In how many distinct documents of <paramref name="site"/> the line appeared.</summary>
    public int LineCount(string site, ulong lineKey) => _sites.TryGetValue(site, out var lines) ? lines.Lines.GetValueOrDefault(lineKey) : 0;

    public DocumentRecord? DocumentOf(string container, string name) => _documents.GetValueOrDefault((container, name));

    private const uint CheckpointMagic = 0x31435349; // "ISC1"

    /// <summary>The whole index, as the checkpoint of <see cref="Sequence"/> (a simple format; the compact one replaces it).</summary>
    public void WriteCheckpoint(Stream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(CheckpointMagic);
        writer.Write(maxLinesPerSite);
        writer.Write(Sequence);
        writer.Write(_hashes.Count);
        foreach (var (hash, owner) in _hashes)
        {
            writer.Write(hash);
            writer.Write(owner.Container);
            writer.Write(owner.Name);
            writer.Write(owner.ETag);
        }
        writer.Write(_bands.Count);
        foreach (var ((band, key), owner) in _bands)
        {
            writer.Write(band);
            writer.Write(key);
            writer.Write(owner.Container);
            writer.Write(owner.Name);
            writer.Write(owner.Signature);
        }
        writer.Write(_clusters.Count);
        foreach (var ((container, name), representative) in _clusters)
        {
            writer.Write(container);
            writer.Write(name);
            writer.Write(representative);
        }
        writer.Write(_sites.Count);
        foreach (var (site, lines) in _sites)
        {
            writer.Write(site);
            writer.Write(lines.Documents.Count);
            foreach (var document in lines.Documents)
                writer.Write(document);
            writer.Write(lines.Lines.Count);
            foreach (var (key, count) in lines.Lines)
            {
                writer.Write(key);
                writer.Write(count);
            }
        }
        writer.Write(_documents.Count);
        foreach (var ((container, name), record) in _documents)
        {
            writer.Write(container);
            writer.Write(name);
            writer.Write(record.ETag);
            writer.Write(record.Status);
        }
    }

    /// <summary>An index as <see cref="WriteCheckpoint"/> wrote it.</summary>
    /// <exception cref="InvalidDataException">The stream does not hold a checkpoint of this format.</exception>
    public static StateIndex ReadCheckpoint(Stream stream)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        if (reader.ReadUInt32() != CheckpointMagic)
            throw new InvalidDataException("Not a state checkpoint of this format.");
        var index = new StateIndex(reader.ReadInt32()) { Sequence = reader.ReadInt64() };
        for (var i = reader.ReadInt32(); i > 0; i--)
            index._hashes[reader.ReadString()] = new HashOwner(reader.ReadString(), reader.ReadString(), reader.ReadString());
        for (var i = reader.ReadInt32(); i > 0; i--)
            index._bands[(reader.ReadInt32(), reader.ReadUInt64())] = new BandEntry(reader.ReadString(), reader.ReadString(), reader.ReadString());
        for (var i = reader.ReadInt32(); i > 0; i--)
            index._clusters[(reader.ReadString(), reader.ReadString())] = reader.ReadString();
        for (var i = reader.ReadInt32(); i > 0; i--)
        {
            var site = new SiteLines();
            index._sites[reader.ReadString()] = site;
            for (var d = reader.ReadInt32(); d > 0; d--)
                site.Documents.Add(reader.ReadString());
            for (var l = reader.ReadInt32(); l > 0; l--)
                site.Lines[reader.ReadUInt64()] = reader.ReadInt32();
        }
        for (var i = reader.ReadInt32(); i > 0; i--)
            index._documents[(reader.ReadString(), reader.ReadString())] = new DocumentRecord(reader.ReadString(), reader.ReadString());
        return index;
    }

    private sealed class SiteLines
    {
        public readonly HashSet<string> Documents = new(StringComparer.Ordinal);
        public readonly Dictionary<ulong, int> Lines = [];

        // Forget the rarest lines: template lines recur, so they are never the rarest for long.
        public void KeepMostFrequent(int max)
        {
            if (Lines.Count <= max)
                return;
            foreach (var (key, _) in Lines.OrderBy(p => p.Value).ThenBy(p => p.Key).Take(Lines.Count - max).ToList())
                Lines.Remove(key);
        }
    }
}

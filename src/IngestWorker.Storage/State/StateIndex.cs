using IngestWorker.State.Compact;
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
/// <para>Reads may run on many threads at once, but not while <see cref="Apply"/> runs: the batch
/// runner applies segments only between batches. <see cref="WriteCheckpoint"/> is a read.</para>
/// <para>Compact for a million documents (see docs/benchmarks.md, "State index memory"): every
/// (container, name) is an ordinal (<see cref="DocumentKeys"/>) and the rest are columns per
/// ordinal; content hashes are kept as 64 bits and band keys as 32 bits (a collision of the first
/// would make two texts exact duplicates, at 2^-64 a pair; of the second, a false band candidate
/// that the signature rejects); band owners' signatures as b-bit MinHash
/// (<see cref="BandSignatureBits"/>), handed back in <see cref="BBitMinHashSignature"/>'s string
/// form. ETags and names come back exactly as they went in. Names and signatures, read only to cite
/// a document or confirm a band candidate, are kept in a local file of the process
/// (<see cref="SpillFile"/>), not in memory; names are found by a 64-bit hash.</para>
/// </remarks>
public sealed partial class StateIndex
{
    /// <summary>Bits kept of each MinHash value of a band owner's signature (1 byte a value).</summary>
    public const int BandSignatureBits = 8;

    private readonly int _maxLinesPerSite;
    private readonly SpillFile _spill;
    private readonly DocumentKeys _keys;
    private readonly StringCodes _statuses = new(byte.MaxValue - 1);
    private readonly StringCodes _otherETags = new(int.MaxValue);
    private readonly PagedArray<ulong> _documentETags = new();
    private readonly PagedArray<byte> _documentETagShapes = new();   // CompactETag.None: no decision
    private readonly PagedArray<byte> _documentStatuses = new();
    private readonly PagedArray<int> _representatives = new();      // ordinal + 1; 0: no cluster
    private readonly ContentHashClaims _hashes = new();
    private readonly BandClaims _bands = new();
    private readonly SignatureStore _bandOwners;
    private readonly SiteLineCounts _sites = new();
    private int _documentCount;
    private (int Ordinal, string Signature, int Entry)? _lastBandOwner;

    /// <param name="maxLinesPerSite">How many lines a site keeps counts for (the log's schema).</param>
    /// <param name="spillDirectory">Where the index keeps its names and signatures (a file of this process, see <see cref="SpillFile"/>); the temporary directory when null.</param>
    public StateIndex(int maxLinesPerSite, string? spillDirectory = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLinesPerSite);
        _maxLinesPerSite = maxLinesPerSite;
        _spill = new SpillFile(spillDirectory);
        _keys = new DocumentKeys(_spill);
        _bandOwners = new SignatureStore(BandSignatureBits, _spill);
    }

    /// <summary>The last segment applied; 0 for an empty log.</summary>
    public long Sequence { get; private set; }

    public int MaxLinesPerSite => _maxLinesPerSite;

    /// <summary>Document versions decided.</summary>
    public int DocumentCount => _documentCount;

    /// <summary>Applies segment <paramref name="sequence"/>, which must be the one after <see cref="Sequence"/>.</summary>
    public void Apply(long sequence, IReadOnlyList<StateOp> ops)
    {
        if (sequence != Sequence + 1)
            throw new InvalidOperationException($"Segment {sequence} cannot follow segment {Sequence}: the log is applied in order.");
        foreach (var op in ops)
        {
            switch (op)
            {
                case HashClaimed claim:
                    {
                        var key = ContentHashClaims.KeyOf(claim.ContentHash);
                        if (_hashes.Find(key) >= 0)
                            break;
                        var owner = Ordinal(claim.Owner.Container, claim.Owner.Name);
                        var (etag, shape) = CompactETag.Encode(claim.Owner.ETag, _otherETags);
                        _hashes.TryAdd(key, owner, etag, shape);
                        break;
                    }
                case BandClaimed band:
                    if (band.Band < 0)
                        throw new ArgumentException($"Band {band.Band} is negative.", nameof(ops));
                    if (_bands.Find(band.Band, band.Key) < 0)
                        _bands.TryAdd(band.Band, band.Key, BandOwner(band.Owner));
                    break;
                case ClusterSet cluster:
                    {
                        var member = Ordinal(cluster.Container, cluster.Name);
                        _representatives[member] = Ordinal(cluster.Container, cluster.Representative) + 1;
                        break;
                    }
                case TemplateObserved observed:
                    _sites.Observe(observed.Site, OrdinalOfDocumentId(observed.DocumentId), observed.LineKeys);
                    break;
                case DocumentDecided decided:
                    {
                        var ordinal = Ordinal(decided.Container, decided.Name);
                        var (etag, shape) = CompactETag.Encode(decided.ETag, _otherETags);
                        if (_documentETagShapes[ordinal] == CompactETag.None)
                            _documentCount++;
                        _documentETags[ordinal] = etag;
                        _documentETagShapes[ordinal] = shape;
                        _documentStatuses[ordinal] = (byte)(_statuses.GetOrAdd(decided.Status) + 1);
                        break;
                    }
                default:
                    throw new ArgumentException($"Unknown state operation {op.GetType().Name}.", nameof(ops));
            }
        }
        _sites.EndSegment(_maxLinesPerSite);
        _lastBandOwner = null;
        Sequence = sequence;
    }

    public HashOwner? OwnerOfHash(string contentHash)
    {
        var entry = _hashes.Find(ContentHashClaims.KeyOf(contentHash));
        if (entry < 0)
            return null;
        var (owner, etag, shape) = _hashes[entry];
        return new HashOwner(_keys.Container(owner), _keys.Name(owner), CompactETag.Decode(etag, shape, _otherETags));
    }

    /// <summary>
    /// The first claim of the band key. Its <see cref="BandEntry.Signature"/> is the b-bit form
    /// (<see cref="BBitMinHashSignature"/>) when the claim carried a MinHash signature, which
    /// <c>NearDuplicateStage</c> compares as it compares the full form.
    /// </summary>
    public BandEntry? OwnerOfBand(int band, ulong key)
    {
        if (band < 0)
            return null;
        var entry = _bands.Find(band, key);
        if (entry < 0)
            return null;
        var owner = _bandOwners.Ordinal(entry);
        return new BandEntry(_keys.Container(owner), _keys.Name(owner), _bandOwners.Signature(entry));
    }

    public string? RepresentativeOf(string container, string name)
    {
        var ordinal = _keys.Find(container, name);
        return ordinal >= 0 && _representatives[ordinal] is > 0 and var representative ? _keys.Name(representative - 1) : null;
    }

    public bool HasObserved(string site, string documentId)
    {
        var code = _sites.FindSite(site);
        var ordinal = code < 0 ? -1 : _keys.FindDocumentId(documentId);
        return ordinal >= 0 && _sites.HasObserved(code, ordinal);
    }

    /// <summary>In how many distinct documents of <paramref name="site"/> the line appeared.</summary>
    public int LineCount(string site, ulong lineKey)
    {
        var code = _sites.FindSite(site);
        return code < 0 ? 0 : _sites.LineCount(code, lineKey);
    }

    public DocumentRecord? DocumentOf(string container, string name)
    {
        var ordinal = _keys.Find(container, name);
        if (ordinal < 0 || _documentETagShapes[ordinal] == CompactETag.None)
            return null;
        return new DocumentRecord(CompactETag.Decode(_documentETags[ordinal], _documentETagShapes[ordinal], _otherETags), _statuses[_documentStatuses[ordinal] - 1]);
    }

    /// <summary>True when the latest decision of (container, name) was for <paramref name="etag"/>; without building strings.</summary>
    public bool HasDecided(string container, string name, string etag)
    {
        var ordinal = _keys.Find(container, name);
        return ordinal >= 0 && _documentETagShapes[ordinal] != CompactETag.None
            && CompactETag.Matches(_documentETags[ordinal], _documentETagShapes[ordinal], etag, _otherETags);
    }

    /// <summary>Bytes of names and signatures in the index's local spill file (not in memory; see <see cref="SpillFile"/>).</summary>
    public long SpilledBytes => _spill.Length;

    /// <summary>Bytes the index's arrays hold (allocated, including spare capacity): what the memory bench compares with the GC's count.</summary>
    public long AllocatedBytes =>
        _spill.AllocatedBytes + _keys.AllocatedBytes + _documentETags.AllocatedBytes + _documentETagShapes.AllocatedBytes + _documentStatuses.AllocatedBytes
        + _representatives.AllocatedBytes + _hashes.AllocatedBytes + _bands.AllocatedBytes
        + _bandOwners.AllocatedBytes + _sites.AllocatedBytes;

    /// <summary>Where the bytes go, part by part (for the memory bench).</summary>
    public IReadOnlyList<(string Part, long Bytes)> AllocatedBytesByPart() =>
    [
        ("names' hashes and their table", _keys.AllocatedBytes),
        ("spill file's append buffer", _spill.AllocatedBytes),
        ("document decisions", _documentETags.AllocatedBytes + _documentETagShapes.AllocatedBytes + _documentStatuses.AllocatedBytes),
        ("clusters", _representatives.AllocatedBytes),
        ("content hashes", _hashes.AllocatedBytes),
        ("band keys", _bands.AllocatedBytes),
        ("band owners (document, signature's place in the spill file)", _bandOwners.AllocatedBytes),
        ("site template lines", _sites.AllocatedBytes),
    ];

    private int Ordinal(string container, string name)
    {
        var ordinal = _keys.GetOrAdd(container, name, out var added);
        if (added)
            AddOrdinalColumns();
        return ordinal;
    }

    private int OrdinalOfDocumentId(string documentId)
    {
        var count = _keys.Count;
        var ordinal = _keys.GetOrAddDocumentId(documentId);
        if (_keys.Count != count)
            AddOrdinalColumns();
        return ordinal;
    }

    private void AddOrdinalColumns()
    {
        _documentETags.Add(0);
        _documentETagShapes.Add(CompactETag.None);
        _documentStatuses.Add(0);
        _representatives.Add(0);
        _sites.AddOrdinal();
    }

    // A document's bands share one owner entry when it claims them in a row with the same
    // signature, as a batch does (all of a document's claims come together); any other claim makes
    // a new entry, and older claims keep theirs. The run ends with the segment, so an index read
    // from a checkpoint makes the same entries as the one that wrote it.
    private int BandOwner(BandEntry owner)
    {
        var ordinal = Ordinal(owner.Container, owner.Name);
        if (_lastBandOwner is { } last && last.Ordinal == ordinal && last.Signature == owner.Signature)
            return last.Entry;
        var entry = _bandOwners.Add(ordinal, _bandOwners.Encode(owner.Signature));
        _lastBandOwner = (ordinal, owner.Signature, entry);
        return entry;
    }
}

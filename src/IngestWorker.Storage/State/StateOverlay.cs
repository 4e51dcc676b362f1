using IngestWorker.Text.Dedup;
using IngestWorker.Text.Dedup.Near;
using IngestWorker.Text.Templates;

namespace IngestWorker.State;

/// <summary>
/// One batch's view of the shared state: the committed <see cref="StateIndex"/> plus the changes the
/// batch's own documents made so far, recorded in order as the segment the batch will commit. Every
/// answer is what <see cref="StateIndex.Apply"/> of the operations so far would give (except that a
/// site's rarest lines are forgotten only when the segment is applied). Thread-safe: the documents
/// of a batch may run at once.
/// </summary>
public sealed class StateOverlay(StateIndex committed) : IExactDuplicateIndex, INearDuplicateIndex, ISiteTemplateIndex
{
    private readonly object _gate = new();
    private readonly List<StateOp> _ops = [];
    private readonly Dictionary<string, HashOwner> _hashes = new(StringComparer.Ordinal);
    private readonly Dictionary<(int Band, ulong Key), BandEntry> _bands = new();
    private readonly Dictionary<(string Container, string Name), string> _clusters = new();
    private readonly HashSet<(string Site, string Document)> _observed = [];
    private readonly Dictionary<(string Site, ulong Line), int> _lineCounts = new();
    private readonly Dictionary<(string Container, string Name), DocumentRecord> _decisions = new();

    /// <summary>The committed index this batch was decided against.</summary>
    public StateIndex Committed => committed;

    /// <summary>The changes so far, in the order they were made: the batch's segment.</summary>
    public IReadOnlyList<StateOp> Ops
    {
        get
        {
            lock (_gate)
                return _ops.ToArray();
        }
    }

    public ValueTask<HashOwner> ClaimAsync(string contentHash, HashOwner candidate, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_hashes.TryGetValue(contentHash, out var pending))
                return ValueTask.FromResult(pending);
            if (committed.OwnerOfHash(contentHash) is { } owner)
                return ValueTask.FromResult(owner);
            _hashes[contentHash] = candidate;
            _ops.Add(new HashClaimed(contentHash, candidate));
            return ValueTask.FromResult(candidate);
        }
    }

    public ValueTask<BandEntry> ClaimBandAsync(int band, ulong key, BandEntry candidate, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_bands.TryGetValue((band, key), out var pending))
                return ValueTask.FromResult(pending);
            if (committed.OwnerOfBand(band, key) is { } owner)
                return ValueTask.FromResult(owner);
            _bands[(band, key)] = candidate;
            _ops.Add(new BandClaimed(band, key, candidate));
            return ValueTask.FromResult(candidate);
        }
    }

    public ValueTask<string?> GetRepresentativeAsync(string container, string name, CancellationToken cancellationToken)
    {
        lock (_gate)
            return ValueTask.FromResult(_clusters.TryGetValue((container, name), out var pending) ? pending : committed.RepresentativeOf(container, name));
    }

    public ValueTask SetRepresentativeAsync(string container, string name, string representative, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var current = _clusters.TryGetValue((container, name), out var pending) ? pending : committed.RepresentativeOf(container, name);
            if (current != representative)
            {
                _clusters[(container, name)] = representative;
                _ops.Add(new ClusterSet(container, name, representative));
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyDictionary<ulong, int>> ObserveAsync(string site, string documentId, IReadOnlyCollection<ulong> lineKeys, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var distinct = lineKeys.Distinct().ToArray();
            if (!committed.HasObserved(site, documentId) && _observed.Add((site, documentId)))
            {
                foreach (var key in distinct)
                    _lineCounts[(site, key)] = _lineCounts.GetValueOrDefault((site, key)) + 1;
                _ops.Add(new TemplateObserved(site, documentId, distinct));
            }
            var counts = new Dictionary<ulong, int>(distinct.Length);
            foreach (var key in distinct)
                counts[key] = committed.LineCount(site, key) + _lineCounts.GetValueOrDefault((site, key));
            return ValueTask.FromResult<IReadOnlyDictionary<ulong, int>>(counts);
        }
    }

    /// <summary>
    /// Records a document version's decision, so the log knows every document it decided. The
    /// decision the index already holds is not recorded again: a batch decided again after its own
    /// segment landed (a retried write whose first try succeeded) then changes nothing, and writes nothing.
    /// </summary>
    /// <returns>
    /// True when this is the name's first decision in log order: neither the committed index nor an
    /// earlier document of this batch decided the name. Of all the decisions of one name that the
    /// log ever holds, only the earliest is first (a later one is decided against an index that
    /// holds it), so at most one writer of the name's outcome can take it for new.
    /// </returns>
    public bool Decided(string container, string name, string etag, string status)
    {
        lock (_gate)
        {
            // Against the batch's own decision of the document first: one that went back to the
            // committed decision must still be written, or the segment would end at the other.
            var committedRecord = committed.DocumentOf(container, name);
            var hadPending = _decisions.TryGetValue((container, name), out var pending);
            var first = !hadPending && committedRecord is null;
            var known = hadPending ? pending : committedRecord;
            if (known is not null && known.ETag == etag && known.Status == status)
                return first;
            _decisions[(container, name)] = new DocumentRecord(etag, status);
            _ops.Add(new DocumentDecided(container, name, etag, status));
            return first;
        }
    }
}

using IngestWorker.Text.Dedup;
using IngestWorker.Text.Dedup.Near;

namespace IngestWorker.Tests.State;

using IngestWorker.State;

/// <summary>A document version's latest decision, as the log recorded it.</summary>

/// <summary>
/// The first, plain StateIndex (dictionaries of strings and records, as in commit a3477ff): the
/// meaning of Apply and the lookups, which the compact index must give exactly (up to its
/// documented 64-bit hash and 32-bit band key collisions and the b-bit form of signatures). The
/// unit tests compare the two over random logs; the state bench measures what it costs.
/// </summary>
public sealed class ReferenceStateIndex(int maxLinesPerSite)
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

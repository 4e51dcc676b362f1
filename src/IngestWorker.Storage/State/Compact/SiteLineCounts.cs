namespace IngestWorker.State.Compact;

/// <summary>
/// Per site, in how many of its documents each line appeared (sorted arrays of line key and count,
/// at most maxLinesPerSite after each segment: 9 bytes a line, a count of 255 or more kept apart as
/// few lines reach it — the site's template lines), and which documents were counted (a site per
/// document ordinal, since a document belongs to one site; a set for the rare second).
/// </summary>
internal sealed class SiteLineCounts
{
    private readonly StringCodes _sites = new(int.MaxValue);
    private readonly List<Lines> _lines = [];
    private readonly PagedArray<int> _siteOfDocument = new(); // site + 1, per ordinal
    private readonly HashSet<long> _otherObservations = [];   // site << 32 | ordinal
    private readonly Dictionary<int, Dictionary<ulong, int>> _pending = [];

    public int SiteCount => _sites.Count;

    public long AllocatedBytes => _siteOfDocument.AllocatedBytes + _otherObservations.Count * 24L + _lines.Sum(l => l.AllocatedBytes);

    public void AddOrdinal() => _siteOfDocument.Add(0);

    public int FindSite(string site) => _sites.Find(site);

    public bool HasObserved(int site, int ordinal) =>
        _siteOfDocument[ordinal] == site + 1 || _otherObservations.Contains((long)site << 32 | (uint)ordinal);

    /// <summary>Counts the document's lines unless it was counted for this site before; true when it was new.</summary>
    public bool Observe(string site, int ordinal, ulong[] lineKeys)
    {
        var code = _sites.GetOrAdd(site);
        if (code == _lines.Count)
            _lines.Add(new Lines());
        if (HasObserved(code, ordinal))
            return false;
        if (_siteOfDocument[ordinal] == 0)
            _siteOfDocument[ordinal] = code + 1;
        else
            _otherObservations.Add((long)code << 32 | (uint)ordinal);
        if (!_pending.TryGetValue(code, out var counts))
            _pending[code] = counts = [];
        foreach (var key in lineKeys)
            counts[key] = counts.GetValueOrDefault(key) + 1;
        return true;
    }

    /// <summary>Adds the segment's counts and forgets each touched site's rarest lines beyond <paramref name="maxLines"/>.</summary>
    public void EndSegment(int maxLines)
    {
        foreach (var (code, counts) in _pending)
            _lines[code].Add(counts, maxLines);
        _pending.Clear();
    }

    public int LineCount(int site, ulong lineKey)
    {
        var lines = _lines[site];
        var at = Array.BinarySearch(lines.Keys, lineKey);
        return at >= 0 ? lines.Count(at) : 0;
    }

    public void WriteTo(BinaryWriter writer)
    {
        _sites.WriteTo(writer);
        _siteOfDocument.WriteTo(writer);
        var others = _otherObservations.Order().ToArray();
        writer.Write(others.Length);
        foreach (var other in others)
            writer.Write(other);
        foreach (var lines in _lines)
        {
            writer.Write(lines.Keys.Length);
            writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(lines.Keys.AsSpan()));
            for (var i = 0; i < lines.Keys.Length; i++)
                writer.Write(lines.Count(i));
        }
    }

    public void ReadFrom(BinaryReader reader, int ordinals)
    {
        _sites.ReadFrom(reader);
        _siteOfDocument.ReadFrom(reader);
        if (_siteOfDocument.Count != ordinals)
            throw new InvalidDataException("The template column of a state checkpoint has the wrong length.");
        for (var i = reader.ReadInt32(); i > 0; i--)
        {
            var other = reader.ReadInt64();
            if ((int)(other >> 32) >= _sites.Count || (uint)other >= (uint)ordinals)
                throw new InvalidDataException("A template observation of a state checkpoint names an unknown site or document.");
            _otherObservations.Add(other);
        }
        for (var site = 0; site < _sites.Count; site++)
        {
            var length = reader.ReadInt32();
            if (length < 0 || length * 12L > reader.BaseStream.Length - reader.BaseStream.Position)
                throw new InvalidDataException($"The lines of site {site} of a state checkpoint are damaged.");
            var keys = new ulong[length];
            var counts = new int[length];
            reader.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(keys.AsSpan()));
            reader.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(counts.AsSpan()));
            for (var i = 0; i < length; i++)
            {
                if ((i > 0 && keys[i] <= keys[i - 1]) || counts[i] <= 0)
                    throw new InvalidDataException($"The lines of site {site} of a state checkpoint are not sorted lines of positive counts.");
            }
            var lines = new Lines();
            lines.Set(keys, counts, length);
            _lines.Add(lines);
        }
    }

    private sealed class Lines
    {
        private const byte Large = byte.MaxValue;

        public ulong[] Keys = [];
        private byte[] _counts = [];
        private Dictionary<ulong, int>? _large; // line key → count, for the counts of Large or more

        public long AllocatedBytes => Keys.Length * 9L + (_large?.Count ?? 0) * 24L;

        public int Count(int at) => _counts[at] == Large ? _large![Keys[at]] : _counts[at];

        public void Set(ulong[] keys, int[] counts, int n)
        {
            Keys = keys.Length == n ? keys : keys.AsSpan(0, n).ToArray();
            _counts = new byte[n];
            _large = null;
            for (var i = 0; i < n; i++)
            {
                if (counts[i] < Large)
                {
                    _counts[i] = (byte)counts[i];
                    continue;
                }
                _counts[i] = Large;
                (_large ??= [])[keys[i]] = counts[i];
            }
        }

        // Linear in the site's lines (a merge and a count histogram), not a sort of them: a
        // segment touches many sites during a catch-up.
        public void Add(Dictionary<ulong, int> added, int maxLines)
        {
            var newKeys = added.Keys.ToArray();
            Array.Sort(newKeys);
            var keys = new ulong[Keys.Length + newKeys.Length];
            var counts = new int[keys.Length];
            int i = 0, j = 0, n = 0;
            while (i < Keys.Length || j < newKeys.Length)
            {
                if (j == newKeys.Length || (i < Keys.Length && Keys[i] < newKeys[j]))
                    (keys[n], counts[n]) = (Keys[i], Count(i++));
                else if (i == Keys.Length || newKeys[j] < Keys[i])
                    (keys[n], counts[n]) = (newKeys[j], added[newKeys[j++]]);
                else
                    (keys[n], counts[n]) = (Keys[i], Count(i++) + added[newKeys[j++]]);
                n++;
            }
            if (n > maxLines)
                n = ForgetRarest(keys, counts, n, n - maxLines);
            Set(keys, counts, n);
        }

        // Forget the rarest lines, ties by key (lowest first): template lines recur, so they are
        // never the rarest for long. Every worker forgets the same ones.
        private static int ForgetRarest(ulong[] keys, int[] counts, int n, int forget)
        {
            // The count at which the forgetting stops: all below it go, and the lowest keys at it.
            var histogram = new SortedDictionary<int, int>();
            for (var i = 0; i < n; i++)
                histogram[counts[i]] = histogram.GetValueOrDefault(counts[i]) + 1;
            var below = 0;
            var cut = 0;
            foreach (var (count, entries) in histogram)
            {
                if (below + entries >= forget)
                {
                    cut = count;
                    break;
                }
                below += entries;
            }
            var atCutToForget = forget - below;
            var kept = 0;
            for (var i = 0; i < n; i++)
            {
                if (counts[i] < cut || (counts[i] == cut && atCutToForget-- > 0))
                    continue;
                (keys[kept], counts[kept]) = (keys[i], counts[i]);
                kept++;
            }
            return kept;
        }
    }
}

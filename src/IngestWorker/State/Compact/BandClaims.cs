namespace IngestWorker.State.Compact;

/// <summary>
/// LSH band key → the first claim's owner entry (see <see cref="SignatureStore"/>), per band: a
/// sorted array of <c>key32 &lt;&lt; 32 | owner</c> (8 bytes a claim, no empty slots) and a small
/// table of the claims since its last merge. A band key is kept as 32 bits: a new key that shares
/// them with an older one is told the older owner — a false candidate, which the near-duplicate
/// stage rejects on the signature, so it costs that band's claim and never a wrong verdict (about
/// 14 · n / 2^32 of documents lose one band at n documents: 0.3 % at a million).
/// </summary>
internal sealed class BandClaims
{
    private readonly List<Band> _bands = [];

    // Mixed before it is cut to 32 bits, so that keys that differ only in a pattern (as a test's
    // or a damaged writer's might) do not share their 32 bits more often than chance.
    public static uint KeyOf(ulong key) => (uint)(StableHash.Mix(key) >> 32);

    public long AllocatedBytes => _bands.Sum(b => b.Sorted.Length * 8L + b.Pending.Count * 24L);

    public long Count => _bands.Sum(b => (long)b.Sorted.Length + b.Pending.Count);

    /// <summary>The owner entry of the band key, or -1.</summary>
    public int Find(int band, ulong key) => band < _bands.Count ? _bands[band].Find(KeyOf(key)) : -1;

    /// <summary>Records <paramref name="owner"/> for the band key unless it has one (first writer wins).</summary>
    public void TryAdd(int band, ulong key, int owner)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(band);
        while (_bands.Count <= band)
            _bands.Add(new Band());
        var b = _bands[band];
        var key32 = KeyOf(key);
        if (b.Find(key32) >= 0)
            return;
        b.Pending.Add(key32, owner);
        // Merging when the table reaches 1/32 of the sorted part keeps it small and the copying
        // amortised (each claim is copied about 32 times over the index's growth).
        if (b.Pending.Count > Math.Max(4096, b.Sorted.Length / 32))
            b.Merge();
    }

    public void WriteTo(BinaryWriter writer)
    {
        writer.Write(_bands.Count);
        foreach (var band in _bands)
        {
            var merged = band.Merged();
            writer.Write(merged.Length);
            writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(merged.AsSpan()));
        }
    }

    public void ReadFrom(BinaryReader reader, int owners)
    {
        var count = reader.ReadInt32();
        if (count is < 0 or > 4096)
            throw new InvalidDataException($"A state checkpoint has {count} bands.");
        for (var i = 0; i < count; i++)
        {
            var length = reader.ReadInt32();
            if (length < 0 || length > reader.BaseStream.Length - reader.BaseStream.Position)
                throw new InvalidDataException($"Band {i} of a state checkpoint is damaged.");
            var sorted = GC.AllocateUninitializedArray<ulong>(length);
            reader.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(sorted.AsSpan()));
            for (var j = 0; j < length; j++)
            {
                if ((j > 0 && sorted[j] >> 32 <= sorted[j - 1] >> 32) || (uint)sorted[j] >= (uint)owners)
                    throw new InvalidDataException($"Band {i} of a state checkpoint is not a sorted list of distinct keys with known owners.");
            }
            _bands.Add(new Band { Sorted = sorted });
        }
    }

    private sealed class Band
    {
        public ulong[] Sorted = [];
        public readonly Dictionary<uint, int> Pending = [];

        public int Find(uint key32)
        {
            if (Pending.TryGetValue(key32, out var owner))
                return owner;
            int low = 0, high = Sorted.Length - 1;
            while (low <= high)
            {
                var mid = (low + high) >>> 1;
                var found = (uint)(Sorted[mid] >> 32);
                if (found == key32)
                    return (int)(uint)Sorted[mid];
                if (found < key32)
                    low = mid + 1;
                else
                    high = mid - 1;
            }
            return -1;
        }

        public void Merge()
        {
            Sorted = Merged();
            Pending.Clear();
            Pending.TrimExcess();
        }

        /// <summary>The sorted part and the table as one sorted array (the table untouched: checkpoints are written while others read).</summary>
        public ulong[] Merged()
        {
            if (Pending.Count == 0)
                return Sorted;
            var added = new ulong[Pending.Count];
            var n = 0;
            foreach (var (key, owner) in Pending)
                added[n++] = (ulong)key << 32 | (uint)owner;
            Array.Sort(added);
            var merged = GC.AllocateUninitializedArray<ulong>(Sorted.Length + added.Length);
            int i = 0, j = 0, k = 0;
            while (i < Sorted.Length && j < added.Length)
                merged[k++] = Sorted[i] < added[j] ? Sorted[i++] : added[j++];
            while (i < Sorted.Length)
                merged[k++] = Sorted[i++];
            while (j < added.Length)
                merged[k++] = added[j++];
            return merged;
        }
    }
}

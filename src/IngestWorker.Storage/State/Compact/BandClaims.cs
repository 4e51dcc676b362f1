using System.Runtime.InteropServices;

namespace IngestWorker.State.Compact;

/// <summary>
/// LSH band key → the first claim's owner entry (see <see cref="SignatureStore"/>), per band: the
/// claims in key order (no empty slots) and a small table of the claims since the last merge. A
/// band key is kept as 32 bits: a new key that shares them with an older one is told the older
/// owner — a false candidate, which the near-duplicate stage rejects on the signature, so it costs
/// that band's claim and never a wrong verdict (about 14 · n / 2^32 of documents lose one band at
/// n documents: 0.3 % at a million).
/// </summary>
/// <remarks>
/// A band of up to <see cref="SmallBandClaims"/> claims keeps them as one sorted array of
/// <c>key32 &lt;&lt; 32 | owner</c> (8 bytes a claim). A larger band keeps a directory of the top
/// 16 bits of the key (where each of the 65,536 buckets starts: 256 KiB) and, per claim, the low 16
/// bits and the owner in 3 bytes (4 once the index has 2^24 owners): 5 bytes a claim instead of 8.
/// The checkpoint holds the sorted <c>key32 · owner</c> form either way.
/// </remarks>
internal sealed class BandClaims
{
    /// <summary>Above this many claims a band takes the directory form (where its 256 KiB directory is under 2 bytes a claim).</summary>
    public const int SmallBandClaims = 1 << 17;

    private readonly List<Band> _bands = [];

    // Mixed before it is cut to 32 bits, so that keys that differ only in a pattern (as a test's
    // or a damaged writer's might) do not share their 32 bits more often than chance.
    public static uint KeyOf(ulong key) => (uint)(StableHash.Mix(key) >> 32);

    public long AllocatedBytes => _bands.Sum(b => b.AllocatedBytes);

    public long Count => _bands.Sum(b => (long)b.Count);

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
        if (b.Pending.Count > Math.Max(4096, b.SortedCount / 32))
            b.Merge();
    }

    public void WriteTo(BinaryWriter writer)
    {
        writer.Write(_bands.Count);
        foreach (var band in _bands)
        {
            writer.Write(band.Count);
            band.WriteMerged(writer);
        }
    }

    public void ReadFrom(BinaryReader reader, int owners)
    {
        var count = reader.ReadInt32();
        if (count is < 0 or > 4096)
            throw new InvalidDataException($"A state checkpoint has {count} bands.");
        var chunk = new ulong[1 << 14];
        for (var i = 0; i < count; i++)
        {
            var length = reader.ReadInt32();
            if (length < 0 || length * 8L > reader.BaseStream.Length - reader.BaseStream.Position)
                throw new InvalidDataException($"Band {i} of a state checkpoint is damaged.");
            var builder = new SortedBuilder(length, WidthFor(owners - 1));
            ulong previous = 0;
            for (var start = 0; start < length; start += chunk.Length)
            {
                var part = chunk.AsSpan(0, Math.Min(chunk.Length, length - start));
                reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(part));
                for (var j = 0; j < part.Length; j++)
                {
                    var claim = part[j];
                    if ((start + j > 0 && claim >> 32 <= previous >> 32) || (uint)claim >= (uint)owners)
                        throw new InvalidDataException($"Band {i} of a state checkpoint is not a sorted list of distinct keys with known owners.");
                    builder.Add(claim);
                    previous = claim;
                }
            }
            _bands.Add(builder.Build());
        }
    }

    private static int WidthFor(int maxOwner) => maxOwner < 1 << 24 ? 3 : 4;

    /// <summary>Builds a band from its claims in key order (each <c>key32 &lt;&lt; 32 | owner</c>).</summary>
    private sealed class SortedBuilder
    {
        private readonly Band _band = new();
        private readonly int _count;
        private int _added;

        public SortedBuilder(int count, int ownerWidth)
        {
            _count = count;
            if (count <= SmallBandClaims)
            {
                _band.Sorted = GC.AllocateUninitializedArray<ulong>(count);
                return;
            }
            _band.Starts = new int[(1 << 16) + 1];
            _band.Low = GC.AllocateUninitializedArray<ushort>(count);
            _band.Owners = GC.AllocateUninitializedArray<byte>(count * ownerWidth);
            _band.OwnerWidth = ownerWidth;
        }

        public void Add(ulong claim)
        {
            var at = _added++;
            if (_band.Starts is null)
            {
                _band.Sorted[at] = claim;
                return;
            }
            var key32 = (uint)(claim >> 32);
            _band.Starts[(key32 >> 16) + 1]++;
            _band.Low[at] = (ushort)key32;
            var owner = (uint)claim;
            var o = at * _band.OwnerWidth;
            _band.Owners[o] = (byte)owner;
            _band.Owners[o + 1] = (byte)(owner >> 8);
            _band.Owners[o + 2] = (byte)(owner >> 16);
            if (_band.OwnerWidth == 4)
                _band.Owners[o + 3] = (byte)(owner >> 24);
            else if (owner >= 1 << 24)
                throw new InvalidOperationException("A band owner does not fit the band's owner width.");
        }

        public Band Build()
        {
            if (_added != _count)
                throw new InvalidOperationException($"A band was built from {_added} claims, not {_count}.");
            if (_band.Starts is { } starts)
            {
                for (var b = 1; b < starts.Length; b++)
                    starts[b] += starts[b - 1];
            }
            return _band;
        }
    }

    private sealed class Band
    {
        // One of the two forms is set (see the class remarks).
        public ulong[] Sorted = [];
        public int[]? Starts;
        public ushort[] Low = [];
        public byte[] Owners = [];
        public int OwnerWidth;
        public readonly Dictionary<uint, int> Pending = [];

        public int SortedCount => Starts is null ? Sorted.Length : Low.Length;

        public int Count => SortedCount + Pending.Count;

        public long AllocatedBytes =>
            Sorted.Length * 8L + (Starts?.Length ?? 0) * 4L + Low.Length * 2L + Owners.Length + Pending.Count * 24L;

        public int Find(uint key32)
        {
            if (Pending.TryGetValue(key32, out var owner))
                return owner;
            return Starts is null ? FindSmall(key32) : FindLarge(key32);
        }

        private int FindSmall(uint key32)
        {
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

        private int FindLarge(uint key32)
        {
            var bucket = (int)(key32 >> 16);
            var at = Array.BinarySearch(Low, Starts![bucket], Starts[bucket + 1] - Starts[bucket], (ushort)key32);
            return at < 0 ? -1 : OwnerAt(at);
        }

        private int OwnerAt(int at)
        {
            var o = at * OwnerWidth;
            var owner = Owners[o] | Owners[o + 1] << 8 | Owners[o + 2] << 16;
            return OwnerWidth == 4 ? owner | Owners[o + 3] << 24 : owner;
        }

        /// <summary>The claims in key order, the table's merged in (the table untouched: checkpoints are written while others read).</summary>
        public IEnumerable<ulong> Claims()
        {
            var added = new ulong[Pending.Count];
            var n = 0;
            foreach (var (key, owner) in Pending)
                added[n++] = (ulong)key << 32 | (uint)owner;
            Array.Sort(added);
            var j = 0;
            foreach (var claim in SortedClaims())
            {
                while (j < added.Length && added[j] < claim)
                    yield return added[j++];
                yield return claim;
            }
            while (j < added.Length)
                yield return added[j++];
        }

        private IEnumerable<ulong> SortedClaims()
        {
            if (Starts is null)
            {
                foreach (var claim in Sorted)
                    yield return claim;
                yield break;
            }
            for (var bucket = 0; bucket < Starts.Length - 1; bucket++)
            {
                for (var at = Starts[bucket]; at < Starts[bucket + 1]; at++)
                    yield return (ulong)(uint)(bucket << 16 | Low[at]) << 32 | (uint)OwnerAt(at);
            }
        }

        public void WriteMerged(BinaryWriter writer)
        {
            foreach (var claim in Claims())
                writer.Write(claim);
        }

        public void Merge()
        {
            var count = Count;
            var maxOwner = 0;
            foreach (var owner in Pending.Values)
                maxOwner = Math.Max(maxOwner, owner);
            // Owners only grow, so the widest one is in the table or the current width still fits.
            var builder = new SortedBuilder(count, Math.Max(OwnerWidth, WidthFor(maxOwner)));
            foreach (var claim in Claims())
                builder.Add(claim);
            var merged = builder.Build();
            (Sorted, Starts, Low, Owners, OwnerWidth) = (merged.Sorted, merged.Starts, merged.Low, merged.Owners, merged.OwnerWidth);
            Pending.Clear();
            Pending.TrimExcess();
        }
    }
}

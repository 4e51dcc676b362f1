using System.Globalization;

namespace IngestWorker.State.Compact;

/// <summary>
/// Content hash → the first document that had it, in 21 bytes an entry plus an open-addressing
/// table of entry numbers. A hash is kept as its first 64 bits: two different texts whose SHA-256
/// share 64 bits would count as exact duplicates, a chance of 2^-64 per pair (about 3·10^-8 over
/// 10^6 documents' 5·10^11 pairs) — accepted. A key that is not SHA-256 hex is hashed to 64 bits
/// with <see cref="StableHash"/> (same odds).
/// </summary>
internal sealed class ContentHashClaims
{
    private readonly PagedArray<ulong> _keys = new();
    private readonly PagedArray<int> _owners = new();
    private readonly PagedArray<ulong> _etags = new();
    private readonly PagedArray<byte> _etagShapes = new();
    private int[] _slots = new int[1024]; // entry + 1

    public int Count => _keys.Count;

    public long AllocatedBytes => _keys.AllocatedBytes + _owners.AllocatedBytes + _etags.AllocatedBytes + _etagShapes.AllocatedBytes + _slots.Length * sizeof(int);

    public static ulong KeyOf(string contentHash)
    {
        if (contentHash.Length == 64 && ulong.TryParse(contentHash.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var prefix)
            && !contentHash.AsSpan().ContainsAnyExcept("0123456789abcdefABCDEF"))
            return prefix;
        return StableHash.Of(System.Text.Encoding.UTF8.GetBytes(contentHash), seed: 0x5348413235360000UL);
    }

    /// <summary>The entry of <paramref name="key"/>, or -1.</summary>
    public int Find(ulong key) => Probe(key, out _);

    public (int Owner, ulong ETag, byte ETagShape) this[int entry] => (_owners[entry], _etags[entry], _etagShapes[entry]);

    /// <summary>Adds the claim unless the key has an owner (first writer wins).</summary>
    public void TryAdd(ulong key, int owner, ulong etag, byte etagShape)
    {
        if (Probe(key, out var slot) >= 0)
            return;
        _slots[slot] = Count + 1;
        _keys.Add(key);
        _owners.Add(owner);
        _etags.Add(etag);
        _etagShapes.Add(etagShape);
        if ((long)Count * 5 > _slots.Length * 4L)
            Rehash(_slots.Length + _slots.Length / 2);
    }

    public void WriteTo(BinaryWriter writer)
    {
        _keys.WriteTo(writer);
        _owners.WriteTo(writer);
        _etags.WriteTo(writer);
        _etagShapes.WriteTo(writer);
    }

    public void ReadFrom(BinaryReader reader, int ordinals)
    {
        _keys.ReadFrom(reader);
        _owners.ReadFrom(reader);
        _etags.ReadFrom(reader);
        _etagShapes.ReadFrom(reader);
        if (_owners.Count != Count || _etags.Count != Count || _etagShapes.Count != Count)
            throw new InvalidDataException("The content hash columns of a state checkpoint differ in length.");
        for (var i = 0; i < Count; i++)
        {
            if ((uint)_owners[i] >= (uint)ordinals)
                throw new InvalidDataException($"Content hash entry {i} of a state checkpoint names no document.");
        }
        Rehash(StableHash.SlotsFor(Count));
    }

    private int Probe(ulong key, out int slot)
    {
        for (slot = StableHash.Slot(StableHash.Mix(key), _slots.Length); ; slot = slot + 1 == _slots.Length ? 0 : slot + 1)
        {
            var entry = _slots[slot] - 1;
            if (entry < 0)
                return -1;
            if (_keys[entry] == key)
                return entry;
        }
    }

    private void Rehash(int capacity)
    {
        _slots = new int[capacity];
        for (var entry = 0; entry < Count; entry++)
        {
            var slot = StableHash.Slot(StableHash.Mix(_keys[entry]), capacity);
            while (_slots[slot] != 0)
            {
                if (_keys[_slots[slot] - 1] == _keys[entry])
                    throw new InvalidDataException("A state checkpoint lists a content hash twice.");
                slot = slot + 1 == _slots.Length ? 0 : slot + 1;
            }
            _slots[slot] = entry + 1;
        }
    }
}

using System.Text;

namespace IngestWorker.State.Compact;

/// <summary>
/// Every (container, name) the index knows, numbered in order of first appearance (its ordinal):
/// containers kept once, names found again by a 64-bit hash of (container, name) through an
/// open-addressing table of ordinals. The names themselves (UTF-8) are in the index's
/// <see cref="SpillFile"/>: they are read back only for an answer that cites a document (an exact
/// or near duplicate's owner, a cluster's representative), never to find one. Two different names
/// with one 64-bit hash would be taken for one document — 2^-64 a pair, about 3·10^-8 over a
/// million names, the odds already accepted for content hashes. The other parts of the index keep
/// per-ordinal columns instead of string keys.
/// </summary>
internal sealed class DocumentKeys(SpillFile spill)
{
    private readonly StringCodes _containers = new(ushort.MaxValue);
    private readonly PagedArray<uint> _namePositions = new();
    private readonly PagedArray<ulong> _hashes = new();
    private readonly PagedArray<ushort> _containerCodes = new();
    private int[] _slots = new int[1024]; // ordinal + 1; 0 = empty

    public int Count => _namePositions.Count;

    public long AllocatedBytes => _namePositions.AllocatedBytes + _hashes.AllocatedBytes + _containerCodes.AllocatedBytes + _slots.Length * sizeof(int);

    public string Container(int ordinal) => _containers[_containerCodes[ordinal]];

    public string Name(int ordinal) => Encoding.UTF8.GetString(spill.Get(_namePositions[ordinal]));

    /// <summary>The ordinal of (container, name), or -1.</summary>
    public int Find(string container, string name)
    {
        var code = _containers.Find(container);
        if (code < 0)
            return -1;
        return Probe(Hash(code, name), out _);
    }

    /// <summary>The ordinal of (container, name), added when new; <paramref name="added"/> tells which.</summary>
    public int GetOrAdd(string container, string name, out bool added)
    {
        var code = _containers.GetOrAdd(container);
        var hash = Hash(code, name);
        var found = Probe(hash, out var slot);
        added = found < 0;
        if (!added)
            return found;
        var ordinal = Count;
        _namePositions.Add(spill.Add(Encoding.UTF8.GetBytes(name)));
        _hashes.Add(hash);
        _containerCodes.Add((ushort)code);
        _slots[slot] = ordinal + 1;
        if ((long)Count * 5 > _slots.Length * 4L)
            Rehash(_slots.Length + _slots.Length / 2);
        return ordinal;
    }

    /// <summary>The ordinal of a template document id <c>{container}/{name}</c> (see BoilerplateStage), or -1.</summary>
    public int FindDocumentId(string documentId)
    {
        var (container, name) = SplitDocumentId(documentId);
        return Find(container, name);
    }

    public int GetOrAddDocumentId(string documentId)
    {
        var (container, name) = SplitDocumentId(documentId);
        return GetOrAdd(container, name, out _);
    }

    /// <summary>The document id <see cref="FindDocumentId"/> reads back.</summary>
    public string DocumentId(int ordinal) => Container(ordinal) + "/" + Name(ordinal);

    // A container name never holds '/', so the first one splits the id; an id without one is a
    // name in the container "" (the index stays exact for any string).
    private static (string Container, string Name) SplitDocumentId(string documentId)
    {
        var slash = documentId.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? ("", documentId) : (documentId[..slash], documentId[(slash + 1)..]);
    }

    public void WriteTo(BinaryWriter writer)
    {
        _containers.WriteTo(writer);
        _containerCodes.WriteTo(writer);
        var names = spill.ReadInOrder();
        for (var i = 0; i < Count; i++)
        {
            var name = names.Get(_namePositions[i]);
            writer.Write7BitEncodedInt(name.Length);
            writer.Write(name);
        }
    }

    public void ReadFrom(BinaryReader reader)
    {
        _containers.ReadFrom(reader);
        _containerCodes.ReadFrom(reader);
        var count = _containerCodes.Count;
        var buffer = new byte[256];
        for (var i = 0; i < count; i++)
        {
            var length = reader.Read7BitEncodedInt();
            if (length < 0 || length > SpillFile.MaxLength || _containerCodes[i] >= _containers.Count)
                throw new InvalidDataException($"State checkpoint entry {i} is damaged.");
            if (length > buffer.Length)
                buffer = new byte[Math.Max(length, buffer.Length * 2)];
            reader.BaseStream.ReadExactly(buffer, 0, length);
            _namePositions.Add(spill.Add(buffer.AsSpan(0, length)));
            _hashes.Add(Hash(_containerCodes[i], buffer.AsSpan(0, length)));
        }
        Rehash(StableHash.SlotsFor(count));
    }

    private int Probe(ulong hash, out int slot)
    {
        for (slot = StableHash.Slot(hash, _slots.Length); ; slot = slot + 1 == _slots.Length ? 0 : slot + 1)
        {
            var entry = _slots[slot];
            if (entry == 0)
                return -1;
            if (_hashes[entry - 1] == hash)
                return entry - 1;
        }
    }

    private void Rehash(int capacity)
    {
        _slots = new int[capacity];
        for (var ordinal = 0; ordinal < Count; ordinal++)
        {
            var slot = StableHash.Slot(_hashes[ordinal], capacity);
            while (_slots[slot] != 0)
            {
                if (_hashes[_slots[slot] - 1] == _hashes[ordinal])
                    throw new InvalidDataException("A state checkpoint lists a document twice.");
                slot = slot + 1 == _slots.Length ? 0 : slot + 1;
            }
            _slots[slot] = ordinal + 1;
        }
    }

    private static ulong Hash(int containerCode, ReadOnlySpan<byte> name) => StableHash.Of(name, (ulong)containerCode);

    private static ulong Hash(int containerCode, string name)
    {
        // Names are short (at most 1,024 characters, 3 bytes each in UTF-8): no allocation for a lookup.
        var length = Encoding.UTF8.GetMaxByteCount(name.Length);
        Span<byte> bytes = length <= 4096 ? stackalloc byte[length] : new byte[length];
        return Hash(containerCode, bytes[..Encoding.UTF8.GetBytes(name, bytes)]);
    }
}

using System.Text;

namespace IngestWorker.State.Compact;

/// <summary>
/// Every (container, name) the index knows, numbered in order of first appearance (its ordinal):
/// containers kept once, names as UTF-8 in an arena, found again through an open-addressing table
/// of ordinals. The other parts of the index keep per-ordinal columns instead of string keys.
/// </summary>
internal sealed class DocumentKeys
{
    private const int MaxLoadPercent = 75;

    private readonly StringCodes _containers = new(ushort.MaxValue);
    private readonly ByteArena _names = new();
    private readonly PagedArray<int> _namePositions = new();
    private readonly PagedArray<ushort> _containerCodes = new();
    private int[] _slots = new int[1024]; // ordinal + 1; 0 = empty

    public int Count => _namePositions.Count;

    public long AllocatedBytes => _names.AllocatedBytes + _namePositions.AllocatedBytes + _containerCodes.AllocatedBytes + _slots.Length * sizeof(int);

    public string Container(int ordinal) => _containers[_containerCodes[ordinal]];

    public string Name(int ordinal) => Encoding.UTF8.GetString(_names.Get(_namePositions[ordinal]));

    /// <summary>The ordinal of (container, name), or -1.</summary>
    public int Find(string container, string name)
    {
        var code = _containers.Find(container);
        if (code < 0)
            return -1;
        var bytes = Encoding.UTF8.GetBytes(name);
        return Probe(code, bytes, out _);
    }

    /// <summary>The ordinal of (container, name), added when new; <paramref name="added"/> tells which.</summary>
    public int GetOrAdd(string container, string name, out bool added)
    {
        var code = _containers.GetOrAdd(container);
        var bytes = Encoding.UTF8.GetBytes(name);
        var found = Probe(code, bytes, out var slot);
        added = found < 0;
        if (!added)
            return found;
        var ordinal = Count;
        _namePositions.Add(_names.Add(bytes));
        _containerCodes.Add((ushort)code);
        _slots[slot] = ordinal + 1;
        if ((long)Count * 100 > (long)_slots.Length * MaxLoadPercent)
            Rehash(_slots.Length * 2);
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
        for (var i = 0; i < Count; i++)
        {
            var name = _names.Get(_namePositions[i]);
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
            if (length < 0 || length > ByteArena.MaxLength || _containerCodes[i] >= _containers.Count)
                throw new InvalidDataException($"State checkpoint entry {i} is damaged.");
            if (length > buffer.Length)
                buffer = new byte[Math.Max(length, buffer.Length * 2)];
            reader.BaseStream.ReadExactly(buffer, 0, length);
            _namePositions.Add(_names.Add(buffer.AsSpan(0, length)));
        }
        var capacity = 1024;
        while ((long)count * 100 > (long)capacity * MaxLoadPercent)
            capacity *= 2;
        Rehash(capacity);
        if (_slots.Count(s => s != 0) != count)
            throw new InvalidDataException("A state checkpoint lists a document twice.");
    }

    private int Probe(int containerCode, ReadOnlySpan<byte> name, out int slot)
    {
        var mask = _slots.Length - 1;
        for (slot = (int)Hash(containerCode, name) & mask; ; slot = (slot + 1) & mask)
        {
            var entry = _slots[slot];
            if (entry == 0)
                return -1;
            var ordinal = entry - 1;
            if (_containerCodes[ordinal] == containerCode && _names.Get(_namePositions[ordinal]).SequenceEqual(name))
                return ordinal;
        }
    }

    private void Rehash(int capacity)
    {
        _slots = new int[capacity];
        var mask = capacity - 1;
        for (var ordinal = 0; ordinal < Count; ordinal++)
        {
            var slot = (int)Hash(_containerCodes[ordinal], _names.Get(_namePositions[ordinal])) & mask;
            while (_slots[slot] != 0)
                slot = (slot + 1) & mask;
            _slots[slot] = ordinal + 1;
        }
    }

    private static ulong Hash(int containerCode, ReadOnlySpan<byte> name) => StableHash.Of(name, (ulong)containerCode);
}

using System.Numerics;
using System.Runtime.CompilerServices;

namespace IngestWorker.Text.Quality;

/// <summary>
/// An open-addressing hash table of 64-bit n-gram hashes with a count and the position of the first
/// occurrence per entry; reused across documents (cleared, not reallocated).
/// </summary>
internal sealed class NgramTable
{
    private struct Entry
    {
        public ulong Key;
        public int Count;
        public int First;
    }

    private Entry[] _entries = new Entry[1024];
    private int _shift;
    private int _mask;

    /// <summary>Empties the table, sized for <paramref name="expected"/> entries (load at most 1/2).</summary>
    public void Reset(int expected)
    {
        var capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(64, expected * 2));
        if (_entries.Length < capacity)
            _entries = new Entry[capacity];
        else
            Array.Clear(_entries, 0, capacity);
        _mask = capacity - 1;
        _shift = 64 - BitOperations.Log2((uint)capacity);
    }

    /// <summary>Counts <paramref name="key"/> once more; returns its slot (for <see cref="CountAt"/> and <see cref="FirstAt"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Add(ulong key, int position)
    {
        key |= 1; // 0 marks an empty slot
        var entries = _entries;
        var slot = (int)(key >> _shift);
        while (true)
        {
            ref var e = ref entries[slot];
            if (e.Key == key)
            {
                e.Count++;
                return slot;
            }
            if (e.Key == 0)
            {
                e.Key = key;
                e.Count = 1;
                e.First = position;
                return slot;
            }
            slot = (slot + 1) & _mask;
        }
    }

    /// <summary>Adds <paramref name="key"/> when absent; true when it was absent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool AddIfNew(ulong key)
    {
        key |= 1;
        var entries = _entries;
        var slot = (int)(key >> _shift);
        while (true)
        {
            ref var e = ref entries[slot];
            if (e.Key == key)
                return false;
            if (e.Key == 0)
            {
                e.Key = key;
                return true;
            }
            slot = (slot + 1) & _mask;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int CountAt(int slot) => _entries[slot].Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int FirstAt(int slot) => _entries[slot].First;
}

/// <summary>
/// Exact duplicate detection of text spans (lines, paragraphs): a table of 32-bit span hashes that
/// confirms every hash match by comparing the characters, so results equal Python's set of strings.
/// </summary>
internal sealed class SpanSet
{
    private int[] _hashes = new int[256];
    private int[] _starts = new int[256];
    private int[] _lengths = new int[256];
    private int _mask;
    private int _count;
    private string _text = "";

    public void Reset(string text, int expected)
    {
        _text = text;
        _count = 0;
        var capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(32, expected * 2));
        if (_hashes.Length < capacity)
        {
            _hashes = new int[capacity];
            _starts = new int[capacity];
            _lengths = new int[capacity];
        }
        Array.Clear(_lengths, 0, capacity); // length 0 + start -1 marks an empty slot
        Array.Fill(_starts, -1, 0, capacity);
        _mask = capacity - 1;
    }

    /// <summary>Adds the span; true when an identical span was added before.</summary>
    public bool AddAndCheckDuplicate(int start, int length)
    {
        if (_count * 2 >= _mask + 1)
            Grow();
        var span = _text.AsSpan(start, length);
        var hash = string.GetHashCode(span);
        var slot = Mix(hash) & _mask;
        while (true)
        {
            if (_starts[slot] < 0)
            {
                _hashes[slot] = hash;
                _starts[slot] = start;
                _lengths[slot] = length;
                _count++;
                return false;
            }
            if (_hashes[slot] == hash && _lengths[slot] == length && _text.AsSpan(_starts[slot], length).SequenceEqual(span))
                return true;
            slot = (slot + 1) & _mask;
        }
    }

    private static int Mix(int hash) => (int)(((uint)hash * 0x9E3779B1u) >> 7);

    private void Grow()
    {
        var hashes = _hashes;
        var starts = _starts;
        var lengths = _lengths;
        var old = _mask + 1;
        var capacity = old * 2;
        _hashes = new int[capacity];
        _starts = new int[capacity];
        _lengths = new int[capacity];
        Array.Fill(_starts, -1);
        _mask = capacity - 1;
        for (var i = 0; i < old; i++)
        {
            if (starts[i] < 0)
                continue;
            var slot = Mix(hashes[i]) & _mask;
            while (_starts[slot] >= 0)
                slot = (slot + 1) & _mask;
            _hashes[slot] = hashes[i];
            _starts[slot] = starts[i];
            _lengths[slot] = lengths[i];
        }
    }
}

using System.Runtime.InteropServices;

namespace IngestWorker.State.Compact;

/// <summary>
/// A growable array in fixed pages: no doubling (at most one partly used page is spare) and no
/// large copy when it grows, which is what keeps a million-entry index near its payload size.
/// Reads may run on many threads while nothing is added.
/// </summary>
internal sealed class PagedArray<T> where T : unmanaged
{
    private const int PageBits = 14;
    private const int PageSize = 1 << PageBits;
    private const int PageMask = PageSize - 1;

    private T[][] _pages = [];
    private int _allocatedPages;

    public int Count { get; private set; }

    public ref T this[int index] => ref _pages[index >> PageBits][index & PageMask];

    public long AllocatedBytes => (long)_allocatedPages * PageSize * Marshal.SizeOf<T>();

    public void Add(T value)
    {
        var index = Count;
        EnsureCapacity(index + 1);
        Count = index + 1;
        this[index] = value;
    }

    /// <summary>Appends <paramref name="count"/> default values.</summary>
    public void Grow(int count)
    {
        EnsureCapacity(Count + count);
        Count += count;
    }

    /// <summary>The values as raw little-endian bytes, page by page (the checkpoint's block form).</summary>
    public void WriteTo(BinaryWriter writer)
    {
        writer.Write(Count);
        for (var start = 0; start < Count; start += PageSize)
            writer.Write(MemoryMarshal.AsBytes(_pages[start >> PageBits].AsSpan(0, Math.Min(PageSize, Count - start))));
    }

    /// <summary>Appends a block <see cref="WriteTo"/> wrote (to an empty array).</summary>
    public void ReadFrom(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        if (count < 0 || Count != 0)
            throw new InvalidDataException($"A state checkpoint block has {count} entries.");
        EnsureCapacity(count);
        for (var start = 0; start < count; start += PageSize)
            reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(_pages[start >> PageBits].AsSpan(0, Math.Min(PageSize, count - start))));
        Count = count;
    }

    private void EnsureCapacity(int capacity)
    {
        var pages = (int)(((long)capacity + PageSize - 1) >> PageBits);
        if (pages > _pages.Length)
            Array.Resize(ref _pages, Math.Max(pages, _pages.Length + _pages.Length / 4 + 1));
        while (_allocatedPages < pages)
            _pages[_allocatedPages++] = new T[PageSize];
    }
}

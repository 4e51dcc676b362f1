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

    public long AllocatedBytes => (_allocatedPages == 0 ? 0 : (long)(_allocatedPages - 1) * PageSize + _pages[0].Length) * Marshal.SizeOf<T>();

    public void Add(T value)
    {
        var index = Count;
        EnsureCapacity(index + 1);
        Count = index + 1;
        this[index] = value;
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
        // A damaged count must not make the reader allocate gigabytes before it finds the stream short.
        var stream = reader.BaseStream;
        if (count < 0 || Count != 0 || (stream.CanSeek && (long)count * Marshal.SizeOf<T>() > stream.Length - stream.Position))
            throw new InvalidDataException($"A state checkpoint block claims {count} entries, more than the checkpoint holds.");
        EnsureCapacity(count);
        for (var start = 0; start < count; start += PageSize)
            reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(_pages[start >> PageBits].AsSpan(0, Math.Min(PageSize, count - start))));
        Count = count;
    }

    // The first page starts small and doubles up to a full page, so that the many small indexes
    // of tests and fresh logs cost kilobytes, not a page per column.
    private void EnsureCapacity(int capacity)
    {
        if (capacity <= PageSize && _allocatedPages <= 1)
        {
            if (_allocatedPages == 0)
            {
                _pages = new T[4][];
                _allocatedPages = 1;
                _pages[0] = new T[Math.Max(256, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity))];
            }
            else if (_pages[0].Length < capacity)
            {
                Array.Resize(ref _pages[0], Math.Min(PageSize, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity)));
            }
            return;
        }
        if (_allocatedPages >= 1 && _pages[0].Length < PageSize)
            Array.Resize(ref _pages[0], PageSize);
        var pages = (int)(((long)capacity + PageSize - 1) >> PageBits);
        if (pages > _pages.Length)
            Array.Resize(ref _pages, Math.Max(pages, _pages.Length + _pages.Length / 4 + 1));
        while (_allocatedPages < pages)
            _pages[_allocatedPages++] = new T[PageSize];
    }
}

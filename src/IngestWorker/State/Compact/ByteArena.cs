using System.Numerics;

namespace IngestWorker.State.Compact;

/// <summary>
/// Byte strings stored back to back in 1 MiB pages, each behind its length (7-bit encoded), and
/// referred to by a 32-bit position: a million names cost their UTF-8 bytes plus one or two bytes,
/// instead of a string object each.
/// </summary>
internal sealed class ByteArena
{
    private const int PageBits = 20;
    private const int PageSize = 1 << PageBits;
    private const int PageMask = PageSize - 1;

    /// <summary>The longest value (a blob name is at most 1,024 characters, a signature about 1 KB).</summary>
    public const int MaxLength = PageSize / 2;

    private readonly List<byte[]> _pages = [];
    private int _used;

    public long AllocatedBytes => _pages.Sum(p => (long)p.Length);

    /// <summary>Stores <paramref name="value"/>; returns its position.</summary>
    public int Add(ReadOnlySpan<byte> value)
    {
        var length = value.Length;
        if (length > MaxLength)
            throw new ArgumentException($"A value of {length} bytes is too long for the state index (at most {MaxLength}).", nameof(value));
        var header = length < 0x80 ? 1 : length < 0x4000 ? 2 : 3;
        var needed = header + length;
        if (_pages.Count == 0)
        {
            // The first page starts at 4 KiB and doubles up to 1 MiB: a small index costs kilobytes.
            _pages.Add(new byte[Math.Max(4096, (int)BitOperations.RoundUpToPowerOf2((uint)needed))]);
            _used = 0;
        }
        else if (_used + needed > _pages[^1].Length)
        {
            if (_pages.Count == 1 && _used + needed <= PageSize)
            {
                var grown = _pages[0];
                Array.Resize(ref grown, Math.Min(PageSize, (int)BitOperations.RoundUpToPowerOf2((uint)(_used + needed))));
                _pages[0] = grown;
            }
            else
            {
                if (_pages.Count >= (int.MaxValue >> PageBits))
                    throw new InvalidOperationException("The state index holds 2 GiB of names and signatures, its limit.");
                _pages.Add(new byte[PageSize]);
                _used = 0;
            }
        }
        var page = _pages[^1];
        var position = (_pages.Count - 1) << PageBits | _used;
        for (var rest = (uint)length; ; rest >>= 7)
        {
            if (rest < 0x80)
            {
                page[_used++] = (byte)rest;
                break;
            }
            page[_used++] = (byte)(rest | 0x80);
        }
        value.CopyTo(page.AsSpan(_used));
        _used += length;
        return position;
    }

    public ReadOnlySpan<byte> Get(int position)
    {
        var page = _pages[position >> PageBits];
        var offset = position & PageMask;
        var length = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = page[offset++];
            length |= (b & 0x7F) << shift;
            if (b < 0x80)
                break;
        }
        return page.AsSpan(offset, length);
    }
}

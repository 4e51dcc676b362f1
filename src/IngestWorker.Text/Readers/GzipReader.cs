using System.IO.Compression;

namespace IngestWorker.Text.Readers;

/// <summary>
/// Inflates gzip data (RFC 1952) member by member and insists that it is complete: every member's
/// header, deflate data and 8-byte trailer present, the trailer's CRC-32 and length matching what
/// was inflated. .NET's GZipStream returns a truncated stream's first part without an error, so
/// the members are walked here over raw deflate. Trailing zero bytes (tape or block padding) are
/// allowed, as gzip(1) allows them silently; any other bytes after the last member are an error
/// (gzip(1) warns "trailing garbage ignored" and exits with status 2).
/// </summary>
internal static class GzipReader
{
    /// <summary>The bytes fed to the inflater at a time while looking for the end of a member's deflate data.</summary>
    private const int Chunk = 16 * 1024;

    public enum Status { Complete, TooLarge, Corrupt }

    public readonly record struct Result(Status Status, byte[]? Content, string? Problem);

    public static Result Inflate(ReadOnlyMemory<byte> input, long maxOutputBytes, CancellationToken cancellationToken = default)
    {
        var data = input.Span;
        using var output = new MemoryStream();
        var position = 0;
        var members = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var header = HeaderLength(data[position..], out var headerProblem);
            if (header < 0)
                return Corrupt($"member {members + 1}: {headerProblem}");
            var deflateStart = position + header;
            var memberStart = output.Length;
            var end = InflateMember(input[deflateStart..], output, maxOutputBytes, out var tooLarge);
            if (tooLarge)
                return new Result(Status.TooLarge, null, null);
            if (end < 0)
                return Corrupt($"member {members + 1}: the compressed data ends before the end of the deflate stream (the file is truncated)");
            var trailer = deflateStart + end;
            if (data.Length - trailer < 8)
                return Corrupt($"member {members + 1}: the 8-byte trailer (CRC-32 and length) is missing or short (the file is truncated)");
            var inflated = output.GetBuffer().AsSpan((int)memberStart, (int)(output.Length - memberStart));
            var crc = BitConverter.ToUInt32(data.Slice(trailer, 4));
            var size = BitConverter.ToUInt32(data.Slice(trailer + 4, 4));
            if (!BitConverter.IsLittleEndian)
                (crc, size) = (System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(crc), System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(size));
            if (Crc32.Compute(inflated) != crc)
                return Corrupt($"member {members + 1}: the CRC-32 in the trailer does not match the inflated data");
            if ((uint)inflated.Length != size)
                return Corrupt($"member {members + 1}: the length in the trailer ({size:N0} bytes) does not match the inflated data ({inflated.Length:N0} bytes)");
            members++;
            position = trailer + 8;
            var rest = data[position..];
            if (rest.IsEmpty || rest.IndexOfAnyExcept((byte)0) < 0)
                return new Result(Status.Complete, output.ToArray(), null);
            if (rest.Length < 2 || rest[0] != 0x1F || rest[1] != 0x8B)
                return Corrupt($"{rest.Length:N0} bytes after the last member are neither another gzip member nor zero padding");
        }

        static Result Corrupt(string problem) => new(Status.Corrupt, null, problem);
    }

    /// <summary>The length of the member header at the start of <paramref name="data"/>, or -1 with the problem.</summary>
    private static int HeaderLength(ReadOnlySpan<byte> data, out string? problem)
    {
        problem = null;
        if (data.Length < 10)
            return Fail("the header is truncated", out problem);
        if (data[0] != 0x1F || data[1] != 0x8B)
            return Fail("no gzip signature", out problem);
        if (data[2] != 8)
            return Fail($"unknown compression method {data[2]}", out problem);
        var flags = data[3];
        if ((flags & 0xE0) != 0)
            return Fail("reserved header flags are set", out problem);
        var at = 10;
        if ((flags & 0x04) != 0) // FEXTRA
        {
            if (data.Length < at + 2)
                return Fail("the header is truncated", out problem);
            at += 2 + (data[at] | (data[at + 1] << 8));
        }
        for (var flag = 0x08; flag <= 0x10; flag <<= 1) // FNAME, FCOMMENT: zero-terminated
        {
            if ((flags & flag) == 0 || at > data.Length)
                continue;
            var zero = data[at..].IndexOf((byte)0);
            if (zero < 0)
                return Fail("the header is truncated", out problem);
            at += zero + 1;
        }
        if ((flags & 0x02) != 0) // FHCRC
            at += 2;
        return at > data.Length ? Fail("the header is truncated", out problem) : at;

        static int Fail(string why, out string? problem)
        {
            problem = why;
            return -1;
        }
    }

    /// <summary>
    /// Inflates one member's deflate data into <paramref name="output"/> and returns how many input
    /// bytes it took, or -1 when the input ends before the deflate stream does. The inflater does
    /// not say where it stopped, so the data is inflated once in chunks, then again up to the last
    /// chunk with that chunk fed one byte at a time: the inflater stops reading at its end.
    /// </summary>
    private static int InflateMember(ReadOnlyMemory<byte> deflate, MemoryStream output, long maxOutputBytes, out bool tooLarge)
    {
        tooLarge = false;
        var feed = new FeedStream(deflate, Chunk, int.MaxValue);
        using (var inflater = new DeflateStream(feed, CompressionMode.Decompress, leaveOpen: true))
        {
            var buffer = new byte[81920];
            int read;
            while ((read = inflater.Read(buffer)) > 0)
            {
                if (output.Length + read > maxOutputBytes)
                {
                    tooLarge = true;
                    return -1;
                }
                output.Write(buffer, 0, read);
            }
        }
        var exact = new FeedStream(deflate, Chunk, feed.LastReadStart);
        using (var inflater = new DeflateStream(exact, CompressionMode.Decompress, leaveOpen: true))
        {
            var buffer = new byte[81920];
            while (inflater.Read(buffer) > 0)
            {
            }
        }
        return exact.ReachedEnd ? -1 : exact.Position32;
    }

    /// <summary>
    /// Hands the inflater at most <c>chunk</c> bytes per read, and single bytes from
    /// <c>singleBytesFrom</c> on; notes where its last read started and whether it ran out.
    /// </summary>
    private sealed class FeedStream(ReadOnlyMemory<byte> data, int chunk, int singleBytesFrom) : Stream
    {
        private int _position;

        public int LastReadStart { get; private set; }

        /// <summary>A read found no bytes left: the inflater wanted more than there is.</summary>
        public bool ReachedEnd { get; private set; }

        public int Position32 => _position;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var left = data.Length - _position;
            if (left == 0)
            {
                ReachedEnd = true;
                return 0;
            }
            var n = Math.Min(Math.Min(buffer.Length, left), _position >= singleBytesFrom ? 1 : Math.Min(chunk, singleBytesFrom - _position));
            data.Span.Slice(_position, n).CopyTo(buffer);
            LastReadStart = _position;
            _position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>CRC-32 (IEEE 802.3, as gzip uses it), table-driven.</summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}

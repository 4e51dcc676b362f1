using Microsoft.Win32.SafeHandles;

namespace IngestWorker.State.Compact;

/// <summary>
/// Byte strings the index needs only now and then — document names (for the answers that cite a
/// document) and band owners' signatures (to confirm a band candidate) — appended to a local file
/// of this process instead of the managed heap, each behind its length (7-bit encoded) at an
/// 8-byte boundary and referred to by its position in 8-byte units (32 GiB at most). Reads are
/// positional (<see cref="RandomAccess"/>), so many threads may read at once (while nothing is
/// added, as for the rest of the index); appends are buffered (up to 1 MiB) and go to the file when
/// the buffer fills, and a read of a position still in the buffer is served from it.
/// </summary>
/// <remarks>
/// The file is the index's own scratch space, never shared and never read by another process: it
/// is created on the first append in the temporary directory and removed from the directory at
/// once on Unix (the open handle keeps it until the process ends, so a killed worker leaves
/// nothing behind), at close on Windows. Its pages live in the operating system's file cache,
/// which the system reclaims under pressure; they are not the process's memory.
/// </remarks>
internal sealed class SpillFile : IDisposable
{
    private const int Alignment = 8;
    private const int BufferSize = 1 << 20;

    /// <summary>The longest value (a blob name is at most 1,024 characters, a signature about 1.2 KB).</summary>
    public const int MaxLength = 1 << 16;

    private readonly string _directory;
    private SafeFileHandle? _file;
    private byte[] _buffer = [];
    private int _buffered;
    private long _flushed; // bytes in the file

    public SpillFile(string? directory = null) => _directory = directory ?? Path.GetTempPath();

    /// <summary>Bytes appended so far (in the file and the buffer).</summary>
    public long Length => _flushed + _buffered;

    /// <summary>Managed bytes it holds: the append buffer.</summary>
    public long AllocatedBytes => _buffer.Length;

    /// <summary>Stores <paramref name="value"/>; returns its position.</summary>
    public uint Add(ReadOnlySpan<byte> value)
    {
        if (value.Length > MaxLength)
            throw new ArgumentException($"A value of {value.Length} bytes is too long for the state index (at most {MaxLength}).", nameof(value));
        var start = Length;
        if (start / Alignment > uint.MaxValue)
            throw new InvalidOperationException("The state index's spill file holds 32 GiB, its limit.");
        var needed = Align(HeaderLength(value.Length) + value.Length);
        if (_buffered + needed > _buffer.Length)
        {
            Flush();
            // The buffer starts at 4 KiB and doubles up to 1 MiB: a small index costs kilobytes.
            if (_buffer.Length < needed || _buffer.Length < BufferSize)
                _buffer = new byte[Math.Max(needed, Math.Min(BufferSize, Math.Max(4096, _buffer.Length * 2)))];
        }
        var at = _buffered;
        for (var rest = (uint)value.Length; ; rest >>= 7)
        {
            if (rest < 0x80)
            {
                _buffer[at++] = (byte)rest;
                break;
            }
            _buffer[at++] = (byte)(rest | 0x80);
        }
        value.CopyTo(_buffer.AsSpan(at));
        _buffer.AsSpan(at + value.Length, _buffered + needed - at - value.Length).Clear();
        _buffered += needed;
        return (uint)(start / Alignment);
    }

    /// <summary>The value at <paramref name="position"/>, copied into a new array.</summary>
    public byte[] Get(uint position)
    {
        var offset = (long)position * Alignment;
        if (offset >= _flushed)
            return ReadBuffered((int)(offset - _flushed));
        // One read of the header and a typical value; a second one for a longer value.
        Span<byte> head = stackalloc byte[256];
        var read = RandomAccess.Read(_file!, head, offset);
        var length = 0;
        var header = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (header >= read)
                throw new InvalidDataException("The state index's spill file ends inside a value.");
            var b = head[header++];
            length |= (b & 0x7F) << shift;
            if (b < 0x80)
                break;
        }
        var value = new byte[length];
        var inHead = Math.Min(length, read - header);
        head.Slice(header, inHead).CopyTo(value);
        for (var done = inHead; done < length;)
        {
            var n = RandomAccess.Read(_file!, value.AsSpan(done), offset + header + done);
            if (n == 0)
                throw new InvalidDataException("The state index's spill file ends inside a value.");
            done += n;
        }
        return value;
    }

    /// <summary>Writes the buffered values to the file.</summary>
    public void Flush()
    {
        if (_buffered == 0)
            return;
        _file ??= Open(_directory);
        RandomAccess.Write(_file, _buffer.AsSpan(0, _buffered), _flushed);
        _flushed += _buffered;
        _buffered = 0;
    }

    public void Dispose() => _file?.Dispose();

    /// <summary>A reader of values in increasing positions (a checkpoint's write): one large read per window instead of one per value.</summary>
    public SequentialReader ReadInOrder() => new(this);

    internal sealed class SequentialReader(SpillFile spill)
    {
        private readonly byte[] _window = new byte[BufferSize + MaxLength + 8];
        private long _windowStart;
        private int _windowLength;

        public ReadOnlySpan<byte> Get(uint position)
        {
            var offset = (long)position * Alignment;
            if (offset >= spill._flushed)
                return Value(spill._buffer, (int)(offset - spill._flushed));
            if (offset < _windowStart || offset + 3 + MaxLength > _windowStart + _windowLength && _windowStart + _windowLength < spill._flushed)
            {
                _windowStart = offset;
                _windowLength = 0;
                var wanted = (int)Math.Min(_window.Length, spill._flushed - offset);
                while (_windowLength < wanted)
                {
                    var n = RandomAccess.Read(spill._file!, _window.AsSpan(_windowLength, wanted - _windowLength), offset + _windowLength);
                    if (n == 0)
                        throw new InvalidDataException("The state index's spill file ends early.");
                    _windowLength += n;
                }
            }
            return Value(_window, (int)(offset - _windowStart));
        }
    }

    private byte[] ReadBuffered(int at) => Value(_buffer, at).ToArray();

    /// <summary>The value whose length header starts at <paramref name="at"/> in <paramref name="bytes"/>.</summary>
    private static ReadOnlySpan<byte> Value(byte[] bytes, int at)
    {
        var length = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[at++];
            length |= (b & 0x7F) << shift;
            if (b < 0x80)
                break;
        }
        return bytes.AsSpan(at, length);
    }

    private static SafeFileHandle Open(string directory)
    {
        var path = Path.Combine(directory, $"ingestworker-state-{Environment.ProcessId}-{Guid.NewGuid():N}.spill");
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Delete, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Met at start-up, when the index is first built: say which directory and how to choose another.
            throw new IOException(
                $"The state index keeps document names in a scratch file in the temporary directory '{directory}', which cannot be written ({e.Message}). " +
                "Point TMPDIR at a writable directory with room for about 170 bytes per document.", e);
        }
        if (!OperatingSystem.IsWindows())
            File.Delete(path);
        return handle;
    }

    private static int HeaderLength(int length) => length < 0x80 ? 1 : length < 0x4000 ? 2 : 3;

    private static int Align(int length) => (length + Alignment - 1) & ~(Alignment - 1);
}

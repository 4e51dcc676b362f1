using System.Runtime.InteropServices;
using System.Text;

namespace IngestWorker.State;

/// <summary>Who wrote a segment and under which settings (<see cref="StateLogSchema"/>).</summary>
/// <param name="Writer">The writing process, <c>machine/pid</c>: for the operator reading the log.</param>
public sealed record SegmentHeader(string Writer, StateLogSchema Schema);

/// <summary>
/// A segment of the state log as bytes: a versioned binary format with a string table, so the
/// strings a batch repeats are stored once — a document's container, name and signature appear in
/// up to 14 band claims, its cluster and its decision. Strings that are lower-case hex (content
/// hashes) or canonical base64 (signatures) are stored as the bytes they spell, at half or three
/// quarters of their length.
/// </summary>
public static class SegmentCodec
{
    private const uint Magic = 0x31475349; // "ISG1"
    private const byte FormatVersion = 1;

    private enum OpTag : byte { Hash = 1, Band = 2, Cluster = 3, Template = 4, Decided = 5 }

    private enum StringKind : byte { Utf8 = 0, Hex = 1, Base64 = 2, Utf16 = 3 }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] Encode(SegmentHeader header, IReadOnlyList<StateOp> ops)
    {
        var table = new StringTable();
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write7BitEncodedInt(ops.Count);
            foreach (var op in ops)
                WriteOp(writer, table, op);
        }

        using var output = new MemoryStream((int)body.Length + 64 * table.Count + 128);
        using (var writer = new BinaryWriter(output, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(header.Writer);
            writer.Write(header.Schema.MinHashScheme);
            writer.Write7BitEncodedInt(header.Schema.MaxLinesPerSite);
            writer.Write7BitEncodedInt(header.Schema.TemplateMinDocuments);
            writer.Write7BitEncodedInt(header.Schema.TemplateMaxLineLength);
            writer.Write7BitEncodedInt(table.Count);
            foreach (var value in table.Values)
                WriteString(writer, value);
            writer.Write(body.GetBuffer(), 0, (int)body.Length);
        }
        return output.ToArray();
    }

    /// <summary>Only the header: enough to check a log's settings without decoding its operations.</summary>
    /// <exception cref="InvalidDataException">Not a segment of a format this worker reads.</exception>
    public static SegmentHeader DecodeHeader(ReadOnlySpan<byte> bytes)
    {
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        return ReadHeader(reader);
    }

    /// <exception cref="InvalidDataException">Not a segment of a format this worker reads, or damaged.</exception>
    public static (SegmentHeader Header, StateSegment Segment) Decode(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            var header = ReadHeader(reader);
            var strings = new string[Count(reader)];
            for (var i = 0; i < strings.Length; i++)
                strings[i] = ReadString(reader);
            var ops = new StateOp[Count(reader)];
            for (var i = 0; i < ops.Length; i++)
                ops[i] = ReadOp(reader, strings);
            if (stream.Position != stream.Length)
                throw new InvalidDataException($"The segment has {stream.Length - stream.Position} bytes after its last operation.");
            return (header, new StateSegment(ops));
        }
        catch (Exception e) when (e is EndOfStreamException or IndexOutOfRangeException or FormatException or DecoderFallbackException)
        {
            throw new InvalidDataException("The segment is damaged: " + e.Message, e);
        }
    }

    private static SegmentHeader ReadHeader(BinaryReader reader)
    {
        try
        {
            if (reader.ReadUInt32() != Magic)
                throw new InvalidDataException("Not a state log segment.");
            var version = reader.ReadByte();
            if (version != FormatVersion)
                throw new InvalidDataException($"The segment is in format {version}; this worker reads format {FormatVersion} (a newer worker wrote it).");
            var writer = reader.ReadString();
            var schema = new StateLogSchema(reader.ReadString(), reader.Read7BitEncodedInt(), reader.Read7BitEncodedInt(), reader.Read7BitEncodedInt());
            return new SegmentHeader(writer, schema);
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException)
        {
            throw new InvalidDataException("The segment's header is damaged: " + e.Message, e);
        }
    }

    private static void WriteOp(BinaryWriter writer, StringTable table, StateOp op)
    {
        switch (op)
        {
            case HashClaimed hash:
                writer.Write((byte)OpTag.Hash);
                table.Write(writer, hash.ContentHash, hash.Owner.Container, hash.Owner.Name, hash.Owner.ETag);
                break;
            case BandClaimed band:
                writer.Write((byte)OpTag.Band);
                writer.Write7BitEncodedInt(band.Band);
                writer.Write(band.Key);
                table.Write(writer, band.Owner.Container, band.Owner.Name, band.Owner.Signature);
                break;
            case ClusterSet cluster:
                writer.Write((byte)OpTag.Cluster);
                table.Write(writer, cluster.Container, cluster.Name, cluster.Representative);
                break;
            case TemplateObserved observed:
                writer.Write((byte)OpTag.Template);
                table.Write(writer, observed.Site, observed.DocumentId);
                writer.Write7BitEncodedInt(observed.LineKeys.Length);
                foreach (var key in observed.LineKeys)
                    writer.Write(key);
                break;
            case DocumentDecided decided:
                writer.Write((byte)OpTag.Decided);
                table.Write(writer, decided.Container, decided.Name, decided.ETag, decided.Status);
                break;
            default:
                throw new ArgumentException($"Unknown state operation {op.GetType().Name}.", nameof(op));
        }
    }

    private static StateOp ReadOp(BinaryReader reader, string[] strings)
    {
        string S() => strings[reader.Read7BitEncodedInt()];
        var tag = (OpTag)reader.ReadByte();
        switch (tag)
        {
            case OpTag.Hash:
                var hash = S();
                return new HashClaimed(hash, new(S(), S(), S()));
            case OpTag.Band:
                var band = reader.Read7BitEncodedInt();
                var key = reader.ReadUInt64();
                return new BandClaimed(band, key, new(S(), S(), S()));
            case OpTag.Cluster:
                return new ClusterSet(S(), S(), S());
            case OpTag.Template:
                var site = S();
                var document = S();
                var keys = new ulong[Count(reader)];
                for (var i = 0; i < keys.Length; i++)
                    keys[i] = reader.ReadUInt64();
                return new TemplateObserved(site, document, keys);
            case OpTag.Decided:
                return new DocumentDecided(S(), S(), S(), S());
            default:
                throw new InvalidDataException($"Unknown operation tag {(byte)tag} in the segment.");
        }
    }

    // A count that cannot be right for the bytes left is damage, not a reason to allocate gigabytes.
    private static int Count(BinaryReader reader)
    {
        var count = reader.Read7BitEncodedInt();
        if (count < 0 || count > reader.BaseStream.Length - reader.BaseStream.Position)
            throw new InvalidDataException($"The segment claims {count} entries in {reader.BaseStream.Length - reader.BaseStream.Position} bytes.");
        return count;
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        var (kind, bytes) = Compact(value);
        writer.Write((byte)kind);
        writer.Write7BitEncodedInt(bytes.Length);
        writer.Write(bytes);
    }

    private static string ReadString(BinaryReader reader)
    {
        var kind = (StringKind)reader.ReadByte();
        var bytes = reader.ReadBytes(Count(reader));
        return kind switch
        {
            StringKind.Utf8 => StrictUtf8.GetString(bytes),
            StringKind.Utf16 => new string(MemoryMarshal.Cast<byte, char>(bytes)),
            StringKind.Hex => Convert.ToHexStringLower(bytes),
            StringKind.Base64 => Convert.ToBase64String(bytes),
            _ => throw new InvalidDataException($"Unknown string kind {(byte)kind} in the segment."),
        };
    }

    // Only forms that spell the same string back exactly.
    private static (StringKind, byte[]) Compact(string value)
    {
        if (value.Length >= 16 && value.Length % 2 == 0 && !value.AsSpan().ContainsAnyExcept("0123456789abcdef"))
            return (StringKind.Hex, Convert.FromHexString(value));
        if (value.Length >= 16 && value.Length % 4 == 0)
        {
            var buffer = new byte[value.Length / 4 * 3];
            if (Convert.TryFromBase64String(value, buffer, out var written) && Convert.ToBase64String(buffer, 0, written) == value)
                return (StringKind.Base64, buffer[..written]);
        }
        try
        {
            return (StringKind.Utf8, StrictUtf8.GetBytes(value));
        }
        catch (EncoderFallbackException)
        {
            // A lone surrogate, which any encoding would turn into U+FFFD and so into another
            // string: the UTF-16 code units as they are.
            return (StringKind.Utf16, MemoryMarshal.AsBytes(value.AsSpan()).ToArray());
        }
    }

    /// <summary>Each distinct string once, numbered in order of first use.</summary>
    private sealed class StringTable
    {
        private readonly Dictionary<string, int> _numbers = new(StringComparer.Ordinal);
        private readonly List<string> _values = [];

        public int Count => _values.Count;

        public IReadOnlyList<string> Values => _values;

        public void Write(BinaryWriter writer, params ReadOnlySpan<string> values)
        {
            foreach (var value in values)
            {
                if (!_numbers.TryGetValue(value, out var number))
                {
                    _numbers[value] = number = _values.Count;
                    _values.Add(value);
                }
                writer.Write7BitEncodedInt(number);
            }
        }
    }
}

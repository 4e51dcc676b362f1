using System.Text;
using IngestWorker.Text.Dedup.Near;

namespace IngestWorker.State.Compact;

/// <summary>
/// Band owners: a document and the signature it claimed its bands with, kept once for all of its
/// bands. A MinHash signature is kept in its b-bit form (<see cref="BBitMinHashSignature"/>: 112
/// bytes at b = 8 instead of ~1.2 KB of base64) and handed back in that form's string; any other
/// string is kept as it was. The payloads are in the index's <see cref="SpillFile"/>, not in
/// memory: a signature is read only to confirm a band candidate (a near duplicate, or a band key
/// that another document shares by chance), a local read of ~120 bytes; memory holds 8 bytes an
/// entry (owner and position).
/// </summary>
internal sealed class SignatureStore(int bits, SpillFile spill)
{
    private const byte Verbatim = 0;

    private readonly PagedArray<uint> _positions = new();
    private readonly PagedArray<int> _ordinals = new();

    public int Bits => bits;

    public int Count => _ordinals.Count;

    public long AllocatedBytes => _positions.AllocatedBytes + _ordinals.AllocatedBytes;

    public int Ordinal(int entry) => _ordinals[entry];

    /// <summary>What is stored for <paramref name="signature"/>: kind byte (0 verbatim, else b), then the packed bits or the UTF-8 text.</summary>
    public byte[] Encode(string signature)
    {
        if (BBitMinHashSignature.TryPackFromAnyForm(signature, bits, out var count, out var packed) && count <= ushort.MaxValue)
        {
            var payload = new byte[3 + packed.Length];
            payload[0] = (byte)bits;
            payload[1] = (byte)count;
            payload[2] = (byte)(count >> 8);
            packed.CopyTo(payload, 3);
            return payload;
        }
        var text = Encoding.UTF8.GetBytes(signature);
        var verbatim = new byte[1 + text.Length];
        text.CopyTo(verbatim, 1);
        return verbatim;
    }

    public int Add(int ordinal, ReadOnlySpan<byte> payload)
    {
        _positions.Add(spill.Add(payload));
        _ordinals.Add(ordinal);
        return Count - 1;
    }

    /// <summary>The signature string a band lookup hands back.</summary>
    public string Signature(int entry)
    {
        var payload = spill.Get(_positions[entry]);
        return payload[0] == Verbatim
            ? Encoding.UTF8.GetString(payload.AsSpan(1))
            : BBitMinHashSignature.ToString(payload[0], payload[1] | payload[2] << 8, payload.AsSpan(3));
    }

    public void WriteTo(BinaryWriter writer)
    {
        _ordinals.WriteTo(writer);
        var payloads = spill.ReadInOrder();
        for (var i = 0; i < Count; i++)
        {
            var payload = payloads.Get(_positions[i]);
            writer.Write7BitEncodedInt(payload.Length);
            writer.Write(payload);
        }
    }

    public void ReadFrom(BinaryReader reader, int ordinals)
    {
        _ordinals.ReadFrom(reader);
        var buffer = new byte[4096];
        for (var i = 0; i < Count; i++)
        {
            var length = reader.Read7BitEncodedInt();
            if (length < 1 || length > SpillFile.MaxLength || (uint)_ordinals[i] >= (uint)ordinals)
                throw new InvalidDataException($"Band owner {i} of a state checkpoint is damaged.");
            if (length > buffer.Length)
                buffer = new byte[length];
            reader.BaseStream.ReadExactly(buffer, 0, length);
            if (buffer[0] != Verbatim && (buffer[0] != bits || length != 3 + BBitMinHashSignature.PackedLength(buffer[1] | buffer[2] << 8, bits)))
                throw new InvalidDataException($"Band owner {i} of a state checkpoint holds a signature of another form.");
            _positions.Add(spill.Add(buffer.AsSpan(0, length)));
        }
    }
}

using System.Buffers.Binary;
using System.Globalization;

namespace IngestWorker.Text.Dedup.Near;

/// <summary>
/// A MinHash signature kept as the low <c>b</c> bits of each value (b-bit minwise hashing, Li &amp;
/// König 2010): a shared index can hold one per document in 1/64 (b = 1) to 1/8 (b = 8) of the full
/// signature's space and still confirm a candidate. Two values agree in their low b bits either
/// because the full values agree (probability J) or by chance (2^-b), so the share m of agreeing
/// positions estimates J = (m − 2^-b)/(1 − 2^-b). Its standard error at b = 8 is within 1 % of the
/// full signature's; at b = 4 about 4 % larger at J = 0.8.
/// </summary>
/// <remarks>
/// The string form is self-describing — <c>minhash-b{b}:{count}:{base64}</c> — so it can sit in
/// <see cref="BandEntry.Signature"/> next to the full form, which is plain base64 and never contains
/// a colon.
/// </remarks>
public sealed class BBitMinHashSignature
{
    public const string Prefix = "minhash-b";

    private readonly byte[] _packed;

    private BBitMinHashSignature(int bits, int count, byte[] packed)
    {
        Bits = bits;
        Count = count;
        _packed = packed;
    }

    /// <summary>Bits kept per value: 1, 2, 4 or 8.</summary>
    public int Bits { get; }

    /// <summary>Values in the signature (the full signature's length).</summary>
    public int Count { get; }

    /// <summary>The low bits of every value, packed little-endian-first: value i at bit i × b.</summary>
    public ReadOnlySpan<byte> Packed => _packed;

    public static bool IsSupportedBits(int bits) => bits is 1 or 2 or 4 or 8;

    /// <summary>Bytes a signature of <paramref name="count"/> values takes at <paramref name="bits"/> bits each.</summary>
    public static int PackedLength(int count, int bits) => (count * bits + 7) / 8;

    /// <summary>Keeps the low <paramref name="bits"/> bits of each value of <paramref name="full"/>.</summary>
    public static BBitMinHashSignature FromFull(MinHashSignature full, int bits)
    {
        ArgumentNullException.ThrowIfNull(full);
        var packed = new byte[PackedLength(full.Values.Length, CheckBits(bits))];
        Pack(full.Values, bits, packed);
        return new BBitMinHashSignature(bits, full.Values.Length, packed);
    }

    /// <summary>Writes the low <paramref name="bits"/> bits of each value into <paramref name="destination"/> (<see cref="PackedLength"/> bytes).</summary>
    public static void Pack(ReadOnlySpan<ulong> values, int bits, Span<byte> destination)
    {
        CheckBits(bits);
        destination[..PackedLength(values.Length, bits)].Clear();
        var mask = (1UL << bits) - 1;
        for (var i = 0; i < values.Length; i++)
        {
            var bit = i * bits;
            destination[bit >> 3] |= (byte)((values[i] & mask) << (bit & 7));
        }
    }

    /// <summary>A signature over already packed bits (copied).</summary>
    public static BBitMinHashSignature FromPacked(int bits, int count, ReadOnlySpan<byte> packed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (packed.Length != PackedLength(count, CheckBits(bits)))
            throw new ArgumentException($"{count} values of {bits} bits take {PackedLength(count, bits)} bytes, not {packed.Length}.", nameof(packed));
        return new BBitMinHashSignature(bits, count, packed.ToArray());
    }

    /// <summary>The low bits of value <paramref name="index"/>.</summary>
    public int ValueAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        var bit = index * Bits;
        return (_packed[bit >> 3] >> (bit & 7)) & ((1 << Bits) - 1);
    }

    /// <summary>True when <paramref name="text"/> is in this class's string form (it may still be damaged).</summary>
    public static bool IsCompactForm(string? text) => text is not null && text.StartsWith(Prefix, StringComparison.Ordinal);

    public override string ToString() => ToString(Bits, Count, _packed);

    /// <summary>The string form of packed bits, without building an instance.</summary>
    public static string ToString(int bits, int count, ReadOnlySpan<byte> packed) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{bits}:{count}:{Convert.ToBase64String(packed)}");

    /// <summary>Reads the string form.</summary>
    /// <exception cref="FormatException">Not this class's form, or damaged.</exception>
    public static BBitMinHashSignature Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = IsCompactForm(text) ? text[Prefix.Length..].Split(':') : [];
        if (parts.Length != 3
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var bits) || !IsSupportedBits(bits)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count <= 0)
            throw new FormatException($"Not a b-bit MinHash signature ('{Prefix}{{1|2|4|8}}:{{count}}:{{base64}}'): '{Truncate(text)}'.");
        var packed = Convert.FromBase64String(parts[2]);
        if (packed.Length != PackedLength(count, bits))
            throw new FormatException($"A b-bit MinHash signature of {count} values of {bits} bits has {PackedLength(count, bits)} bytes; got {packed.Length}.");
        return new BBitMinHashSignature(bits, count, packed);
    }

    /// <summary>
    /// The Jaccard similarity of <paramref name="full"/>'s text and this signature's text, by the
    /// b-bit estimator, clamped to [0, 1]. Positions where the full signature has no shingle
    /// (<see cref="ulong.MaxValue"/>) never count as agreement, as in
    /// <see cref="MinHashSignature.EstimateJaccard"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The signatures have different lengths (other settings).</exception>
    public double EstimateJaccard(MinHashSignature full)
    {
        ArgumentNullException.ThrowIfNull(full);
        if (full.Values.Length != Count)
            throw new ArgumentException($"Signatures of {Count} and {full.Values.Length} values cannot be compared (made with other settings).", nameof(full));
        var mask = (1UL << Bits) - 1;
        var same = 0;
        var values = full.Values;
        for (var i = 0; i < Count; i++)
        {
            if (values[i] != ulong.MaxValue && (int)(values[i] & mask) == ValueAt(i))
                same++;
        }
        var chance = 1.0 / (1 << Bits);
        var estimate = ((double)same / Count - chance) / (1 - chance);
        return Math.Clamp(estimate, 0, 1);
    }

    /// <summary>Packed bits of a signature string in either form, when it can be read; for an index that stores them.</summary>
    public static bool TryPackFromAnyForm(string signature, int bits, out int count, out byte[] packed)
    {
        count = 0;
        packed = [];
        try
        {
            if (IsCompactForm(signature))
            {
                var compact = Parse(signature);
                if (compact.Bits != bits)
                    return false;
                (count, packed) = (compact.Count, compact._packed);
                return true;
            }
            var bytes = Convert.FromBase64String(signature);
            if (bytes.Length == 0 || bytes.Length % sizeof(ulong) != 0)
                return false;
            var values = new ulong[bytes.Length / sizeof(ulong)];
            for (var i = 0; i < values.Length; i++)
                values[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(i * sizeof(ulong)));
            count = values.Length;
            packed = new byte[PackedLength(count, bits)];
            Pack(values, bits, packed);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static int CheckBits(int bits) =>
        IsSupportedBits(bits) ? bits : throw new ArgumentOutOfRangeException(nameof(bits), bits, "A b-bit signature keeps 1, 2, 4 or 8 bits per value.");

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

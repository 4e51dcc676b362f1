using System.Buffers.Binary;

namespace IngestWorker.Text.Dedup.Near;

/// <summary>
/// The MinHash signature of a text: for each hash function, the least hash of any of its word
/// shingles (see <see cref="MinHasher"/>). Immutable.
/// </summary>
public sealed class MinHashSignature : IEquatable<MinHashSignature>
{
    private readonly ulong[] _values;

    /// <summary>A signature of the given values (copied) and shingle count (-1 when unknown).</summary>
    public MinHashSignature(ulong[] values, int shingleCount)
        : this(shingleCount, (ulong[])(values ?? throw new ArgumentNullException(nameof(values))).Clone())
    {
    }

    private MinHashSignature(int shingleCount, ulong[] values)
    {
        if (values.Length == 0)
            throw new ArgumentException("A signature has at least one value.", nameof(values));
        ArgumentOutOfRangeException.ThrowIfLessThan(shingleCount, -1);
        _values = values;
        ShingleCount = shingleCount;
    }

    /// <summary>Takes the array without copying: for the hasher, which never touches it again.</summary>
    internal static MinHashSignature Own(ulong[] values, int shingleCount) => new(shingleCount, values);

    /// <summary>The minimum of each hash function over the shingles; all <see cref="ulong.MaxValue"/> for a text without words.</summary>
    public ReadOnlySpan<ulong> Values => _values;

    /// <summary>Shingle positions the signature was computed from (0 for a text without words; -1 when unknown, as after <see cref="FromBase64"/> without a count).</summary>
    public int ShingleCount { get; }

    /// <summary>True for the signature of a text without words (every value <see cref="ulong.MaxValue"/>).</summary>
    public bool IsEmpty => !_values.AsSpan().ContainsAnyExcept(ulong.MaxValue);

    /// <summary>
    /// The share of positions at which both signatures hold the same value: an unbiased estimate of
    /// the Jaccard similarity of the two shingle sets, with a standard error of √(s(1-s)/n) for n
    /// values (0.038 at s = 0.8 with 112). Positions where both hold <see cref="ulong.MaxValue"/>
    /// (neither text had a shingle) do not count as agreement, so two texts without words have
    /// similarity 0: there is nothing to compare.
    /// </summary>
    /// <exception cref="ArgumentException">The signatures have different lengths (other settings).</exception>
    public double EstimateJaccard(MinHashSignature other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._values.Length != _values.Length)
            throw new ArgumentException($"Signatures of {_values.Length} and {other._values.Length} values cannot be compared (made with other settings).", nameof(other));
        var same = 0;
        for (var i = 0; i < _values.Length; i++)
        {
            if (_values[i] == other._values[i] && _values[i] != ulong.MaxValue)
                same++;
        }
        return (double)same / _values.Length;
    }

    /// <summary>
    /// The LSH key of band <paramref name="band"/>: a 64-bit hash of values
    /// <c>band × rowsPerBand</c> to <c>band × rowsPerBand + rowsPerBand - 1</c> and of the band
    /// number. Two documents whose values agree in a band get the same key and become candidates.
    /// The key is stable across processes, machines and versions (it is stored in blob names):
    /// the computation must never change.
    /// </summary>
    public ulong BandKey(int band, int rowsPerBand)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowsPerBand);
        ArgumentOutOfRangeException.ThrowIfNegative(band);
        if ((long)(band + 1) * rowsPerBand > _values.Length)
            throw new ArgumentOutOfRangeException(nameof(band), band, $"Band {band} of {rowsPerBand} rows lies beyond the {_values.Length} values of the signature.");
        // The band number goes in so that equal rows in different bands give different keys, even
        // for an index that does not keep bands apart.
        var hash = NearHash.Step(NearHash.BandBasis, (ulong)band << 32 | (uint)rowsPerBand);
        foreach (var value in _values.AsSpan(band * rowsPerBand, rowsPerBand))
            hash = NearHash.Step(hash, value);
        return NearHash.Finalize(hash);
    }

    /// <summary>The values as little-endian 8-byte integers, in standard base64 with padding (1196 characters for 112 values).</summary>
    public string ToBase64()
    {
        var bytes = new byte[_values.Length * sizeof(ulong)];
        for (var i = 0; i < _values.Length; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * sizeof(ulong)), _values[i]);
        return Convert.ToBase64String(bytes);
    }

    /// <summary>Reads <see cref="ToBase64"/>'s form; the shingle count is not part of it (-1: unknown).</summary>
    /// <exception cref="FormatException">Not base64, or not a whole number of 8-byte values.</exception>
    public static MinHashSignature FromBase64(string text, int shingleCount = -1)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Convert.FromBase64String(text);
        if (bytes.Length == 0 || bytes.Length % sizeof(ulong) != 0)
            throw new FormatException($"A MinHash signature is a whole number of 8-byte values; got {bytes.Length} bytes.");
        var values = new ulong[bytes.Length / sizeof(ulong)];
        for (var i = 0; i < values.Length; i++)
            values[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(i * sizeof(ulong)));
        return Own(values, shingleCount);
    }

    /// <summary>Equal values (the shingle count is informational and may be unknown, so it is not compared).</summary>
    public bool Equals(MinHashSignature? other) =>
        other is not null && (ReferenceEquals(this, other) || _values.AsSpan().SequenceEqual(other._values));

    public override bool Equals(object? obj) => Equals(obj as MinHashSignature);

    public override int GetHashCode() => HashCode.Combine(_values.Length, _values[0], _values[^1]);

    public override string ToString() => $"MinHash({_values.Length} values, {ShingleCount} shingles)";
}

using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace IngestWorker.Text.Dedup.Near;

/// <summary>How <see cref="MinHasher"/> takes the minima (all give the same values; tests compare them).</summary>
internal enum MinHashPath
{
    Scalar,
    Vector256,
    Vector512,
}

/// <summary>
/// Computes MinHash signatures of word shingles. Thread-safe and allocation-light (the signature's
/// array and nothing else per document): one instance serves all documents.
/// </summary>
/// <remarks>
/// <para><b>Pipeline.</b> The text is simplified as <see cref="NearDuplicateText.Normalize"/> does
/// and split into words as <see cref="NearDuplicateText.Words"/> does, without building either
/// (<see cref="NearWordHashes"/>); each word is hashed once to 64 bits (its UTF-16 code units
/// four at a time through a multiply-rotate step, then SplitMix64's finalizer: stable across
/// processes and machines, unlike <see cref="string.GetHashCode()"/>). Each run of
/// <see cref="MinHashOptions.ShingleWords"/> consecutive word hashes becomes a shingle hash (a
/// polynomial in the word hashes, so order matters, finalized). A text with fewer words is a
/// single shingle of all of them.</para>
///
/// <para><b>Hash family.</b> Function i maps a shingle hash x to
/// <c>h_i(x) = M · f(a_i·x + b_i)</c> with <c>f(z) = z ⊕ (z ≫ 32)</c>, all mod 2^64, where a_i
/// (odd) and b_i come from a SplitMix64 stream seeded with <see cref="MinHashOptions.Seed"/> and M
/// is one fixed odd constant. The multiply-add is the classic universal family and, with a_i odd,
/// a permutation of the 64-bit values, so distinct shingles never tie. On its own its weakness is
/// that a minimum is decided by the top bits while low product bits depend only on low input
/// bits, and that h_i and h_j are affine images of each other; folding the high half into the low
/// half and multiplying by M makes the deciding top bits depend on every bit of a_i·x + b_i and
/// breaks the affine relation, for one extra multiply. Inputs are SplitMix-finalized hashes, not
/// structured keys, which is the setting in which such cheap families behave like random
/// permutations. datatrove's (a·x + b) mod (2^61 - 1) is a stricter universal family but needs
/// the high half of a 64×64-bit product, which vector units do not have; this one is plain
/// wrapping 64-bit arithmetic, so the Vector512 (vpmullq), Vector256 and scalar paths agree
/// bit for bit.</para>
///
/// <para><b>Speed.</b> Word and shingle hashes live in a pooled buffer, and the minima are taken
/// two vectors of hash functions at a time over all shingles, so running minima and coefficients
/// stay in registers. On article-sized text the word pass and the 112 minima cost about the same;
/// see bench/IngestWorker.NearDupBench.</para>
/// </remarks>
public sealed class MinHasher
{
    // An odd multiplier with good spectral figures of merit (Steele and Vigna, "Computationally
    // easy, spectrally good multipliers", 2021).
    private const ulong FoldMultiplier = 0xD1342543DE82EF95UL;

    private readonly int _shingleWords;
    private readonly int _hashCount;
    private readonly ulong[] _multipliers;
    private readonly ulong[] _addends;

    /// <summary>A hasher with the given settings (validated; read once: later changes to <paramref name="options"/> do not affect it).</summary>
    public MinHasher(MinHashOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _shingleWords = options.ShingleWords;
        _hashCount = options.HashCount;
        _multipliers = new ulong[_hashCount];
        _addends = new ulong[_hashCount];
        var state = options.Seed;
        for (var i = 0; i < _hashCount; i++)
        {
            _multipliers[i] = NearHash.NextSplitMix(ref state) | 1;
            _addends[i] = NearHash.NextSplitMix(ref state);
        }
    }

    public MinHashOptions Options { get; }

    /// <summary>The widest path this machine runs in hardware.</summary>
    internal static MinHashPath BestPath { get; } =
        Vector512.IsHardwareAccelerated ? MinHashPath.Vector512
        : Vector256.IsHardwareAccelerated ? MinHashPath.Vector256
        : MinHashPath.Scalar;

    /// <summary>
    /// The signature of cleaned text. A text without words gets every value
    /// <see cref="ulong.MaxValue"/> and a shingle count of 0.
    /// </summary>
    public MinHashSignature Compute(string cleanedText) => Compute(cleanedText, BestPath);

    internal MinHashSignature Compute(string cleanedText, MinHashPath path)
    {
        ArgumentNullException.ThrowIfNull(cleanedText);
        // Room for words of three characters with their spaces, plus the slack the word pass wants;
        // grown in the rare text with more.
        var hashes = ArrayPool<ulong>.Shared.Rent(cleanedText.Length / 4 + 64);
        try
        {
            var count = NearWordHashes.Compute(cleanedText, ref hashes, path);
            return FromWordHashes(hashes.AsSpan(0, count), path);
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(hashes);
        }
    }

    /// <summary>The signature of a list of words, each hashed on its own: the reference the one-pass path is tested against.</summary>
    internal MinHashSignature ComputeFromWords(IReadOnlyList<string> words, MinHashPath path)
    {
        var hashes = new ulong[words.Count];
        for (var i = 0; i < hashes.Length; i++)
            hashes[i] = NearWordHashes.Word(words[i]);
        return FromWordHashes(hashes, path);
    }

    // Overwrites the word hashes with shingle hashes.
    private MinHashSignature FromWordHashes(Span<ulong> hashes, MinHashPath path)
    {
        var values = new ulong[_hashCount];
        if (hashes.IsEmpty)
        {
            values.AsSpan().Fill(ulong.MaxValue);
            return MinHashSignature.Own(values, 0);
        }
        var shingles = Shingle(hashes, _shingleWords);
        var from = path switch
        {
            MinHashPath.Vector512 => MinimaVector512(hashes[..shingles], values),
            MinHashPath.Vector256 => MinimaVector256(hashes[..shingles], values, 0),
            _ => 0,
        };
        MinimaScalar(hashes[..shingles], values, from);
        return MinHashSignature.Own(values, shingles);
    }

    /// <summary>Replaces word hashes by the hashes of the shingles starting at each word; returns how many.</summary>
    private static int Shingle(Span<ulong> hashes, int n)
    {
        if (hashes.Length < n)
        {
            var whole = 0UL;
            foreach (var h in hashes)
                whole = whole * NearHash.ShingleMultiplier + h;
            hashes[0] = NearHash.Finalize(whole);
            return 1;
        }
        var count = hashes.Length - n + 1;
        // In place: shingle i reads words i..i+n-1, and only word i has been overwritten so far.
        for (var i = 0; i < count; i++)
        {
            var s = hashes[i];
            for (var j = 1; j < n; j++)
                s = s * NearHash.ShingleMultiplier + hashes[i + j];
            hashes[i] = NearHash.Finalize(s);
        }
        return count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Permute(ulong x, ulong a, ulong b)
    {
        var z = x * a + b;
        return (z ^ (z >> 32)) * FoldMultiplier;
    }

    private void MinimaScalar(ReadOnlySpan<ulong> shingles, Span<ulong> values, int from)
    {
        for (var i = from; i < values.Length; i++)
        {
            var a = _multipliers[i];
            var b = _addends[i];
            var min = ulong.MaxValue;
            foreach (var x in shingles)
                min = Math.Min(min, Permute(x, a, b));
            values[i] = min;
        }
    }

    // Returns the first hash function not done (the scalar path finishes the rest).
    private int MinimaVector512(ReadOnlySpan<ulong> shingles, Span<ulong> values)
    {
        ref var a = ref MemoryMarshal.GetArrayDataReference(_multipliers);
        ref var b = ref MemoryMarshal.GetArrayDataReference(_addends);
        ref var x = ref MemoryMarshal.GetReference(shingles);
        ref var v = ref MemoryMarshal.GetReference(values);
        var m = Vector512.Create(FoldMultiplier);
        var n = shingles.Length;
        var i = 0;
        // Two vectors of functions per pass: each broadcast shingle feeds sixteen functions.
        for (; i + 16 <= values.Length; i += 16)
        {
            var a0 = Vector512.LoadUnsafe(ref a, (nuint)i);
            var a1 = Vector512.LoadUnsafe(ref a, (nuint)i + 8);
            var b0 = Vector512.LoadUnsafe(ref b, (nuint)i);
            var b1 = Vector512.LoadUnsafe(ref b, (nuint)i + 8);
            var min0 = Vector512<ulong>.AllBitsSet;
            var min1 = Vector512<ulong>.AllBitsSet;
            for (var k = 0; k < n; k++)
            {
                var s = Vector512.Create(Unsafe.Add(ref x, k));
                var z0 = s * a0 + b0;
                var z1 = s * a1 + b1;
                min0 = Vector512.Min(min0, (z0 ^ Vector512.ShiftRightLogical(z0, 32)) * m);
                min1 = Vector512.Min(min1, (z1 ^ Vector512.ShiftRightLogical(z1, 32)) * m);
            }
            min0.StoreUnsafe(ref v, (nuint)i);
            min1.StoreUnsafe(ref v, (nuint)i + 8);
        }
        for (; i + 8 <= values.Length; i += 8)
        {
            var a0 = Vector512.LoadUnsafe(ref a, (nuint)i);
            var b0 = Vector512.LoadUnsafe(ref b, (nuint)i);
            var min0 = Vector512<ulong>.AllBitsSet;
            for (var k = 0; k < n; k++)
            {
                var z0 = Vector512.Create(Unsafe.Add(ref x, k)) * a0 + b0;
                min0 = Vector512.Min(min0, (z0 ^ Vector512.ShiftRightLogical(z0, 32)) * m);
            }
            min0.StoreUnsafe(ref v, (nuint)i);
        }
        return MinimaVector256(shingles, values, i);
    }

    private int MinimaVector256(ReadOnlySpan<ulong> shingles, Span<ulong> values, int from)
    {
        ref var a = ref MemoryMarshal.GetArrayDataReference(_multipliers);
        ref var b = ref MemoryMarshal.GetArrayDataReference(_addends);
        ref var x = ref MemoryMarshal.GetReference(shingles);
        ref var v = ref MemoryMarshal.GetReference(values);
        var m = Vector256.Create(FoldMultiplier);
        var n = shingles.Length;
        var i = from;
        for (; i + 8 <= values.Length; i += 8)
        {
            var a0 = Vector256.LoadUnsafe(ref a, (nuint)i);
            var a1 = Vector256.LoadUnsafe(ref a, (nuint)i + 4);
            var b0 = Vector256.LoadUnsafe(ref b, (nuint)i);
            var b1 = Vector256.LoadUnsafe(ref b, (nuint)i + 4);
            var min0 = Vector256<ulong>.AllBitsSet;
            var min1 = Vector256<ulong>.AllBitsSet;
            for (var k = 0; k < n; k++)
            {
                var s = Vector256.Create(Unsafe.Add(ref x, k));
                var z0 = s * a0 + b0;
                var z1 = s * a1 + b1;
                min0 = Vector256.Min(min0, (z0 ^ Vector256.ShiftRightLogical(z0, 32)) * m);
                min1 = Vector256.Min(min1, (z1 ^ Vector256.ShiftRightLogical(z1, 32)) * m);
            }
            min0.StoreUnsafe(ref v, (nuint)i);
            min1.StoreUnsafe(ref v, (nuint)i + 4);
        }
        for (; i + 4 <= values.Length; i += 4)
        {
            var a0 = Vector256.LoadUnsafe(ref a, (nuint)i);
            var b0 = Vector256.LoadUnsafe(ref b, (nuint)i);
            var min0 = Vector256<ulong>.AllBitsSet;
            for (var k = 0; k < n; k++)
            {
                var z0 = Vector256.Create(Unsafe.Add(ref x, k)) * a0 + b0;
                min0 = Vector256.Min(min0, (z0 ^ Vector256.ShiftRightLogical(z0, 32)) * m);
            }
            min0.StoreUnsafe(ref v, (nuint)i);
        }
        return i;
    }
}

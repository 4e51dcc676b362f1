using System.Numerics;
using System.Runtime.CompilerServices;

namespace IngestWorker.Text.Dedup.Near;

/// <summary>
/// The 64-bit mixing steps behind word hashes, shingle hashes and band keys. Signatures and band
/// keys are stored (band keys in blob names), so every constant and step here is part of the
/// storage format: changing one orphans every stored entry, as a new seed would.
/// </summary>
internal static class NearHash
{
    /// <summary>Start of a word hash (an arbitrary odd constant: the fractional part of √2).</summary>
    public const ulong WordBasis = 0x6A09E667F3BCC909UL;

    /// <summary>Start of a band key (the fractional part of √3), so band keys never equal word hashes of the same numbers.</summary>
    public const ulong BandBasis = 0xBB67AE8584CAA73BUL;

    /// <summary>Odd multiplier of the absorbing step (the 64-bit golden ratio).</summary>
    public const ulong StepMultiplier = 0x9E3779B97F4A7C15UL;

    /// <summary>
    /// Odd multiplier of the shingle polynomial: a shingle is Σ wᵢ·K^(n-1-i) over its word hashes,
    /// which depends on word order; the finalizer then spreads it.
    /// </summary>
    public const ulong ShingleMultiplier = 0xC2B2AE3D27D4EB4FUL;

    /// <summary>
    /// Absorbs 64 bits (four UTF-16 code units, or one signature value) into a running hash. For a
    /// fixed input the step is a bijection of the state, so two sequences that agree except in one
    /// block never collide; the rotation carries high product bits into the low ones the next
    /// multiplication would otherwise leave untouched.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Step(ulong hash, ulong block) => BitOperations.RotateLeft((hash ^ block) * StepMultiplier, 31);

    /// <summary>
    /// SplitMix64's finalizer (Steele, Lea and Flood, 2014): a bijection in which every output bit
    /// depends on every input bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Finalize(ulong x)
    {
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    /// <summary>Ends a word hash: the length goes in so that trailing zero padding of the last block cannot be confused with U+0000.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong FinishWord(ulong hash, int length) => Finalize(hash ^ (ulong)length * StepMultiplier);

    /// <summary>
    /// The SplitMix64 generator (a Weyl sequence through the finalizer): the source of the hash
    /// functions' coefficients. Fixed here rather than <see cref="Random"/>, whose sequence for a
    /// seed is not guaranteed across .NET versions.
    /// </summary>
    public static ulong NextSplitMix(ref ulong state)
    {
        state += StepMultiplier;
        return Finalize(state);
    }
}

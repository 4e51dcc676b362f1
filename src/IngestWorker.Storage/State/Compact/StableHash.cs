namespace IngestWorker.State.Compact;

/// <summary>
/// A 64-bit hash of bytes that never changes between processes or versions (FNV-1a, then a
/// SplitMix64 finaliser so that every bit depends on every input bit): the index's key for strings
/// that are not SHA-256 hex, and its table positions.
/// </summary>
internal static class StableHash
{
    public static ulong Of(ReadOnlySpan<byte> bytes, ulong seed = 0)
    {
        var hash = 0xCBF29CE484222325UL ^ seed * 0x9E3779B97F4A7C15UL;
        foreach (var b in bytes)
            hash = (hash ^ b) * 0x100000001B3UL;
        return Mix(hash);
    }

    /// <summary>A slot of a table of <paramref name="slots"/> (any number, not only powers of two) for a well-mixed hash: its high bits, scaled.</summary>
    public static int Slot(ulong hash, int slots) => (int)Math.BigMul(hash, (ulong)slots, out _);

    /// <summary>The slots a table of <paramref name="count"/> entries has: 1,024 grown by half until the entries fill at most 80 % (so a table is 53–80 % full, and always the same size for the same count).</summary>
    public static int SlotsFor(long count)
    {
        var slots = 1024;
        while (count * 5 > slots * 4L)
            slots += slots / 2;
        return slots;
    }

    public static ulong Mix(ulong x)
    {
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}

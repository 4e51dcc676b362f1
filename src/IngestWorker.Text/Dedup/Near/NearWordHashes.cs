using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace IngestWorker.Text.Dedup.Near;

/// <summary>
/// The hashes of the words <see cref="NearDuplicateText.Words"/> finds in
/// <c>NearDuplicateText.Normalize(text)</c>, computed from the raw text in two passes that avoid
/// the branch mispredictions of a character-by-character state machine (a word end and a
/// four-character block end each cost one on most words, which made that loop about twice as slow).
/// </summary>
/// <remarks>
/// <para><b>Pass 1</b> writes the simplified text to a buffer with every break as a space and a
/// space before and after each letter of a script without spaces, so that the words are exactly
/// the runs of non-space characters. Runs of 32 ASCII characters are mapped with vector
/// comparisons; runs of 32 characters that each map to one are mapped through the table without
/// branches; only runs holding a rarer character (a mark to drop, a Hangul syllable, a CJK letter,
/// a surrogate) go through <see cref="NearDuplicateChars.Rare"/>.</para>
///
/// <para><b>Pass 2</b> finds the spaces 32 at a time with a vector comparison and walks the bits of
/// the mask. A word is hashed from two masked 8-byte reads (its first eight characters, zero
/// padded), so only words longer than eight characters take a branch; empty "words" between two
/// spaces are hashed and then not counted, rather than skipped by a branch.</para>
/// </remarks>
internal static class NearWordHashes
{
    private const int Chunk = 32;

    // Past the simplified text: a chunk written whole, the final space, and the 8-character read
    // that may start at it.
    private const int Slack = Chunk + 16;

    /// <summary>Writes the word hashes of <paramref name="text"/> to <paramref name="hashes"/> (a pooled array, replaced by a larger one when full); returns how many.</summary>
    public static int Compute(ReadOnlySpan<char> text, ref ulong[] hashes, MinHashPath path)
    {
        var buffer = ArrayPool<char>.Shared.Rent(text.Length + Slack);
        try
        {
            var length = Simplify(text, ref buffer, path);
            return HashWords(buffer, length, ref hashes, path);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The hash of one word: its UTF-16 code units, zero-padded to a multiple of four and to at
    /// least eight, absorbed four at a time, then the length. The reference for the fast path.
    /// </summary>
    public static ulong Word(ReadOnlySpan<char> word)
    {
        var hash = NearHash.WordBasis;
        var blocks = Math.Max(2, (word.Length + 3) / 4);
        for (var b = 0; b < blocks; b++)
        {
            var block = 0UL;
            for (var k = 0; k < 4 && b * 4 + k < word.Length; k++)
                block |= (ulong)word[b * 4 + k] << (16 * k);
            hash = NearHash.Step(hash, block);
        }
        return NearHash.FinishWord(hash, word.Length);
    }

    // ---- pass 1 ----

    // Returns the length of the simplified text, its final space included.
    private static int Simplify(ReadOnlySpan<char> text, ref char[] buffer, MinHashPath path)
    {
        var sink = new BufferSink(buffer);
        try
        {
            SimplifyInto(text, ref sink, path);
        }
        finally
        {
            // The sink may have traded the buffer for a larger one: the caller returns that one to the pool.
            buffer = sink.Buffer;
        }
        return sink.Length;
    }

    private static void SimplifyInto(ReadOnlySpan<char> text, ref BufferSink sink, MinHashPath path)
    {
        ref var source = ref MemoryMarshal.GetReference(text);
        var i = 0;
        while (i < text.Length)
        {
            // After a letter of a spaceless script the next letter must be preceded by a space,
            // which the one-to-one mappings below cannot insert.
            if (i + Chunk <= text.Length && !sink.InSpaceless)
            {
                sink.EnsureRoom(Slack);
                ref var from = ref Unsafe.As<char, ushort>(ref Unsafe.Add(ref source, i));
                ref var to = ref Unsafe.As<char, ushort>(ref sink.Buffer[sink.Length]);
                var done = path switch
                {
                    MinHashPath.Vector512 => Ascii512(ref from, ref to),
                    MinHashPath.Vector256 => Ascii256(ref from, ref to) && Ascii256(ref Unsafe.Add(ref from, 16), ref Unsafe.Add(ref to, 16)),
                    _ => false,
                } || OneToOne(ref from, ref to);
                if (done)
                {
                    sink.Length += Chunk;
                    i += Chunk;
                    continue;
                }
            }
            // A surrogate pair may straddle the end of the run: i can end one past it.
            var end = Math.Min(i + Chunk, text.Length);
            while (i < end)
                i += NearDuplicateChars.Rare(text, i, NearDuplicateChars.Entry(text[i]), ref sink);
        }
        sink.Break();
        sink.EnsureRoom(Slack);
    }

    // 32 ASCII characters: letters lower-cased, digits to '0', everything else (punctuation,
    // symbols, controls, spaces) to a space — what the table says for ASCII, without loading it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Ascii512(ref ushort from, ref ushort to)
    {
        var v = Vector512.LoadUnsafe(ref from);
        if (!Vector512.LessThanAll(v, Vector512.Create((ushort)0x80)))
            return false;
        var upper = Vector512.LessThan(v - Vector512.Create((ushort)'A'), Vector512.Create((ushort)26));
        var lower = Vector512.LessThan(v - Vector512.Create((ushort)'a'), Vector512.Create((ushort)26));
        var digit = Vector512.LessThan(v - Vector512.Create((ushort)'0'), Vector512.Create((ushort)10));
        var mapped = Vector512.ConditionalSelect(digit, Vector512.Create((ushort)'0'), v | (upper & Vector512.Create((ushort)0x20)));
        Vector512.ConditionalSelect(upper | lower | digit, mapped, Vector512.Create((ushort)' ')).StoreUnsafe(ref to);
        return true;
    }

    // The same for 16 characters.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Ascii256(ref ushort from, ref ushort to)
    {
        var v = Vector256.LoadUnsafe(ref from);
        if (!Vector256.LessThanAll(v, Vector256.Create((ushort)0x80)))
            return false;
        var upper = Vector256.LessThan(v - Vector256.Create((ushort)'A'), Vector256.Create((ushort)26));
        var lower = Vector256.LessThan(v - Vector256.Create((ushort)'a'), Vector256.Create((ushort)26));
        var digit = Vector256.LessThan(v - Vector256.Create((ushort)'0'), Vector256.Create((ushort)10));
        var mapped = Vector256.ConditionalSelect(digit, Vector256.Create((ushort)'0'), v | (upper & Vector256.Create((ushort)0x20)));
        Vector256.ConditionalSelect(upper | lower | digit, mapped, Vector256.Create((ushort)' ')).StoreUnsafe(ref to);
        return true;
    }

    // 32 characters through the table; false (and the output is to be ignored) when one of them
    // does not map to exactly one character.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool OneToOne(ref ushort from, ref ushort to)
    {
        var other = 0u;
        for (var k = 0; k < Chunk; k++)
        {
            var e = NearDuplicateChars.Entry((char)Unsafe.Add(ref from, k));
            Unsafe.Add(ref to, k) = (ushort)e;
            other |= NearDuplicateChars.IsOneToOne(e) ? 0u : 1u;
        }
        return other == 0;
    }

    /// <summary>Writes the simplified text with words separated by spaces.</summary>
    private struct BufferSink(char[] buffer) : ISimplifiedSink
    {
        public char[] Buffer = buffer;
        public int Length;
        public bool InSpaceless;

        public void Break()
        {
            Put(' ');
            InSpaceless = false;
        }

        public void Word(char c)
        {
            if (InSpaceless)
                Break();
            Put(c);
        }

        public void Spaceless(char c)
        {
            Put(' ');
            Put(c);
            InSpaceless = true;
        }

        public void Attach(char c) => Put(c);

        public void EnsureRoom(int room)
        {
            if (Buffer.Length - Length >= room)
                return;
            var bigger = ArrayPool<char>.Shared.Rent(Math.Max(Buffer.Length * 2, Length + room));
            Buffer.AsSpan(0, Length).CopyTo(bigger);
            ArrayPool<char>.Shared.Return(Buffer);
            Buffer = bigger;
        }

        private void Put(char c)
        {
            // Expansions and the spaces around spaceless letters can outgrow the input.
            if (Length == Buffer.Length)
                EnsureRoom(Slack);
            Buffer[Length++] = c;
        }
    }

    // ---- pass 2 ----

    private static int HashWords(char[] buffer, int length, ref ulong[] hashes, MinHashPath path)
    {
        ref var chars = ref MemoryMarshal.GetArrayDataReference(buffer);
        var count = 0;
        var start = 0;
        for (var at = 0; at < length; at += Chunk)
        {
            // Up to 32 words end in a chunk, and the last write may be one past the count.
            if (hashes.Length - count <= Chunk)
                hashes = Grow(hashes);
            ref var hash = ref MemoryMarshal.GetArrayDataReference(hashes);
            var spaces = SpaceMask(ref Unsafe.As<char, ushort>(ref Unsafe.Add(ref chars, at)), path);
            if (length - at < Chunk)
                spaces &= (1u << (length - at)) - 1;
            while (spaces != 0)
            {
                var end = at + BitOperations.TrailingZeroCount(spaces);
                spaces &= spaces - 1;
                var wordLength = end - start;
                Unsafe.Add(ref hash, count) = HashWord(ref Unsafe.Add(ref chars, start), wordLength);
                count += (int)((uint)-wordLength >> 31);
                start = end + 1;
            }
        }
        return count;
    }

    // Bit k set when character k of the 32 is a space.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint SpaceMask(ref ushort at, MinHashPath path)
    {
        switch (path)
        {
            case MinHashPath.Vector512:
                return (uint)Vector512.Equals(Vector512.LoadUnsafe(ref at), Vector512.Create((ushort)' ')).ExtractMostSignificantBits();
            case MinHashPath.Vector256:
                var space = Vector256.Create((ushort)' ');
                return Vector256.Equals(Vector256.LoadUnsafe(ref at), space).ExtractMostSignificantBits()
                    | Vector256.Equals(Vector256.LoadUnsafe(ref at, 16), space).ExtractMostSignificantBits() << 16;
            default:
                var mask = 0u;
                for (var k = 0; k < Chunk; k++)
                    mask |= (Unsafe.Add(ref at, k) == ' ' ? 1u : 0u) << k;
                return mask;
        }
    }

    // Word(chars) for a word in the buffer, which holds at least eight characters from its start.
    // The masks are computed without branches: word lengths are too irregular to predict.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong HashWord(ref char word, int length)
    {
        var upTo8 = Min(length, 8);
        var upTo4 = Min(length, 4);
        var hash = NearHash.Step(NearHash.WordBasis, ReadBlock(ref word) & BlockMask(upTo4));
        hash = NearHash.Step(hash, ReadBlock(ref Unsafe.Add(ref word, 4)) & BlockMask(upTo8 - upTo4));
        if (length > 8)
            hash = LongWord(ref word, length, hash);
        return NearHash.FinishWord(hash, length);
    }

    // min(a, b) for a >= 0, without a branch or a conditional move the JIT might not make.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Min(int a, int b)
    {
        var d = a - b;
        return b + (d & (d >> 31));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ulong LongWord(ref char word, int length, ulong hash)
    {
        for (var k = 8; k < length; k += 4)
            hash = NearHash.Step(hash, ReadBlock(ref Unsafe.Add(ref word, k)) & BlockMask(Math.Min(length - k, 4)));
        return hash;
    }

    // Four characters as one 64-bit block, the first in the low bits (what Word builds).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ReadBlock(ref char at)
    {
        var block = Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<char, byte>(ref at));
        if (!BitConverter.IsLittleEndian)
            block = block >> 48 | (block >> 16 & 0xFFFF_0000UL) | (block << 16 & 0xFFFF_0000_0000UL) | block << 48;
        return block;
    }

    // Keeps the first 0 to 4 characters of a block. Shifting twice by 8·c bits gives 16·c without
    // the shift count wrapping at 64.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong BlockMask(int chars) => ~(ulong.MaxValue << (chars * 8) << (chars * 8));

    private static ulong[] Grow(ulong[] hashes)
    {
        var bigger = ArrayPool<ulong>.Shared.Rent(hashes.Length * 2 + Chunk);
        hashes.AsSpan().CopyTo(bigger);
        ArrayPool<ulong>.Shared.Return(hashes);
        return bigger;
    }
}

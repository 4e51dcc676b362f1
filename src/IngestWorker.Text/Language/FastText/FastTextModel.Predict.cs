using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace IngestWorker.Text.Language.FastText;

// Prediction, following fastText 0.9.2's FastText::predictLine → Dictionary::getLine →
// Model::predict → Loss::predict step by step, in the same floating-point order.
public sealed partial class FastTextModel
{
    private const int StackTextBytes = 2048;
    private const int StackRows = 512;
    private const int StackHashes = 256;
    private const int StackWrap = 256;
    private const int StackFloats = 1024;
    private const int EagerHierarchicalDots = 4096;

    private static ReadOnlySpan<byte> EndOfSentence => "</s>"u8;
    private static ReadOnlySpan<byte> LabelPrefixUtf8 => "__label__"u8;

    /// <summary>
    /// Predicts the <c>k = top.Length</c> most probable labels of one text, writing them into
    /// <paramref name="top"/> from most to least probable, and returns how many were written (fewer
    /// than k when fewer labels pass <paramref name="threshold"/>; zero when the text yields no input
    /// row at all). Behaves as the official Python binding's <c>model.predict(text, k, threshold)</c>,
    /// except that a newline inside the text is treated as a space instead of being an error (so the
    /// result is that of <c>predict(text.replace("\n", " "))</c>). Allocates nothing (texts over 680
    /// characters rent a pooled buffer). Thread-safe.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="top"/> is empty (fastText requires k ≥ 1).</exception>
    public int Predict(ReadOnlySpan<char> text, Span<Prediction> top, float threshold = 0f)
    {
        if (top.IsEmpty)
            throw new ArgumentException("k (the length of the prediction buffer) needs to be 1 or higher, as in fastText", nameof(top));

        // Stack buffers are sized to the need: the runtime zero-fills every stackalloc.
        var maxBytes = text.Length <= 1 << 24 ? Encoding.UTF8.GetMaxByteCount(text.Length) : Encoding.UTF8.GetByteCount(text);
        byte[]? rented = null;
        var buffer = maxBytes <= StackTextBytes
            ? stackalloc byte[maxBytes]
            : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            // Unpaired surrogates become U+FFFD (EF BF BD), the encoder's replacement.
            var n = Encoding.UTF8.GetBytes(text, buffer);
            return PredictCore(buffer[..n], top, threshold);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>As <see cref="Predict(ReadOnlySpan{char}, Span{Prediction}, float)"/>, for text already in UTF-8 (bytes are used as they are, invalid sequences included, as fastText does).</summary>
    public int PredictUtf8(ReadOnlySpan<byte> utf8Text, Span<Prediction> top, float threshold = 0f)
    {
        if (top.IsEmpty)
            throw new ArgumentException("k (the length of the prediction buffer) needs to be 1 or higher, as in fastText", nameof(top));
        return PredictCore(utf8Text, top, threshold);
    }

    /// <summary>
    /// Convenience form: the <paramref name="k"/> most probable labels (-1 for every label that passes
    /// the threshold, as in fastText), most probable first. Allocates the returned list.
    /// </summary>
    public IReadOnlyList<Prediction> Predict(string text, int k = 1, float threshold = 0f)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (k == -1)
            k = LabelCount;
        if (k <= 0)
            throw new ArgumentOutOfRangeException(nameof(k), k, "k needs to be 1 or higher (or -1 for every label), as in fastText");
        // A heap never holds more than LabelCount labels, so a larger k changes nothing.
        var top = new Prediction[Math.Min(k, LabelCount)];
        var n = Predict(text.AsSpan(), top, threshold);
        return n == top.Length ? top : top[..n];
    }

    /// <summary>The most probable label of a text (k = 1, threshold 0). Thread-safe, allocation-free.</summary>
    public Prediction PredictTop(ReadOnlySpan<char> text)
    {
        Span<Prediction> top = stackalloc Prediction[1];
        return Predict(text, top) == 1 ? top[0] : new Prediction(-1, 0f);
    }

    private int PredictCore(ReadOnlySpan<byte> text, Span<Prediction> top, float threshold)
    {
        float[]? rentedHidden = null;
        var hidden = _dim <= StackFloats ? stackalloc float[_dim] : (rentedHidden = ArrayPool<float>.Shared.Rent(_dim));
        hidden = hidden[.._dim];
        hidden.Clear();
        try
        {
            return PredictFromSum(hidden, ComputeHiddenSum(text, hidden), top, threshold);
        }
        finally
        {
            if (rentedHidden is not null)
                ArrayPool<float>.Shared.Return(rentedHidden);
        }
    }

    /// <summary>The labels of a summed hidden vector of <paramref name="count"/> input rows (the mean, then the loss's prediction).</summary>
    private int PredictFromSum(Span<float> hidden, long count, Span<Prediction> top, float threshold)
    {
        if (count == 0)
            return 0; // fastText: "if (words.empty()) return;" — no prediction at all
        // Model::computeHidden: hidden.mul(1.0 / input.size()), the factor rounded to float.
        var scale = (float)(1.0 / count);
        for (var j = 0; j < hidden.Length; j++)
            hidden[j] *= scale;

        return Loss switch
        {
            FastTextLoss.HierarchicalSoftmax => PredictHierarchical(hidden, top, threshold),
            FastTextLoss.Softmax => PredictSoftmax(hidden, top, threshold),
            _ => PredictSigmoid(hidden, top, threshold),
        };
    }

    // ---------------------------------------------------------------------------------------------
    // Input: Dictionary::getLine, addSubwords, computeSubwords, addWordNgrams, pushHash.

    /// <summary>
    /// Adds every input row of the text to <paramref name="hidden"/> in fastText's order and returns
    /// how many rows were added. Tokens are split on the bytes fastText's <c>readWord</c> splits on;
    /// the end-of-line token <c>&lt;/s&gt;</c> follows the text (the binding appends the newline).
    /// </summary>
    private long ComputeHiddenSum(ReadOnlySpan<byte> text, Span<float> hidden)
    {
        var scratch = new Scratch(stackalloc uint[_wordNgrams > 1 ? StackHashes : 0]);
        var buffers = new TokenBuffers();
        try
        {
            long count = 0;
            var i = 0;
            var stopped = false;
            while (NextToken(text, ref i, out var start))
            {
                if (AddToken(text[start..i], hidden, ref scratch, ref buffers, ref count))
                {
                    stopped = true; // a literal "</s>" ends the line, as in fastText: the rest is not read
                    break;
                }
            }
            if (!stopped)
                AddToken(EndOfSentence, hidden, ref scratch, ref buffers, ref count);

            if (_wordNgrams > 1 && scratch.HashCount > 1 && !_ngramsDropped)
                count += AddWordNgrams(hidden, ref scratch);
            return count;
        }
        finally
        {
            scratch.Dispose();
            buffers.Dispose();
        }
    }

    /// <summary>The next token of <c>readWord</c> from <paramref name="at"/>: its bytes are <c>[start, at)</c>; false at the text's end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool NextToken(ReadOnlySpan<byte> text, ref int at, out int start)
    {
        while (at < text.Length && IsSeparator(text[at]))
            at++;
        start = at;
        while (at < text.Length && !IsSeparator(text[at]))
            at++;
        return at > start;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsSeparator(byte b) =>
        b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' or (byte)'\v' or (byte)'\f' or 0;

    /// <summary>One token of <c>getLine</c>; returns true when it was <c>&lt;/s&gt;</c> (end of line).</summary>
    private bool AddToken(ReadOnlySpan<byte> token, Span<float> hidden, ref Scratch scratch, ref TokenBuffers buffers, ref long count)
    {
        var isEos = token.SequenceEqual(EndOfSentence);
        var rows = TokenRows(token, isEos, ref buffers, out var h, out var isWord);
        SumRows(hidden, rows);
        count += rows.Length;
        if (isWord && _wordNgrams > 1)
            scratch.AddHash(h);
        return isEos;
    }

    /// <summary>
    /// The input rows of one token: a known word's subword rows, an unknown word's character n-grams
    /// (fastText's <c>computeSubwords(BOW + token + EOW)</c>), none for a label (known, or unknown with
    /// the <c>__label__</c> prefix), which is not input. <paramref name="hash"/> is the token's FNV-1a hash.
    /// </summary>
    private ReadOnlySpan<int> TokenRows(ReadOnlySpan<byte> token, bool endOfSentence, ref TokenBuffers buffers, out uint hash, out bool isWord)
    {
        hash = Fnv1a(token);
        var id = FindEntry(token, hash);
        isWord = id >= 0 ? id < _nwords : !token.StartsWith(LabelPrefixUtf8);
        if (!isWord)
            return [];
        if (id >= 0)
        {
            var start = _subwordStart[id];
            return _subwordRows.AsSpan(start, _subwordStart[id + 1] - start);
        }
        if (endOfSentence || _ngramsDropped || _maxn <= 0)
            return [];
        var length = token.Length + 2;
        var (wrapped, rows) = buffers.Ensure(length, MaxCharNgrams(length));
        wrapped[0] = (byte)'<';
        token.CopyTo(wrapped.AsSpan(1));
        wrapped[length - 1] = (byte)'>';
        return rows.AsSpan(0, ComputeCharNgramRows(wrapped.AsSpan(0, length), rows));
    }

    /// <summary>Pooled buffers for an unknown word's wrapped bytes and n-gram rows, grown when a word needs more.</summary>
    private struct TokenBuffers : IDisposable
    {
        private byte[]? _wrapped;
        private int[]? _rows;

        public (byte[] Wrapped, int[] Rows) Ensure(int wrappedLength, int rows)
        {
            if (_wrapped is null || _wrapped.Length < wrappedLength)
            {
                if (_wrapped is not null)
                    ArrayPool<byte>.Shared.Return(_wrapped);
                _wrapped = ArrayPool<byte>.Shared.Rent(Math.Max(wrappedLength, StackWrap));
            }
            if (_rows is null || _rows.Length < rows)
            {
                if (_rows is not null)
                    ArrayPool<int>.Shared.Return(_rows);
                _rows = ArrayPool<int>.Shared.Rent(Math.Max(rows, StackRows));
            }
            return (_wrapped, _rows);
        }

        public void Dispose()
        {
            if (_wrapped is not null)
                ArrayPool<byte>.Shared.Return(_wrapped);
            if (_rows is not null)
                ArrayPool<int>.Shared.Return(_rows);
            _wrapped = null;
            _rows = null;
        }
    }

    private int FindEntry(ReadOnlySpan<byte> token, uint h)
    {
        var slot = (int)(h & (uint)_slotMask);
        while (true)
        {
            var id = _slots[slot] - 1;
            if (id < 0)
                return -1;
            if (_entryHash[id] == h)
            {
                var start = _entryStart[id];
                if (_entryBytes.AsSpan(start, _entryStart[id + 1] - start).SequenceEqual(token))
                    return id;
            }
            slot = (slot + 1) & _slotMask;
        }
    }

    private int MaxCharNgrams(int wrappedLength) => wrappedLength * Math.Max(_maxn, 0);

    /// <summary>
    /// fastText's <c>computeSubwords</c> on a word already wrapped in <c>&lt;</c>…<c>&gt;</c>: every
    /// n-gram of minn..maxn characters that starts on a character boundary, except a lone <c>&lt;</c>
    /// or <c>&gt;</c>; each hashed (FNV-1a, incrementally), taken modulo bucket and mapped to its row.
    /// </summary>
    private int ComputeCharNgramRows(ReadOnlySpan<byte> word, Span<int> dest)
    {
        if (_ngramsDropped)
            return 0;
        var length = word.Length;
        var maxn = _maxn;
        var minn = _minn;
        if (dest.Length < MaxCharNgrams(length))
            throw new ArgumentException("n-gram buffer too small", nameof(dest)); // unreachable: callers size it
        ref var w = ref MemoryMarshal.GetReference(word);
        ref var d = ref MemoryMarshal.GetReference(dest);
        var multiplier = _bucketFastModMultiplier;
        var buckets = (uint)_bucket;
        var nwords = _nwords;
        // The three forms of the bucket → row step, chosen once (fields hoisted into locals).
        var packed = _bucketMap?.Packed;
        var mapRows = _bucketMap?.Rows;
        ref var packedRef = ref packed is null ? ref Unsafe.NullRef<ulong>() : ref MemoryMarshal.GetArrayDataReference(packed);
        ref var rowsRef = ref mapRows is null ? ref Unsafe.NullRef<int>() : ref MemoryMarshal.GetArrayDataReference(mapRows);
        var mode = packed is not null ? 2 : mapRows is not null ? 1 : 0;
        var count = 0;
        for (var i = 0; i < length; i++)
        {
            if ((Unsafe.Add(ref w, i) & 0xC0) == 0x80)
                continue; // not the first byte of a UTF-8 character
            var h = FnvOffsetBasis;
            var j = i;
            for (var n = 1; j < length && n <= maxn; n++)
            {
                h = (h ^ (uint)(sbyte)Unsafe.Add(ref w, j++)) * FnvPrime;
                while (j < length && (Unsafe.Add(ref w, j) & 0xC0) == 0x80)
                    h = (h ^ (uint)(sbyte)Unsafe.Add(ref w, j++)) * FnvPrime;
                if (n < minn || (n == 1 && (i == 0 || j == length)))
                    continue;
                var bucket = FastMod(h, multiplier, buckets);
                int row;
                if (mode == 2)
                {
                    // PrunedBucketMap.Lookup, inlined: presence bit, rank by popcount, row by rank.
                    var word48 = bucket / PrunedBucketMap.WordBuckets;
                    var bit = (int)(bucket - word48 * PrunedBucketMap.WordBuckets);
                    var x = Unsafe.Add(ref packedRef, (nint)word48);
                    var rank = (int)(x >> PrunedBucketMap.WordBuckets) + BitOperations.PopCount(x & ((1UL << bit) - 1));
                    row = Unsafe.Add(ref rowsRef, rank) | (((int)(x >> bit) & 1) - 1);
                }
                else if (mode == 1)
                {
                    row = Unsafe.Add(ref rowsRef, (nint)bucket);
                }
                else
                {
                    row = nwords + (int)bucket;
                }
                // Branch-free: written always, kept only when the bucket has a row.
                Unsafe.Add(ref d, count) = row;
                count += (int)((uint)~row >> 31);
            }
        }
        return count;
    }

    /// <summary>h % bucket without a division (Lemire's fastmod; exact for 32-bit values and divisors).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint BucketOf(uint h) => FastMod(h, _bucketFastModMultiplier, (uint)_bucket);

    /// <summary><paramref name="value"/> % <paramref name="divisor"/> given <c>multiplier = ulong.MaxValue / divisor + 1</c>; exact for divisor ≤ int.MaxValue.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint FastMod(uint value, ulong multiplier, uint divisor) =>
        (uint)(((((multiplier * value) >> 32) + 1) * divisor) >> 32);

    /// <summary>fastText's <c>addWordNgrams</c>: hashes of consecutive words (as int32, sign-extended to 64 bits) combined.</summary>
    private int AddWordNgrams(Span<float> hidden, ref Scratch scratch)
    {
        var hashes = scratch.Hashes;
        var rows = ArrayPool<int>.Shared.Rent(hashes.Length * Math.Max(_wordNgrams - 1, 0));
        var count = 0;
        var bucket = (ulong)_bucket;
        for (var i = 0; i < hashes.Length; i++)
        {
            var h = (ulong)(long)(int)hashes[i];
            for (var j = i + 1; j < hashes.Length && j < i + _wordNgrams; j++)
            {
                h = h * 116049371 + (ulong)(long)(int)hashes[j];
                var b = (int)(h % bucket);
                if (_bucketMap is null)
                {
                    rows[count++] = _nwords + b;
                }
                else
                {
                    var row = _bucketMap.Lookup((uint)b);
                    if (row >= 0)
                        rows[count++] = row;
                }
            }
        }
        SumRows(hidden, rows.AsSpan(0, count));
        ArrayPool<int>.Shared.Return(rows);
        return count;
    }

    /// <summary>
    /// hidden += input row r, for each r in order: per element the additions happen in exactly
    /// fastText's order, so the sum is bit-identical; SIMD only runs across the dim elements.
    /// </summary>
    private void SumRows(Span<float> hidden, ReadOnlySpan<int> rows)
    {
        if (rows.IsEmpty)
            return;
        ref var m = ref MemoryMarshal.GetArrayDataReference(_input);
        ref var h = ref MemoryMarshal.GetReference(hidden);
        var dim = _dim;
        if (dim == 16 && Vector512.IsHardwareAccelerated)
        {
            var acc = Vector512.LoadUnsafe(ref h);
            foreach (var r in rows)
                acc += Vector512.LoadUnsafe(ref m, (nuint)r * 16);
            acc.StoreUnsafe(ref h);
            return;
        }
        if (dim == 16 && Vector256.IsHardwareAccelerated)
        {
            var a0 = Vector256.LoadUnsafe(ref h);
            var a1 = Vector256.LoadUnsafe(ref h, 8);
            foreach (var r in rows)
            {
                ref var row = ref Unsafe.Add(ref m, (nint)r * 16);
                a0 += Vector256.LoadUnsafe(ref row);
                a1 += Vector256.LoadUnsafe(ref row, 8);
            }
            a0.StoreUnsafe(ref h);
            a1.StoreUnsafe(ref h, 8);
            return;
        }

        var j = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            for (; j + 4 <= dim; j += 4)
            {
                var acc = Vector128.LoadUnsafe(ref h, (nuint)j);
                foreach (var r in rows)
                    acc += Vector128.LoadUnsafe(ref m, (nuint)r * (nuint)dim + (nuint)j);
                acc.StoreUnsafe(ref h, (nuint)j);
            }
        }
        for (; j < dim; j++)
        {
            var s = Unsafe.Add(ref h, j);
            foreach (var r in rows)
                s += Unsafe.Add(ref m, (nint)r * dim + j);
            Unsafe.Add(ref h, j) = s;
        }
    }

    /// <summary>Word hashes for word n-grams: stack memory first, a pooled array when a text has more words.</summary>
    private ref struct Scratch
    {
        private Span<uint> _hashes;
        private uint[]? _rentedHashes;
        public int HashCount;

        public Scratch(Span<uint> hashes) => _hashes = hashes;

        public readonly ReadOnlySpan<uint> Hashes => _hashes[..HashCount];

        public void AddHash(uint h)
        {
            if (HashCount == _hashes.Length)
            {
                var bigger = ArrayPool<uint>.Shared.Rent(Math.Max(16, _hashes.Length * 2));
                _hashes.CopyTo(bigger);
                if (_rentedHashes is not null)
                    ArrayPool<uint>.Shared.Return(_rentedHashes);
                _hashes = _rentedHashes = bigger;
            }
            _hashes[HashCount++] = h;
        }

        public void Dispose()
        {
            if (_rentedHashes is not null)
                ArrayPool<uint>.Shared.Return(_rentedHashes);
            _rentedHashes = null;
        }
    }
}

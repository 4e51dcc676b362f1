using System.Runtime.CompilerServices;
using IngestWorker.Text.Extraction;

namespace IngestWorker.Text.Cleaning;

// Lines repeated on the page.
internal sealed partial class PageAnalysis
{
    /// <summary>
    /// Second copies of kept lines go (a standfirst repeated as the first paragraph, a pull quote);
    /// so do short kept lines whose word sequence another kept block already contains.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RemoveRepeats()
    {
        var seen = new Dictionary<string, int>(_n, StringComparer.Ordinal);
        for (var i = 0; i < _n; i++)
        {
            if (_reason[i] is not null)
                continue;
            if (!seen.TryAdd(_text[i], i))
                Remove(i, BoilerplateReasons.Repeated);
        }
        RemoveContained();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RemoveContained()
    {
        // Every trigram of the kept blocks with up to two blocks that hold it: a short block
        // whose trigrams a single longer block holds too is a copy of part of it.
        Span<ulong> words = stackalloc ulong[512];
        var total = 0;
        var candidates = 0;
        for (var i = 0; i < _n; i++)
        {
            if (_reason[i] is not null)
                continue;
            var count = Math.Min(_f[i].Tokens, words.Length);
            if (count >= 8 && count <= (_prejudged ? 25 : 60))
                candidates++;
            total += count;
        }
        // Owners are stored in 16 bits: a page of more blocks than that is not checked.
        if (candidates == 0 || _n >= 0xFFFF)
            return;
        using var owners = new HashIndex(total);
        for (var i = 0; i < _n; i++)
        {
            if (_reason[i] is not null)
                continue;
            var count = WordHashes.Of(_text[i], words);
            for (var k = 0; k + 2 < count; k++)
                owners.Add(WordHashes.Trigram(words[k], words[k + 1], words[k + 2]), i);
        }
        for (var i = 0; i < _n; i++)
        {
            // Kept lines, and lead lines removed only for their shape: a copy of body text among
            // them (a summary line repeating the first paragraph) is better called a repeat.
            if (_reason[i] is not null && !BoilerplateReasons.IsShapeOnly(_reason[i]))
                continue;
            // Eight words at least (a heading's words recur in the text without being a copy);
            // from the HTML extractor only short blocks (its pull quotes are marked up as such).
            if (_f[i].Tokens < 8 || _f[i].Tokens > (_prejudged ? 25 : 60))
                continue;
            var count = WordHashes.Of(_text[i], words);
            if (count < 8)
                continue;
            var other = -1;
            var hits = 0;
            for (var k = 0; k + 2 < count; k++)
            {
                if (!owners.TryGet(WordHashes.Trigram(words[k], words[k + 1], words[k + 2]), out var a, out var b))
                    continue;
                if (other < 0)
                    other = a != i ? a : b;
                if (other >= 0 && (a == other || b == other))
                    hits++;
            }
            if (other >= 0 && hits >= 0.8 * (count - 2) && _text[other].Length > _text[i].Length && _reason[other] is null)
                Remove(i, BoilerplateReasons.Repeated);
        }
    }

    /// <summary>
    /// Open addressing from a word or trigram hash to the first two blocks that hold it (-1:
    /// none), on pooled arrays: a page's text has thousands of trigrams, and allocating a table
    /// per page would be most of the cleaner's garbage. Also serves as a plain set.
    /// </summary>
    private readonly struct HashIndex : IDisposable
    {
        private readonly uint[] _keys;
        private readonly int[] _owners;
        private readonly int _mask;
        private readonly int _shift;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public HashIndex(int capacity)
        {
            var bits = 4;
            while ((1 << bits) < capacity + capacity / 2)
                bits++;
            _keys = System.Buffers.ArrayPool<uint>.Shared.Rent(1 << bits);
            _owners = System.Buffers.ArrayPool<int>.Shared.Rent(1 << bits);
            Array.Clear(_keys, 0, 1 << bits);
            _mask = (1 << bits) - 1;
            _shift = 32 - bits;
        }

        // 32 bits of the trigram hash identify it well enough among a page's few thousand.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static uint Key(ulong trigram) => (uint)(trigram >> 32) | 1; // 0 marks an empty slot

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private int Slot(uint key) => (int)((key * 0x9E3779B9U) >> _shift);

        /// <summary>Owners are packed: first in the low 16 bits, second in the high (0xFFFF: none).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(ulong trigram, int block)
        {
            var key = Key(trigram);
            var id = block & 0xFFFF;
            for (var slot = Slot(key); ; slot = (slot + 1) & _mask)
            {
                if (_keys[slot] == 0)
                {
                    _keys[slot] = key;
                    _owners[slot] = id | (0xFFFF << 16);
                    return;
                }
                if (_keys[slot] == key)
                {
                    var owners = _owners[slot];
                    if ((owners & 0xFFFF) != id && (owners >>> 16) == 0xFFFF)
                        _owners[slot] = (owners & 0xFFFF) | (id << 16);
                    return;
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Contains(ulong hash) => TryGet(hash, out _, out _);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool TryGet(ulong trigram, out int first, out int second)
        {
            var key = Key(trigram);
            for (var slot = Slot(key); ; slot = (slot + 1) & _mask)
            {
                if (_keys[slot] == key)
                {
                    var owners = _owners[slot];
                    first = owners & 0xFFFF;
                    second = owners >>> 16 == 0xFFFF ? -1 : owners >>> 16;
                    return true;
                }
                if (_keys[slot] == 0)
                {
                    first = second = -1;
                    return false;
                }
            }
        }

        public void Dispose()
        {
            System.Buffers.ArrayPool<uint>.Shared.Return(_keys);
            System.Buffers.ArrayPool<int>.Shared.Return(_owners);
        }
    }

    /// <summary>For tuning and tests: one line per block with what the analysis saw and decided.</summary>
    internal IEnumerable<string> Explain()
    {
        Run();
        for (var i = 0; i < _n; i++)
        {
            var text = _text[i].Length > 90 ? _text[i][..90] : _text[i];
            yield return $"{i,4} {_cf[i],-8} {(_good[i] ? "good" : "bad "),-4} w{_f[i].Weight,5} sw{_f[i].StopwordDensity:F2} {(i == _title ? "TITLE " : "")}[{_reason[i] ?? "KEEP"}] {{{_signal[i]}}} {text}";
        }
    }
}

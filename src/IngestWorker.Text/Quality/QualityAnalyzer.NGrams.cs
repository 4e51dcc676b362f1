using System.Collections.Frozen;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using static IngestWorker.Text.Quality.QualityChars;

namespace IngestWorker.Text.Quality;

// One section of QualityAnalyzer: n-gram repetition over 64-bit hashes of token sequences.
internal sealed partial class QualityAnalyzer
{
    /// <summary>
    /// Gopher's n-gram signals on the word tokens. The most frequent n-gram (n = 2, 3, 4), and the
    /// duplicated n-grams (n = 5…10), need counts only for n-grams that occur at least twice, and an
    /// n-gram can occur twice only where its first n−1 tokens do: each order is counted only at the
    /// positions where the previous order repeats, which leaves few positions beyond the bigrams.
    /// With <paramref name="scale"/> above 1 an n-gram is n × scale tokens (spaceless scripts, where
    /// a token is a character and a word is several).
    /// </summary>
    private void NgramRepetition(Span<double> top, Span<double> duplicated, int scale)
    {
        top.Clear();
        duplicated.Clear();
        var t = _tokens;
        if (t < 2)
            return;
        if (_lenPrefix.Length < t + 1)
        {
            var size = (int)BitOperations.RoundUpToPowerOf2((uint)(t + 1));
            _lenPrefix = new int[size];
            _sepPrefix = new int[size];
            _ngram = new ulong[size];
            _active = new int[size];
            _slot = new int[size];
        }
        // lenPrefix: characters of tokens before i; sepPrefix: spaces " ".join puts between them
        // (none between two characters of a spaceless script, which the text writes together).
        _lenPrefix[0] = 0;
        _sepPrefix[0] = 0;
        for (var i = 0; i < t; i++)
        {
            _lenPrefix[i + 1] = _lenPrefix[i] + _tokLen[i];
            var separated = i > 0 && (_tokKind[i] & _tokKind[i - 1] & KindSpaceless) == 0;
            _sepPrefix[i + 1] = _sepPrefix[i] + (separated ? 1 : 0);
        }
        Array.Copy(_tokHash, _ngram, t);

        // Orders 2 … base, where base is the smallest duplicated n-gram (5 words).
        var baseOrder = 5 * scale;
        var active = t - 1;
        for (var i = 0; i < active; i++)
            _active[i] = i;
        var anyRepeat = false;
        for (var n = 2; n <= baseOrder; n++)
        {
            var last = t - n;
            while (active > 0 && _active[active - 1] > last)
                active--;
            if (active == 0)
                break;
            _table.Reset(active);
            var bestCount = 0;
            var bestFirst = int.MaxValue;
            for (var a = 0; a < active; a++)
            {
                var i = _active[a];
                var h = Extend(_ngram[i], _tokHash[i + n - 1]);
                _ngram[i] = h;
                var slot = _table.Add(h, i);
                _slot[i] = slot;
                var count = _table.CountAt(slot);
                var first = _table.FirstAt(slot);
                if (count > bestCount || (count == bestCount && first < bestFirst))
                {
                    bestCount = count;
                    bestFirst = first;
                }
            }
            if (n % scale == 0 && n / scale is >= 2 and <= 4)
            {
                // Counter.most_common(1): the highest count, the earliest first occurrence among ties;
                // with no repeat at all, the first n-gram of the text (count 1).
                var at = bestCount >= 2 ? bestFirst : 0;
                var count = bestCount >= 2 ? bestCount : 1;
                var chars = _lenPrefix[at + n] - _lenPrefix[at] + _sepPrefix[at + n] - _sepPrefix[at + 1];
                top[n / scale - 2] = (double)chars * count;
            }
            // positions whose n-gram repeats go on to the next order
            var kept = 0;
            for (var a = 0; a < active; a++)
            {
                var i = _active[a];
                if (_table.CountAt(_slot[i]) < 2)
                    continue;
                _active[kept++] = i;
                anyRepeat |= n == baseOrder;
            }
            active = kept;
        }
        // Orders below the base that had no repeat at all: the top n-gram is the first one.
        for (var words = 2; words <= 4; words++)
        {
            var n = words * scale;
            if (top[words - 2] == 0 && t >= n)
                top[words - 2] = _lenPrefix[n] + _sepPrefix[n] - _sepPrefix[1];
        }

        if (!anyRepeat)
            return;
        // datatrove's find_all_duplicate: walk the n-grams; a repeat of one seen before adds its
        // characters ("".join) and the walk jumps past it, otherwise the n-gram is remembered.
        // Only n-grams whose first base-order tokens repeat can ever match, so only those are remembered.
        for (var words = 5; words <= 10; words++)
        {
            var n = words * scale;
            if (t < n)
                break;
            _table.Reset(active);
            long repeated = 0;
            var next = 0; // the walk's position: n-grams before it were passed or jumped over
            var stop = t - n;
            for (var a = 0; a < active; a++)
            {
                var idx = _active[a]; // the walk steps one by one over the positions in between: none repeats
                if (idx < next)
                    continue;
                if (idx > stop)
                    break;
                var h = _ngram[idx];
                for (var j = baseOrder; j < n; j++)
                    h = Extend(h, _tokHash[idx + j]);
                if (_table.AddIfNew(h))
                {
                    next = idx + 1;
                }
                else
                {
                    repeated += _lenPrefix[idx + n] - _lenPrefix[idx];
                    next = idx + n;
                }
            }
            duplicated[words - 5] = repeated;
        }
    }
}

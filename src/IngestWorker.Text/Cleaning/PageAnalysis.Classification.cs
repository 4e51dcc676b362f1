using System.Runtime.CompilerServices;
using IngestWorker.Text.Extraction;

namespace IngestWorker.Text.Cleaning;

// jusText's classes: context-free, then revised by the neighbours.
internal sealed partial class PageAnalysis
{
    private BlockClass Classify(int i) =>
        JusTextClassifier.Classify(_f[i], _signal[i], _prejudged ? Block(i).LinkDensity : 0, _language >= 0, _options);

    /// <summary>
    /// Some sites write one sentence per paragraph: every block is only near-good, and jusText
    /// would drop them all for lacking a good neighbour. A run of at least three near-good
    /// sentences in a row (short blocks between them allowed) is an article, so they become good.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PromoteProseRuns()
    {
        var runStart = -1;
        var count = 0;
        var weight = 0;
        for (var i = 0; i <= _n; i++)
        {
            var prose = i < _n && _cf[i] == BlockClass.NearGood && _f[i].Terminal && (_signal[i] & Signal.Chrome) == 0
                        && (_language < 0 || _f[i].StopwordDensity >= _options.StopwordsHigh);
            if (prose)
            {
                if (runStart < 0)
                    runStart = i;
                count++;
                weight += _f[i].Weight;
                continue;
            }
            if (i < _n && _cf[i] == BlockClass.Short && runStart >= 0)
                continue;
            if (runStart >= 0 && count >= 3 && weight >= 2 * _options.LengthHigh)
            {
                for (var j = runStart; j < i; j++)
                {
                    if (_cf[j] == BlockClass.NearGood && _f[j].Terminal)
                        _cf[j] = BlockClass.Good;
                }
            }
            runStart = -1;
            count = 0;
            weight = 0;
        }
    }

    /// <summary>jusText's context revision: short blocks take their neighbours' class, near-good ones need a good neighbour, headings before good text are kept.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReviseByContext()
    {
        // One pooled buffer for the working copies of the classes and the neighbour tables.
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(1, 8 * _n));
        try
        {
            ReviseByContext(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, BlockClass>(buffer.AsSpan(0, 8 * _n)));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReviseByContext(Span<BlockClass> buffer)
    {
        var cls = buffer[.._n];
        _cf.AsSpan().CopyTo(cls);
        const int maxHeadingDistance = 200;

        // Short headings followed closely by good text become near-good.
        for (var i = 0; i < _n; i++)
        {
            if (cls[i] != BlockClass.Short || (_signal[i] & Signal.HeadingLike) == 0 || (_signal[i] & Signal.Chrome) != 0)
                continue;
            var distance = 0;
            for (var j = i + 1; j < _n && distance <= maxHeadingDistance; j++)
            {
                if (cls[j] == BlockClass.Good)
                {
                    cls[i] = BlockClass.NearGood;
                    break;
                }
                distance += _f[j].Length;
            }
        }

        // Short blocks: good between good, bad between bad; between the two, good only next to near-good.
        // Neighbours are found in one pass each way (menus are long runs of short blocks).
        var revised = buffer.Slice(_n, _n);
        cls.CopyTo(revised);
        var prevIgnoring = Neighbours(cls, -1, ignoreNearGood: true, buffer.Slice(2 * _n, _n));
        var nextIgnoring = Neighbours(cls, +1, ignoreNearGood: true, buffer.Slice(3 * _n, _n));
        var prevAny = Neighbours(cls, -1, ignoreNearGood: false, buffer.Slice(4 * _n, _n));
        var nextAny = Neighbours(cls, +1, ignoreNearGood: false, buffer.Slice(5 * _n, _n));
        for (var i = 0; i < _n; i++)
        {
            if (cls[i] != BlockClass.Short)
                continue;
            var prev = prevIgnoring[i];
            var next = nextIgnoring[i];
            if (prev == BlockClass.Good && next == BlockClass.Good)
                revised[i] = BlockClass.Good;
            else if (prev == BlockClass.Bad && next == BlockClass.Bad)
                revised[i] = BlockClass.Bad;
            else if ((prev == BlockClass.Bad && prevAny[i] == BlockClass.NearGood) || (next == BlockClass.Bad && nextAny[i] == BlockClass.NearGood))
                revised[i] = BlockClass.Good;
            else
                revised[i] = BlockClass.Bad;
        }
        revised.CopyTo(cls);

        // Near-good blocks: bad only between bad neighbours (near-good ones are looked past).
        prevIgnoring = Neighbours(cls, -1, ignoreNearGood: true, buffer.Slice(6 * _n, _n));
        nextIgnoring = Neighbours(cls, +1, ignoreNearGood: true, buffer.Slice(7 * _n, _n));
        for (var i = 0; i < _n; i++)
        {
            if (cls[i] != BlockClass.NearGood)
                continue;
            cls[i] = prevIgnoring[i] == BlockClass.Bad && nextIgnoring[i] == BlockClass.Bad ? BlockClass.Bad : BlockClass.Good;
        }

        // Headings (not bad on their own) that precede good text are good.
        for (var i = 0; i < _n; i++)
        {
            if (cls[i] != BlockClass.Bad || _cf[i] == BlockClass.Bad || (_signal[i] & Signal.HeadingLike) == 0 || (_signal[i] & Signal.Chrome) != 0)
                continue;
            var distance = 0;
            for (var j = i + 1; j < _n && distance <= maxHeadingDistance; j++)
            {
                if (cls[j] == BlockClass.Good)
                {
                    cls[i] = BlockClass.Good;
                    break;
                }
                distance += _f[j].Length;
            }
        }
        for (var i = 0; i < _n; i++)
            _good[i] = cls[i] == BlockClass.Good;
    }

    /// <summary>For every block, the class of its nearest neighbour in direction <paramref name="step"/> that is not short (nor near-good, when ignored); bad past the page's ends.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Span<BlockClass> Neighbours(Span<BlockClass> cls, int step, bool ignoreNearGood, Span<BlockClass> result)
    {
        var last = BlockClass.Bad;
        for (int k = 0, i = step > 0 ? cls.Length - 1 : 0; k < cls.Length; k++, i -= step)
        {
            result[i] = last;
            var c = cls[i];
            if (c != BlockClass.Short && !(ignoreNearGood && c == BlockClass.NearGood))
                last = c;
        }
        return result;
    }

    /// <summary>Prose that can carry an article: good in context, long or sentence-shaped, no chrome signal.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool IsSolid(int i) =>
        _reason[i] is null && _good[i] && _cf[i] is BlockClass.Good or BlockClass.NearGood && (_signal[i] & Signal.Chrome) == 0
        && (_f[i].Terminal || _f[i].Weight >= _options.LengthHigh) && !_f[i].Truncated;
}

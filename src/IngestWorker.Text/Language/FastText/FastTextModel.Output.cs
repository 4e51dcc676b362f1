using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace IngestWorker.Text.Language.FastText;

// Prediction's output side: Loss::predict for each loss (softmax, hierarchical softmax, one-vs-all),
// in fastText 0.9.2's floating-point order.
public sealed partial class FastTextModel
{
    /// <summary>
    /// dots[r] = output row r · hidden, summed over j = 0..dim-1 in order, for every label at once
    /// (SIMD across labels, never across j, and no fused multiply-add: bit-identical to fastText's
    /// <c>dotRow</c>); for a quantised output the sum is then multiplied by the row's norm, as in
    /// <c>ProductQuantizer::mulcode</c>.
    /// </summary>
    private void ComputeDots(ReadOnlySpan<float> hidden, Span<float> dots)
    {
        ref var w = ref MemoryMarshal.GetArrayDataReference(_outputT);
        ref var d = ref MemoryMarshal.GetReference(dots);
        var stride = (nuint)_oszPadded;
        var dim = _dim;
        var norms = _outputNormsPadded;
        if (Vector512.IsHardwareAccelerated)
        {
            for (nuint r = 0; r < stride; r += 16)
            {
                var acc = Vector512<float>.Zero;
                for (var j = 0; j < dim; j++)
                    acc += Vector512.LoadUnsafe(ref w, (nuint)j * stride + r) * Vector512.Create(hidden[j]);
                if (norms is not null)
                    acc *= Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(norms), r);
                acc.StoreUnsafe(ref d, r);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (nuint r = 0; r < stride; r += 8)
            {
                var acc = Vector256<float>.Zero;
                for (var j = 0; j < dim; j++)
                    acc += Vector256.LoadUnsafe(ref w, (nuint)j * stride + r) * Vector256.Create(hidden[j]);
                if (norms is not null)
                    acc *= Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(norms), r);
                acc.StoreUnsafe(ref d, r);
            }
        }
        else
        {
            for (nuint r = 0; r < stride; r += 4)
            {
                var acc = Vector128<float>.Zero;
                for (var j = 0; j < dim; j++)
                    acc += Vector128.LoadUnsafe(ref w, (nuint)j * stride + r) * Vector128.Create(hidden[j]);
                if (norms is not null)
                    acc *= Vector128.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(norms), r);
                acc.StoreUnsafe(ref d, r);
            }
        }
    }

    /// <summary>One label's dot product, scalar, same order (for trees too large to score eagerly).</summary>
    private float DotRow(int row, ReadOnlySpan<float> hidden)
    {
        var d = 0f;
        for (var j = 0; j < _dim; j++)
            d += _outputT[j * _oszPadded + row] * hidden[j];
        if (_outputNormsPadded is not null)
            d *= _outputNormsPadded[row];
        return d;
    }

    /// <summary>fastText's <c>std_log</c>: log(x + 1e-5) in double, rounded to float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float StdLog(float x) => (float)Math.Log(x + 1e-5);

    private ref struct TreeSearch
    {
        public Span<HeapEntry> Heap;
        public int Size;
        public int K;
        public float ThresholdLog;
        public ReadOnlySpan<float> Dots;
        public ReadOnlySpan<float> Hidden;
    }

    private int PredictHierarchical(ReadOnlySpan<float> hidden, Span<Prediction> top, float threshold)
    {
        var heapCapacity = Math.Min(top.Length, _osz) + 1;
        HeapEntry[]? rentedHeap = null;
        float[]? rentedDots = null;
        var heap = heapCapacity <= 64 ? stackalloc HeapEntry[heapCapacity] : (rentedHeap = ArrayPool<HeapEntry>.Shared.Rent(heapCapacity));
        var eager = _oszPadded <= EagerHierarchicalDots;
        var dots = !eager ? default
            : _oszPadded <= StackFloats ? stackalloc float[_oszPadded]
            : (rentedDots = ArrayPool<float>.Shared.Rent(_oszPadded));
        try
        {
            if (eager)
                ComputeDots(hidden, dots);
            var search = new TreeSearch
            {
                Heap = heap,
                K = top.Length,
                ThresholdLog = StdLog(threshold),
                Dots = dots,
                Hidden = hidden,
            };
            Dfs(ref search, 2 * _osz - 2, 0f);
            return WriteSorted(heap, search.Size, top);
        }
        finally
        {
            if (rentedHeap is not null)
                ArrayPool<HeapEntry>.Shared.Return(rentedHeap);
            if (rentedDots is not null)
                ArrayPool<float>.Shared.Return(rentedDots);
        }
    }

    /// <summary>
    /// fastText's <c>HierarchicalSoftmaxLoss::dfs</c>: left child first, pruning a subtree whose score
    /// is already below log(threshold) or below the worst of a full heap.
    /// </summary>
    private void Dfs(ref TreeSearch s, int node, float score)
    {
        if (score < s.ThresholdLog)
            return;
        if (s.Size == s.K && score < s.Heap[0].Score)
            return;

        var left = _treeLeft[node];
        var right = _treeRight[node];
        if (left == -1 && right == -1)
        {
            s.Heap[s.Size++] = new HeapEntry(score, node);
            LibStdHeap.Push(s.Heap, s.Size);
            if (s.Size > s.K)
            {
                LibStdHeap.Pop(s.Heap, s.Size);
                s.Size--;
            }
            return;
        }

        var f = s.Dots.IsEmpty ? DotRow(node - _osz, s.Hidden) : s.Dots[node - _osz];
        f = (float)(1.0 / (1f + MathF.Exp(-f)));
        Dfs(ref s, left, score + StdLog((float)(1.0 - f)));
        Dfs(ref s, right, score + StdLog(f));
    }

    private int PredictSoftmax(ReadOnlySpan<float> hidden, Span<Prediction> top, float threshold)
    {
        float[]? rentedOutput = null;
        var output = _oszPadded <= StackFloats ? stackalloc float[_oszPadded] : (rentedOutput = ArrayPool<float>.Shared.Rent(_oszPadded));
        try
        {
            ComputeDots(hidden, output);
            output = output[.._osz];
            // SoftmaxLoss::computeOutput
            var max = output[0];
            foreach (var o in output)
                max = o < max ? max : o;
            var z = 0f;
            for (var i = 0; i < output.Length; i++)
            {
                output[i] = (float)Math.Exp(output[i] - max);
                z += output[i];
            }
            for (var i = 0; i < output.Length; i++)
                output[i] /= z;
            return FindKBest(output, top, threshold);
        }
        finally
        {
            if (rentedOutput is not null)
                ArrayPool<float>.Shared.Return(rentedOutput);
        }
    }

    private int PredictSigmoid(ReadOnlySpan<float> hidden, Span<Prediction> top, float threshold)
    {
        float[]? rentedOutput = null;
        var output = _oszPadded <= StackFloats ? stackalloc float[_oszPadded] : (rentedOutput = ArrayPool<float>.Shared.Rent(_oszPadded));
        try
        {
            ComputeDots(hidden, output);
            output = output[.._osz];
            // BinaryLogisticLoss::computeOutput: the table sigmoid, not the exact one.
            var table = _sigmoidTable!;
            for (var i = 0; i < output.Length; i++)
            {
                var x = output[i];
                output[i] = x < -MaxSigmoid ? 0f
                    : x > MaxSigmoid ? 1f
                    : table[(long)((x + MaxSigmoid) * SigmoidTableSize / MaxSigmoid / 2)];
            }
            return FindKBest(output, top, threshold);
        }
        finally
        {
            if (rentedOutput is not null)
                ArrayPool<float>.Shared.Return(rentedOutput);
        }
    }

    /// <summary>fastText's <c>Loss::findKBest</c>: a k-heap over log-probabilities, labels visited in order.</summary>
    private int FindKBest(ReadOnlySpan<float> output, Span<Prediction> top, float threshold)
    {
        var k = top.Length;
        var heapCapacity = Math.Min(k, _osz) + 1;
        HeapEntry[]? rentedHeap = null;
        var heap = heapCapacity <= 64 ? stackalloc HeapEntry[heapCapacity] : (rentedHeap = ArrayPool<HeapEntry>.Shared.Rent(heapCapacity));
        try
        {
            var size = 0;
            for (var i = 0; i < output.Length; i++)
            {
                if (output[i] < threshold)
                    continue;
                var score = StdLog(output[i]);
                if (size == k && score < heap[0].Score)
                    continue;
                heap[size++] = new HeapEntry(score, i);
                LibStdHeap.Push(heap, size);
                if (size > k)
                {
                    LibStdHeap.Pop(heap, size);
                    size--;
                }
            }
            return WriteSorted(heap, size, top);
        }
        finally
        {
            if (rentedHeap is not null)
                ArrayPool<HeapEntry>.Shared.Return(rentedHeap);
        }
    }

    /// <summary><c>std::sort_heap</c>, then FastText::predictLine's <c>std::exp(score)</c> per label.</summary>
    private static int WriteSorted(Span<HeapEntry> heap, int size, Span<Prediction> top)
    {
        LibStdHeap.Sort(heap, size);
        for (var i = 0; i < size; i++)
            top[i] = new Prediction(heap[i].Label, MathF.Exp(heap[i].Score));
        return size;
    }
}

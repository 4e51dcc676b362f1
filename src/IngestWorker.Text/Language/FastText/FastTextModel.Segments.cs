using System.Buffers;
using System.Text;

namespace IngestWorker.Text.Language.FastText;

// A text and its paragraphs predicted in one pass over the words.
public sealed partial class FastTextModel
{
    /// <summary>
    /// Predicts the whole <paramref name="text"/> (into <paramref name="top"/>, as
    /// <see cref="Predict(ReadOnlySpan{char}, Span{Prediction}, float)"/> does) and the most probable
    /// label of each of its <paramref name="segments"/> (into <paramref name="segmentTop"/>; label -1
    /// when a segment yields no prediction), reading each word once: a word's input rows are added to
    /// the text's sum and to its segment's, each in fastText's order, so every result is exactly that
    /// of predicting the text and each segment on its own. Segments must be in order, not overlap, and
    /// start and end at whitespace or the text's ends; otherwise, and for models with word n-grams or
    /// texts holding a literal <c>&lt;/s&gt;</c>, each is predicted on its own. Thread-safe.
    /// </summary>
    public int PredictWithSegments(ReadOnlySpan<char> text, ReadOnlySpan<Range> segments, Span<Prediction> top, Span<Prediction> segmentTop)
    {
        if (top.IsEmpty)
            throw new ArgumentException("k (the length of the prediction buffer) needs to be 1 or higher, as in fastText", nameof(top));
        if (segmentTop.Length < segments.Length)
            throw new ArgumentException("One prediction per segment is needed.", nameof(segmentTop));
        if (_wordNgrams > 1 || text.IndexOf("</s>", StringComparison.Ordinal) >= 0 || !AreWordAligned(text, segments))
            return PredictEachOnItsOwn(text, segments, top, segmentTop);

        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        var bounds = ArrayPool<int>.Shared.Rent(2 * segments.Length);
        var hidden = ArrayPool<float>.Shared.Rent(2 * _dim);
        var buffers = new TokenBuffers();
        try
        {
            var n = Encoding.UTF8.GetBytes(text, bytes);
            // Segment bounds in bytes: whitespace around them is one byte, so no character is cut.
            var charAt = 0;
            var byteAt = 0;
            for (var s = 0; s < segments.Length; s++)
            {
                var (start, length) = segments[s].GetOffsetAndLength(text.Length);
                byteAt += Encoding.UTF8.GetByteCount(text[charAt..start]);
                bounds[2 * s] = byteAt;
                byteAt += Encoding.UTF8.GetByteCount(text.Slice(start, length));
                bounds[2 * s + 1] = byteAt;
                charAt = start + length;
            }
            var utf8 = bytes.AsSpan(0, n);
            var document = hidden.AsSpan(0, _dim);
            var segment = hidden.AsSpan(_dim, _dim);
            document.Clear();
            segment.Clear();
            long documentCount = 0, segmentCount = 0;
            var current = 0;
            var i = 0;
            while (NextToken(utf8, ref i, out var start))
            {
                while (current < segments.Length && start >= bounds[2 * current + 1])
                    segmentTop[current++] = CloseSegment(segment, ref segmentCount, ref buffers);
                var tokenRows = TokenRows(utf8[start..i], endOfSentence: false, ref buffers, out _, out _);
                SumRows(document, tokenRows);
                documentCount += tokenRows.Length;
                if (current < segments.Length && start >= bounds[2 * current])
                {
                    SumRows(segment, tokenRows);
                    segmentCount += tokenRows.Length;
                }
            }
            while (current < segments.Length)
                segmentTop[current++] = CloseSegment(segment, ref segmentCount, ref buffers);
            var end = TokenRows(EndOfSentence, endOfSentence: true, ref buffers, out _, out _);
            SumRows(document, end);
            documentCount += end.Length;
            return PredictFromSum(document, documentCount, top, 0f);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<int>.Shared.Return(bounds);
            ArrayPool<float>.Shared.Return(hidden);
            buffers.Dispose();
        }
    }

    /// <summary>Ends a segment as fastText ends a line (with <c>&lt;/s&gt;</c>), predicts it, and clears the sum for the next.</summary>
    private Prediction CloseSegment(Span<float> segment, ref long count, ref TokenBuffers buffers)
    {
        var end = TokenRows(EndOfSentence, endOfSentence: true, ref buffers, out _, out _);
        SumRows(segment, end);
        Span<Prediction> one = stackalloc Prediction[1];
        var predicted = PredictFromSum(segment, count + end.Length, one, 0f);
        segment.Clear();
        count = 0;
        return predicted == 1 ? one[0] : new Prediction(-1, 0f);
    }

    private static bool AreWordAligned(ReadOnlySpan<char> text, ReadOnlySpan<Range> segments)
    {
        var previousEnd = 0;
        foreach (var range in segments)
        {
            int start, length;
            try
            {
                (start, length) = range.GetOffsetAndLength(text.Length);
            }
            catch (ArgumentOutOfRangeException)
            {
                return false;
            }
            var end = start + length;
            if (start < previousEnd || (start > 0 && !IsSeparatorChar(text[start - 1])) || (end < text.Length && !IsSeparatorChar(text[end])))
                return false;
            previousEnd = end;
        }
        return true;

        static bool IsSeparatorChar(char c) => c is ' ' or '\n' or '\r' or '\t' or '\v' or '\f' or '\0';
    }

    private int PredictEachOnItsOwn(ReadOnlySpan<char> text, ReadOnlySpan<Range> segments, Span<Prediction> top, Span<Prediction> segmentTop)
    {
        Span<Prediction> one = stackalloc Prediction[1];
        for (var s = 0; s < segments.Length; s++)
        {
            segmentTop[s] = Predict(text[segments[s]], one) == 1 ? one[0] : new Prediction(-1, 0f);
        }
        return Predict(text, top);
    }
}

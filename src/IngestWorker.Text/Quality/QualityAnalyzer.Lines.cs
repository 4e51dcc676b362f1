using System.Collections.Frozen;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using static IngestWorker.Text.Quality.QualityChars;

namespace IngestWorker.Text.Quality;

// One section of QualityAnalyzer: the pass over the lines (line shares, duplicate lines).
internal sealed partial class QualityAnalyzer
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int CodePoints(int start, int length)
    {
        if (!_hasSurrogates)
            return length;
        var low = 0;
        foreach (var c in _text.AsSpan(start, length))
        {
            if (char.IsLowSurrogate(c))
                low++;
        }
        return length - low;
    }

    /// <summary>
    /// C4 removes Wikipedia-style citations ([1], [edit], [citation needed]) before its end-of-line
    /// check; only trailing ones can change how a line ends. Like datatrove, no strip afterwards.
    /// </summary>
    private static ReadOnlySpan<char> StripCitations(ReadOnlySpan<char> line)
    {
        while (line.Length > 0 && line[^1] == ']')
        {
            var open = line.LastIndexOf('[');
            if (open < 0)
                break;
            var inner = line[(open + 1)..^1];
            if (!(inner.IndexOfAnyExceptInRange('0', '9') < 0 || inner.SequenceEqual("edit") || inner.SequenceEqual("citation needed")))
                break;
            line = line[..open];
        }
        return line;
    }

    private static bool ContainsPolicy(ReadOnlySpan<char> line)
    {
        foreach (var phrase in PolicyPhrases)
        {
            if (line.Contains(phrase, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    private (int Count, int Duplicates, long DuplicateChars) Paragraphs(string text)
    {
        var span = text.AsSpan();
        var start = 0;
        var end = span.Length;
        while (start < end && char.IsWhiteSpace(span[start]))
            start++;
        while (end > start && char.IsWhiteSpace(span[end - 1]))
            end--;
        if (start == end)
            return (1, 0, 0); // [""]
        _paraSet.Reset(text, 64);
        var count = 0;
        var duplicates = 0;
        long duplicateChars = 0;
        var pos = start;
        while (true)
        {
            var rel = span[pos..end].IndexOf("\n\n");
            var stop = rel < 0 ? end : pos + rel;
            count++;
            if (_paraSet.AddAndCheckDuplicate(pos, stop - pos))
            {
                duplicates++;
                duplicateChars += CodePoints(pos, stop - pos);
            }
            if (rel < 0)
                break;
            pos = stop;
            while (pos < end && span[pos] == '\n')
                pos++;
        }
        return (count, duplicates, duplicateChars);
    }

    private static int CountOccurrences(string text, string word)
    {
        var count = 0;
        var span = text.AsSpan();
        while (true)
        {
            var i = span.IndexOf(word, StringComparison.Ordinal);
            if (i < 0)
                return count;
            count++;
            span = span[(i + word.Length)..];
        }
    }
}

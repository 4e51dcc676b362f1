using System.Collections.Frozen;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using static IngestWorker.Text.Quality.QualityChars;

namespace IngestWorker.Text.Quality;

// One section of QualityAnalyzer: the pass over the characters (Unicode health, scripts, '#', ellipses).
internal sealed partial class QualityAnalyzer
{
    private struct CharCounts
    {
        public int LowSurrogates, Letters, Replacement, Control, Mojibake, Hashes, Ellipses, PeriodRun, Newlines;
    }

    /// <summary>
    /// Pass 1: letters per script, U+FFFD, controls, mojibake, '#', ellipses and line feeds. Blocks of
    /// printable ASCII (most of a Latin-script text) are counted 16 characters at a time; any block
    /// with something else (non-ASCII, a control, two periods in a row) goes through the scalar loop.
    /// </summary>
    private void CountChars(string text, ref CharCounts n)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated && text.Length >= Vector256<ushort>.Count)
        {
            ref var start = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text.AsSpan()));
            var nonAscii = Vector256.Create((ushort)0xFF80);
            var space = Vector256.Create((ushort)0x20);
            var del = Vector256.Create((ushort)0x7F);
            var tab = Vector256.Create((ushort)'\t');
            var lf = Vector256.Create((ushort)'\n');
            var cr = Vector256.Create((ushort)'\r');
            var caseBit = Vector256.Create((ushort)0x20);
            var a = Vector256.Create((ushort)'a');
            var alphabet = Vector256.Create((ushort)26);
            var hash = Vector256.Create((ushort)'#');
            var period = Vector256.Create((ushort)'.');
            var last = text.Length - Vector256<ushort>.Count;
            while (i <= last)
            {
                var v = Vector256.LoadUnsafe(ref start, (nuint)i);
                var isLf = Vector256.Equals(v, lf);
                var control = Vector256.LessThan(v, space) & ~(Vector256.Equals(v, tab) | isLf | Vector256.Equals(v, cr));
                var periods = Vector256.Equals(v, period);
                var periodBits = periods.ExtractMostSignificantBits();
                if ((v & nonAscii) != Vector256<ushort>.Zero || control != Vector256<ushort>.Zero || Vector256.EqualsAny(v, del)
                    || n.PeriodRun != 0 || (periodBits & (periodBits >> 1)) != 0 || (periodBits & 0x8000) != 0)
                {
                    // not plain ASCII prose: count these characters one by one
                    var stop = i + Vector256<ushort>.Count;
                    while (i < stop)
                        i = CountChar(text, i, ref n);
                    continue;
                }
                var letters = Vector256.LessThan((v | caseBit) - a, alphabet);
                var latin = BitOperations.PopCount(letters.ExtractMostSignificantBits());
                n.Letters += latin;
                _scriptLetters[(int)Script.Latin] += latin;
                n.Newlines += BitOperations.PopCount(isLf.ExtractMostSignificantBits());
                n.Hashes += BitOperations.PopCount(Vector256.Equals(v, hash).ExtractMostSignificantBits());
                i += Vector256<ushort>.Count;
            }
        }
        while (i < text.Length)
            i = CountChar(text, i, ref n);
        if (n.PeriodRun != 0)
            n.Ellipses += n.PeriodRun / 3;
    }

    /// <summary>Counts the character at <paramref name="i"/> (a surrogate pair at once); returns the next index.</summary>
    private int CountChar(string text, int i, ref CharCounts n)
    {
        var c = text[i];
        var f = Flags(c);
        if (n.PeriodRun != 0 && c != '.')
        {
            n.Ellipses += n.PeriodRun / 3; // Python's str.count("...") does not overlap
            n.PeriodRun = 0;
        }
        if ((f & Letter) != 0)
        {
            n.Letters++;
            _scriptLetters[(int)ScriptOfLetter(c)]++;
        }
        if ((f & Special) == 0)
        {
            if (c == '\n')
                n.Newlines++;
            return i + 1;
        }
        switch (c)
        {
            case '.':
                n.PeriodRun++;
                break;
            case '#':
                n.Hashes++;
                break;
            case '…':
                n.Ellipses++;
                break;
            case '\uFFFD':
                n.Replacement++;
                break;
            default:
                if ((f & Control) != 0)
                {
                    n.Control++;
                }
                else if (char.IsHighSurrogate(c))
                {
                    if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        var rune = char.ConvertToUtf32(c, text[i + 1]);
                        if (Rune.IsLetter(new Rune(rune)))
                        {
                            n.Letters++;
                            _scriptLetters[(int)ScriptOfRune(rune)]++;
                        }
                        n.LowSurrogates++;
                        return i + 2;
                    }
                }
                else if (!char.IsLowSurrogate(c) && Mojibake.IsSequenceAt(text, i))
                {
                    n.Mojibake++;
                }
                break;
        }
        return i + 1;
    }
}

using System.Collections;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace IngestWorker.Text.Quality;

/// <summary>Positions of the signals in <see cref="QualitySignals.All"/>.</summary>
internal enum Sig
{
    TextChars, TextLines, TextParagraphs, TextTokens, TextSpaceless, TextUnpunctuated, TextSyllabic, TextTokensPerWord,
    GopherWordCount, GopherMeanWordLength, GopherHashWordRatio, GopherEllipsisWordRatio, GopherBulletLinesFrac,
    GopherEndEllipsisLinesFrac, GopherAlphaWordsFrac, GopherStopWords, GopherDistinctStopWords,
    DupLineFrac, DupParaFrac, DupLineCharFrac, DupParaCharFrac,
    Top2GramCharFrac, Top3GramCharFrac, Top4GramCharFrac,
    Duplicated5GramCharFrac, Duplicated6GramCharFrac, Duplicated7GramCharFrac, Duplicated8GramCharFrac,
    Duplicated9GramCharFrac, Duplicated10GramCharFrac,
    C4LinesWithoutTerminalPunctFrac, C4LinesUnder3WordsFrac, C4JavascriptLines, C4PolicyLines,
    C4LoremIpsum, C4CurlyBracket, C4Sentences,
    FineWebLinePunctFrac, FineWebShortLineFrac, FineWebDupLineCharFrac, FineWebNewlineWordRatio,
    UnicodeReplacementChars, UnicodeReplacementCharFrac, UnicodeMojibakeSequences, UnicodeMojibakeFrac,
    UnicodeControlChars, UnicodeControlCharFrac, UnicodeExpectedScriptFrac,
    Count,
}

/// <summary>
/// The signals of one text: an immutable map from signal name (<see cref="QualitySignals"/>) to
/// value. A signal that does not apply to the text (no stop-word list for its language, an unknown
/// language's expected script) is absent rather than a sentinel value.
/// </summary>
public sealed class QualitySignalSet : IReadOnlyDictionary<string, double>
{
    private static readonly FrozenDictionary<string, int> IndexByName =
        QualitySignals.All.Select((name, i) => (name, i)).ToFrozenDictionary(p => p.name, p => p.i, StringComparer.Ordinal);

    // NaN marks an absent signal; no signal is ever NaN.
    private readonly double[] _values;
    private readonly int _count;

    internal QualitySignalSet(double[] values)
    {
        if (values.Length != (int)Sig.Count || QualitySignals.All.Count != (int)Sig.Count)
            throw new ArgumentException("One value per signal expected.", nameof(values));
        _values = values;
        foreach (var v in values)
        {
            if (!double.IsNaN(v))
                _count++;
        }
    }

    /// <summary>The value of a signal, or NaN when absent (no lookup by name).</summary>
    internal double this[Sig signal] => _values[(int)signal];

    public double this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"No quality signal '{key}' in this set.");

    public IEnumerable<string> Keys => this.Select(pair => pair.Key);

    public IEnumerable<double> Values => this.Select(pair => pair.Value);

    public int Count => _count;

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out double value)
    {
        if (IndexByName.TryGetValue(key, out var i) && !double.IsNaN(_values[i]))
        {
            value = _values[i];
            return true;
        }
        value = 0;
        return false;
    }

    /// <summary>Index of <paramref name="name"/> in <see cref="QualitySignals.All"/>, or -1 for a name we do not compute.</summary>
    internal static int IndexOf(string name) => IndexByName.TryGetValue(name, out var i) ? i : -1;

    public IEnumerator<KeyValuePair<string, double>> GetEnumerator()
    {
        for (var i = 0; i < _values.Length; i++)
        {
            if (!double.IsNaN(_values[i]))
                yield return new KeyValuePair<string, double>(QualitySignals.All[i], _values[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

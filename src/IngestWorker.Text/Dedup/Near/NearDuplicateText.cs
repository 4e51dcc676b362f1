using System.Text;

namespace IngestWorker.Text.Dedup.Near;

/// <summary>
/// The simplified text the near-duplicate check compares, in the manner of FineWeb's MinHash step
/// (datatrove's <c>simplify_text</c>): two copies of an article should look the same even when one
/// site curls its quotes, drops accents, writes dates differently or uses other dashes.
/// </summary>
/// <remarks>
/// <see cref="MinHasher"/> does not call these: it simplifies and splits the raw text without
/// building strings (see <see cref="NearWordHashes"/>), finding exactly the words
/// <c>Words(Normalize(text))</c> returns. These exist for tests and diagnostics; both share the
/// character table of <see cref="NearDuplicateChars"/>.
/// </remarks>
public static class NearDuplicateText
{
    /// <summary>
    /// Lower case (invariant); Unicode NFD with nonspacing and enclosing marks removed ("Café" →
    /// "cafe"); punctuation, symbols and control characters replaced by a space, so words joined
    /// by a dash or an apostrophe come apart; every decimal digit (any script) replaced by '0';
    /// white space collapsed to single spaces and trimmed. Format characters (soft hyphens,
    /// zero-width joiners) are removed; a zero-width space counts as a space.
    /// </summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sink = new NormalizeSink(new StringBuilder(text.Length));
        NearDuplicateChars.Simplify(text, ref sink);
        return sink.Builder.ToString();
    }

    /// <summary>
    /// The words of normalized text: the text is split at spaces, and a letter of a script written
    /// without spaces (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar, Tibetan) is a word on
    /// its own, with any spacing vowel sign after it, so Chinese, Japanese and Thai text gets
    /// character shingles. Given text that is not normalized, returns the words of its normalization.
    /// </summary>
    public static IReadOnlyList<string> Words(string normalizedText)
    {
        ArgumentNullException.ThrowIfNull(normalizedText);
        var sink = new WordListSink(new List<string>(), new StringBuilder());
        NearDuplicateChars.Simplify(normalizedText, ref sink);
        sink.Break();
        return sink.Words;
    }

    private struct NormalizeSink(StringBuilder builder) : ISimplifiedSink
    {
        public readonly StringBuilder Builder = builder;
        private bool _space;

        // A space is written only before the next character, which collapses runs and trims both ends.
        public void Break() => _space = Builder.Length > 0;

        public void Word(char c) => Append(c);

        public void Spaceless(char c) => Append(c);

        public void Attach(char c) => Append(c);

        private void Append(char c)
        {
            if (_space)
            {
                Builder.Append(' ');
                _space = false;
            }
            Builder.Append(c);
        }
    }

    private struct WordListSink(List<string> words, StringBuilder word) : ISimplifiedSink
    {
        public readonly List<string> Words = words;
        private readonly StringBuilder _word = word;
        private bool _spaceless;

        public void Break()
        {
            if (_word.Length > 0)
                Words.Add(_word.ToString());
            _word.Clear();
            _spaceless = false;
        }

        public void Word(char c)
        {
            if (_spaceless)
                Break();
            _word.Append(c);
        }

        public void Spaceless(char c)
        {
            Break();
            _word.Append(c);
            _spaceless = true;
        }

        public void Attach(char c) => _word.Append(c);
    }
}

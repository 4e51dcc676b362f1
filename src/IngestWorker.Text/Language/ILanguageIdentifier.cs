namespace IngestWorker.Text.Language;

/// <summary>A language and how sure the identifier is of it.</summary>
/// <param name="Code">The model's label without its <c>__label__</c> prefix: an ISO 639 code for lid.176 (<c>en</c>, <c>zh</c>, <c>sr</c>…).</param>
public readonly record struct LanguageGuess(string Code, double Confidence);

/// <summary>Identifies the language of one line of text. Implementations are thread-safe.</summary>
public interface ILanguageIdentifier
{
    /// <summary>The <paramref name="k"/> likeliest languages, likeliest first.</summary>
    /// <param name="line">One line: the caller has already replaced line breaks with spaces.</param>
    IReadOnlyList<LanguageGuess> Identify(string line, int k);

    /// <summary>
    /// The <paramref name="k"/> likeliest languages of the line, and the likeliest of each of its
    /// <paramref name="segments"/> (paragraphs: in order, not overlapping, bounded by whitespace) in
    /// <paramref name="segmentGuesses"/> (null where a segment gives no guess) — each exactly as
    /// <see cref="Identify(string, int)"/> would say on its own. Identifiers that can read the line
    /// once for all of them override this.
    /// </summary>
    IReadOnlyList<LanguageGuess> Identify(string line, int k, ReadOnlySpan<Range> segments, Span<LanguageGuess?> segmentGuesses)
    {
        for (var i = 0; i < segments.Length; i++)
            segmentGuesses[i] = Identify(line[segments[i]], 1) is [var guess, ..] ? guess : null;
        return Identify(line, k);
    }
}

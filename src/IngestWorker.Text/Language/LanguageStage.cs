using IngestWorker.Text.Pipeline;

namespace IngestWorker.Text.Language;

/// <summary>
/// Identifies the language of the cleaned text (not the raw page, whose menus and footers would
/// pull it towards the site's language) and of each paragraph long enough to judge; rejects
/// documents outside the allowed languages or below the confidence threshold; flags documents whose
/// paragraphs disagree (an English article under a Russian comment thread, say).
/// </summary>
public sealed class LanguageStage : IPipelineStage
{
    private readonly ILanguageIdentifier _identifier;
    private readonly LanguageOptions _options;
    private readonly HashSet<string> _allowed;

    public LanguageStage(ILanguageIdentifier identifier, LanguageOptions options)
    {
        _identifier = identifier;
        _options = options;
        _allowed = new HashSet<string>(options.Allowed.Select(Normalize), StringComparer.Ordinal);
    }

    public string Name => "language";

    public ValueTask<StageVerdict> ProcessAsync(PipelineDocument document, CancellationToken cancellationToken)
    {
        var text = OneLine(document.Text ?? "");
        var blocks = document.Cleaning?.KeptBlocks ?? (document.Text ?? "").Split('\n');
        var judged = new List<int>();
        for (var i = 0; i < blocks.Count; i++)
        {
            if (blocks[i].Length >= _options.MinParagraphChars)
                judged.Add(i);
        }
        var segments = new Range[judged.Count];
        var paragraphGuesses = new LanguageGuess?[judged.Count];
        IReadOnlyList<LanguageGuess> guesses;
        if (Locate(text, blocks, judged, segments))
        {
            // The text is its kept blocks joined: one pass reads the text and its paragraphs.
            guesses = _identifier.Identify(text, 1 + _options.Alternatives, segments, paragraphGuesses);
        }
        else
        {
            guesses = _identifier.Identify(text, 1 + _options.Alternatives);
            for (var j = 0; j < judged.Count; j++)
                paragraphGuesses[j] = _identifier.Identify(OneLine(blocks[judged[j]]), 1) is [var guess, ..] ? guess : null;
        }
        var top = guesses.Count > 0 ? guesses[0] : new LanguageGuess("und", 0);

        var paragraphs = new List<ParagraphLanguage>(judged.Count);
        for (var j = 0; j < judged.Count; j++)
        {
            if (paragraphGuesses[j] is { } guess)
                paragraphs.Add(new ParagraphLanguage(judged[j], blocks[judged[j]].Length, guess.Code, Math.Round(guess.Confidence, 4)));
        }
        var mixed = IsMixed(top.Code, paragraphs);

        document.Language = new LanguageResult(top.Code, Math.Round(top.Confidence, 4),
            guesses.Skip(1).Select(g => g with { Confidence = Math.Round(g.Confidence, 4) }).ToList(), paragraphs, mixed);
        if (mixed)
            document.Flags.Add(FlagCodes.LanguageMixed);

        if (_allowed.Count > 0 && !_allowed.Contains(top.Code))
            return Reject($"The text is in '{top.Code}' (confidence {top.Confidence:F2}), which is not among the allowed languages ({string.Join(", ", _allowed.Order())}; setting ingestWorker:pipeline:language:allowed).");
        if (top.Confidence < _options.MinConfidence)
            return Reject($"The likeliest language, '{top.Code}', has confidence {top.Confidence:F2}, below {_options.MinConfidence:F2} (setting ingestWorker:pipeline:language:minConfidence).");
        if (mixed && _options.RejectMixed)
            return ValueTask.FromResult(StageVerdict.Reject(Name, ReasonCodes.LanguageMixed,
                $"Paragraphs in other languages than '{top.Code}' make up at least {_options.MixedShare:P0} of the text (setting ingestWorker:pipeline:language:rejectMixed)."));
        return ValueTask.FromResult(StageVerdict.Continue);
    }

    private ValueTask<StageVerdict> Reject(string message) =>
        ValueTask.FromResult(StageVerdict.Reject(Name, ReasonCodes.Language, message));

    private bool IsMixed(string documentLanguage, List<ParagraphLanguage> paragraphs)
    {
        long judged = 0, foreign = 0;
        foreach (var paragraph in paragraphs)
        {
            judged += paragraph.Chars;
            if (paragraph.Code != documentLanguage && paragraph.Confidence >= _options.MinParagraphConfidence)
                foreign += paragraph.Chars;
        }
        return judged > 0 && foreign >= judged * _options.MixedShare;
    }

    /// <summary>
    /// Where each judged block sits in the text (found in order, as written); false when one is not
    /// there as it is (the text was changed after cleaning).
    /// </summary>
    private static bool Locate(string text, IReadOnlyList<string> blocks, List<int> judged, Range[] segments)
    {
        var at = 0;
        for (var j = 0; j < judged.Count; j++)
        {
            var block = OneLine(blocks[judged[j]]);
            var start = text.IndexOf(block, at, StringComparison.Ordinal);
            if (start < 0)
                return false;
            segments[j] = start..(start + block.Length);
            at = start + block.Length;
        }
        return true;
    }

    // fastText predicts on one line; a line break inside would end the prediction early.
    private static string OneLine(string text) => text.Contains('\n') ? text.Replace('\n', ' ') : text;

    /// <summary>An <c>allowed</c> entry as the model's label code: trimmed, without a <c>__label__</c> prefix.</summary>
    public static string LabelCode(string code) => Normalize(code);

    private static string Normalize(string code)
    {
        code = code.Trim();
        return code.StartsWith("__label__", StringComparison.Ordinal) ? code["__label__".Length..] : code;
    }
}

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
        var text = document.Text ?? "";
        var guesses = _identifier.Identify(OneLine(text), 1 + _options.Alternatives);
        var top = guesses.Count > 0 ? guesses[0] : new LanguageGuess("und", 0);

        var paragraphs = new List<ParagraphLanguage>();
        var blocks = document.Cleaning?.KeptBlocks ?? text.Split('\n');
        for (var i = 0; i < blocks.Count; i++)
        {
            if (blocks[i].Length < _options.MinParagraphChars)
                continue;
            var guess = _identifier.Identify(OneLine(blocks[i]), 1);
            if (guess.Count > 0)
                paragraphs.Add(new ParagraphLanguage(i, blocks[i].Length, guess[0].Code, Math.Round(guess[0].Confidence, 4)));
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

using IngestWorker.Text.Language.FastText;

namespace IngestWorker.Text.Language;

/// <summary>Language identification with a fastText supervised model (lid.176 by default).</summary>
public sealed class FastTextLanguageIdentifier : ILanguageIdentifier
{
    private const int MaxK = 32;

    private readonly FastTextModel _model;

    public FastTextLanguageIdentifier(FastTextModel model) => _model = model;

    /// <exception cref="FastTextModelException">The file is missing, not a fastText model, or damaged.</exception>
    public static FastTextLanguageIdentifier Load(string path) => new(FastTextModel.Load(path));

    public FastTextModel Model => _model;

    public IReadOnlyList<LanguageGuess> Identify(string line, int k)
    {
        Span<Prediction> top = stackalloc Prediction[Math.Clamp(k, 1, MaxK)];
        var count = _model.Predict(line, top);
        var guesses = new LanguageGuess[count];
        for (var i = 0; i < count; i++)
            guesses[i] = new LanguageGuess(_model.GetLabelCode(top[i].LabelIndex), top[i].Probability);
        return guesses;
    }

    /// <summary>The line and its paragraphs in one pass over the words (<see cref="FastTextModel.PredictWithSegments"/>): exact, and about half the work of separate calls.</summary>
    public IReadOnlyList<LanguageGuess> Identify(string line, int k, ReadOnlySpan<Range> segments, Span<LanguageGuess?> segmentGuesses)
    {
        Span<Prediction> top = stackalloc Prediction[Math.Clamp(k, 1, MaxK)];
        var rented = System.Buffers.ArrayPool<Prediction>.Shared.Rent(Math.Max(1, segments.Length));
        try
        {
            var perSegment = rented.AsSpan(0, segments.Length);
            var count = _model.PredictWithSegments(line, segments, top, perSegment);
            for (var i = 0; i < segments.Length; i++)
                segmentGuesses[i] = perSegment[i].LabelIndex >= 0 ? new LanguageGuess(_model.GetLabelCode(perSegment[i].LabelIndex), perSegment[i].Probability) : null;
            var guesses = new LanguageGuess[count];
            for (var i = 0; i < count; i++)
                guesses[i] = new LanguageGuess(_model.GetLabelCode(top[i].LabelIndex), top[i].Probability);
            return guesses;
        }
        finally
        {
            System.Buffers.ArrayPool<Prediction>.Shared.Return(rented);
        }
    }
}

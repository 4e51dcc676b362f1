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
        return Guesses(top, _model.Predict(line, top));
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
                segmentGuesses[i] = perSegment[i].LabelIndex >= 0 ? Guess(perSegment[i]) : null;
            return Guesses(top, count);
        }
        finally
        {
            System.Buffers.ArrayPool<Prediction>.Shared.Return(rented);
        }
    }

    private LanguageGuess[] Guesses(ReadOnlySpan<Prediction> top, int count)
    {
        var guesses = new LanguageGuess[count];
        for (var i = 0; i < count; i++)
            guesses[i] = Guess(top[i]);
        return guesses;
    }

    private LanguageGuess Guess(Prediction prediction) => new(_model.GetLabelCode(prediction.LabelIndex), prediction.Probability);
}

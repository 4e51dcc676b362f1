using IngestWorker.Text.Language;
using IngestWorker.Text.Language.FastText;
using IngestWorker.Text.Pipeline;

namespace IngestWorker.Text.Tests.Language.FastText;

/// <summary>A text and its paragraphs in one pass give bit for bit what separate predictions give.</summary>
public sealed class SegmentPredictionTests
{
    private static readonly string[] Paragraphs =
    [
        "The town council voted on Tuesday to keep the public library open until nine in the evening.",
        "Le conseil municipal a voté mardi pour garder la bibliothèque ouverte jusqu'à neuf heures du soir.",
        "Der Gemeinderat stimmte am Dienstag dafür, die Bibliothek bis neun Uhr abends offen zu halten.",
        "Городской совет во вторник проголосовал за то, чтобы библиотека работала до девяти вечера.",
        "市议会周二投票决定将公共图书馆的开放时间延长至晚上九点。",
        "ok",
        "zxqv blorf quanticulous hyperfragmentation __label__en residents",
    ];

    public static TheoryData<string> Models() =>
    [
        "lid",
        .. Directory.GetFiles(Path.Combine(FastTextFixtures.DataDir, "tiny")).Select(f => Path.GetFileName(f)).Where(f => f.EndsWith(".bin") || f.EndsWith(".ftz")),
    ];

    private static FastTextModel Load(string name) => name == "lid" ? FastTextFixtures.Lid : FastTextModel.Load(FastTextFixtures.TinyModelPath(name));

    [Theory]
    [MemberData(nameof(Models))]
    public void One_pass_equals_separate_predictions_exactly(string modelName)
    {
        var model = Load(modelName);
        var random = new Random(7);
        for (var round = 0; round < 40; round++)
        {
            // A text of paragraphs joined as the cleaner joins kept blocks, some judged, some not.
            var chosen = Enumerable.Range(0, random.Next(1, 6)).Select(_ => Paragraphs[random.Next(Paragraphs.Length)]).ToList();
            var text = string.Join(random.Next(2) == 0 ? " " : "  ", chosen);
            var segments = new List<Range>();
            var at = 0;
            foreach (var paragraph in chosen)
            {
                var start = text.IndexOf(paragraph, at, StringComparison.Ordinal);
                if (paragraph.Length > 10)
                    segments.Add(start..(start + paragraph.Length));
                at = start + paragraph.Length;
            }
            var top = new Prediction[3];
            var perSegment = new Prediction[segments.Count];
            var count = model.PredictWithSegments(text, segments.ToArray(), top, perSegment);

            var expected = new Prediction[3];
            Assert.Equal(model.Predict(text, expected), count);
            Assert.Equal(expected[..count], top[..count]);
            for (var s = 0; s < segments.Count; s++)
            {
                var one = new Prediction[1];
                var n = model.Predict(text[segments[s]], one);
                Assert.Equal(n == 1 ? one[0] : new Prediction(-1, 0f), perSegment[s]);
            }
        }
    }

    [Fact]
    public void Segments_that_cut_a_word_are_predicted_on_their_own_with_the_same_results()
    {
        var model = FastTextFixtures.Lid;
        const string text = "library opening hours";
        var top = new Prediction[1];
        var perSegment = new Prediction[1];
        model.PredictWithSegments(text, [2..10], top, perSegment);
        var one = new Prediction[1];
        model.Predict("brary op", one);
        Assert.Equal(one[0], perSegment[0]);
    }

    [Fact]
    public void The_identifier_reports_paragraph_guesses_as_separate_calls_would()
    {
        Assert.Equal(1, FastTextFixtures.Lid.WordNgrams); // so the one-pass path is the one exercised
        var identifier = new FastTextLanguageIdentifier(FastTextFixtures.Lid);
        var text = string.Join("  ", Paragraphs[0], Paragraphs[1]);
        var guesses = new LanguageGuess?[2];
        var document = identifier.Identify(text, 2, [0..Paragraphs[0].Length, (Paragraphs[0].Length + 2)..text.Length], guesses);

        Assert.Equal(identifier.Identify(text, 2), document);
        Assert.Equal("en", guesses[0]!.Value.Code);
        Assert.Equal("fr", guesses[1]!.Value.Code);
        Assert.Equal(identifier.Identify(Paragraphs[1], 1)[0], guesses[1]);
    }

    /// <summary>The same model without the one-pass override: the text and each paragraph predicted on their own.</summary>
    private sealed class OneAtATime(ILanguageIdentifier inner) : ILanguageIdentifier
    {
        public IReadOnlyList<LanguageGuess> Identify(string line, int k) => inner.Identify(line, k);
    }

    [Fact]
    public async Task The_language_stage_says_the_same_in_one_pass_as_one_call_at_a_time()
    {
        var model = new FastTextLanguageIdentifier(FastTextFixtures.Lid);
        // Paragraphs long enough to be judged (100 characters), a short line, and a block over two lines.
        var page = string.Join("\n\n", Paragraphs.Select(p => p + " " + p).Concat(["A line", Paragraphs[2] + "\n" + Paragraphs[0]]));
        var onePass = await RunStages(page, model);
        var separate = await RunStages(page, new OneAtATime(model));

        var expected = separate.Document.Language!;
        var actual = onePass.Document.Language!;
        Assert.Equal((expected.Code, expected.Confidence, expected.Mixed), (actual.Code, actual.Confidence, actual.Mixed));
        Assert.Equal(expected.Alternatives, actual.Alternatives);
        Assert.Equal(expected.Paragraphs, actual.Paragraphs);
        Assert.True(actual.Paragraphs.Count >= 5, $"{actual.Paragraphs.Count} paragraphs judged");
    }

    private static ValueTask<PipelineResult> RunStages(string text, ILanguageIdentifier identifier)
    {
        var options = new PipelineOptions();
        options.Quality.Enabled = false;
        var pipeline = new TextPipeline(TextPipelineBuilder.StandardStages(options, PipelineServices.InMemory(identifier)));
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        return pipeline.RunAsync(new DocumentSource("incoming", "a.txt", "\"e\"", bytes.Length), bytes, CancellationToken.None);
    }
}

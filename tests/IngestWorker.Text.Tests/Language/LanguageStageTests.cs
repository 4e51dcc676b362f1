using System.Text;
using IngestWorker.Text.Language;
using IngestWorker.Text.Pipeline;

namespace IngestWorker.Text.Tests.Language;

/// <summary>The language stage's decisions, with a stand-in identifier (the real model is tested in FastText/).</summary>
public sealed class LanguageStageTests
{
    private static readonly string English = string.Join(" ", Enumerable.Repeat("The council met on Tuesday and approved the budget for the coming year.", 3));
    private static readonly string Russian = string.Join(" ", Enumerable.Repeat("Совет собрался во вторник и утвердил бюджет на следующий год.", 3));

    [Fact]
    public async Task The_document_gets_its_language_the_runners_up_and_a_language_per_long_paragraph()
    {
        var identifier = new ScriptIdentifier();
        var result = await Run($"{English}\n\nShort line.\n\n{English}", new LanguageOptions(), identifier);

        Assert.True(result.IsAccepted);
        var language = result.Document.Language!;
        Assert.Equal(("en", 0.97), (language.Code, language.Confidence));
        Assert.Equal([new LanguageGuess("de", 0.02), new LanguageGuess("fr", 0.01)], language.Alternatives);
        Assert.Equal([0, 2], language.Paragraphs.Select(p => p.Index));
        Assert.False(language.Mixed);
        Assert.DoesNotContain(identifier.Lines, line => line.Contains('\n'));
    }

    [Fact]
    public async Task A_language_outside_the_allowed_list_is_rejected_naming_both()
    {
        var result = await Run(Russian, new LanguageOptions { Allowed = ["en", "__label__de"] }, new ScriptIdentifier());

        Assert.Equal(ReasonCodes.Language, result.Rejection!.Code);
        Assert.Contains("'ru'", result.Rejection.Message);
        Assert.Contains("de, en", result.Rejection.Message);
        Assert.Equal("ru", result.Document.Language!.Code);
    }

    [Fact]
    public async Task A_confidence_below_the_threshold_is_rejected()
    {
        var result = await Run("zzz qqq", new LanguageOptions { MinConfidence = 0.65 }, new ScriptIdentifier());
        Assert.Equal(ReasonCodes.Language, result.Rejection!.Code);
        Assert.Contains("0.30", result.Rejection.Message);
    }

    [Fact]
    public async Task An_english_article_with_a_russian_comment_section_is_flagged_mixed_but_kept()
    {
        var result = await Run($"{English}\n\n{English}\n\n{Russian}", new LanguageOptions(), new ScriptIdentifier());

        Assert.True(result.IsAccepted);
        Assert.True(result.Document.Language!.Mixed);
        Assert.Equal([ReasonCodes.LanguageMixed], result.Document.Flags);
        Assert.Equal(["en", "en", "ru"], result.Document.Language.Paragraphs.Select(p => p.Code));
    }

    [Fact]
    public async Task Mixed_documents_are_rejected_when_asked()
    {
        var result = await Run($"{English}\n\n{Russian}", new LanguageOptions { RejectMixed = true }, new ScriptIdentifier());
        Assert.Equal(ReasonCodes.LanguageMixed, result.Rejection!.Code);
    }

    [Fact]
    public async Task A_stray_foreign_paragraph_below_the_share_is_not_mixing()
    {
        var result = await Run(string.Join("\n\n", Enumerable.Repeat(English, 8).Append(Russian)), new LanguageOptions { MixedShare = 0.2 }, new ScriptIdentifier());
        Assert.False(result.Document.Language!.Mixed);
        Assert.Empty(result.Document.Flags);
    }

    private static ValueTask<PipelineResult> Run(string text, LanguageOptions options, ILanguageIdentifier identifier)
    {
        var pipelineOptions = new PipelineOptions { Language = options };
        pipelineOptions.Boilerplate.Enabled = false;
        pipelineOptions.Quality.Enabled = false;
        var pipeline = new TextPipeline(TextPipelineBuilder.StandardStages(pipelineOptions, PipelineServices.InMemory(identifier)));
        var bytes = Encoding.UTF8.GetBytes(text);
        return pipeline.RunAsync(new DocumentSource("incoming", "a.txt", "\"e\"", bytes.Length), bytes, CancellationToken.None);
    }

    /// <summary>Cyrillic text is Russian, Latin text English, anything else a shrug.</summary>
    private sealed class ScriptIdentifier : ILanguageIdentifier
    {
        public List<string> Lines { get; } = [];

        public IReadOnlyList<LanguageGuess> Identify(string line, int k)
        {
            lock (Lines)
                Lines.Add(line);
            var cyrillic = line.Count(c => c is >= '\u0400' and <= '\u04FF');
            var latin = line.Count(char.IsAsciiLetter);
            LanguageGuess[] ranked = line.StartsWith("zzz", StringComparison.Ordinal)
                ? [new("en", 0.30), new("de", 0.2), new("fr", 0.1)]
                : cyrillic > latin
                    ? [new("ru", 0.95), new("uk", 0.03), new("bg", 0.01)]
                    : [new("en", 0.97), new("de", 0.02), new("fr", 0.01)];
            return ranked.Take(k).ToList();
        }
    }
}

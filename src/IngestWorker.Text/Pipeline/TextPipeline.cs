using System.Diagnostics;

namespace IngestWorker.Text.Pipeline;

/// <summary>
/// Runs the stages in order. The first rejection ends the run (as in datatrove, the filter that
/// drops a document is the one that is credited with it), and the document keeps whatever the
/// earlier stages produced so the decision can be audited.
/// </summary>
public sealed class TextPipeline
{
    private readonly IReadOnlyList<IPipelineStage> _stages;

    public TextPipeline(IEnumerable<IPipelineStage> stages)
    {
        _stages = stages.ToArray();
        var duplicate = _stages.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"Two pipeline stages share the name '{duplicate.Key}'; names identify stages in the output.", nameof(stages));
    }

    public IReadOnlyList<string> StageNames => _stages.Select(s => s.Name).ToArray();

    public async ValueTask<PipelineResult> RunAsync(DocumentSource source, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var document = new PipelineDocument(source, content);
        var stagesRun = new List<string>(_stages.Count);
        // Timed here rather than by the host so each stage's cost is known without the text
        // library taking a metrics dependency; the host turns these into histogram records.
        var timings = new List<StageTiming>(_stages.Count);
        var characters = new List<StageCharacters>(_stages.Count);
        foreach (var stage in _stages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            stagesRun.Add(stage.Name);
            var before = document.TextLength;
            var started = Stopwatch.GetTimestamp();
            var verdict = await stage.ProcessAsync(document, cancellationToken).ConfigureAwait(false);
            timings.Add(new StageTiming(stage.Name, Stopwatch.GetElapsedTime(started)));
            characters.Add(new StageCharacters(stage.Name, before, document.TextLength));
            if (verdict.IsRejected)
                return new PipelineResult(document, verdict.Rejection, stagesRun, timings, characters);
        }
        return new PipelineResult(document, null, stagesRun, timings, characters);
    }
}

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
    private readonly TimeSpan _maxDocumentTime;
    private readonly TimeProvider _time;

    /// <param name="maxDocumentTime">
    /// How long one document may take; past it the stage that runs is cancelled and the document is
    /// rejected as <see cref="ReasonCodes.TooComplex"/>. <see cref="Timeout.InfiniteTimeSpan"/> (the default) for no limit.
    /// </param>
    /// <param name="time">The clock the budget runs on (tests pass a fake one).</param>
    public TextPipeline(IEnumerable<IPipelineStage> stages, TimeSpan? maxDocumentTime = null, TimeProvider? time = null)
    {
        _maxDocumentTime = maxDocumentTime ?? Timeout.InfiniteTimeSpan;
        if (_maxDocumentTime <= TimeSpan.Zero && _maxDocumentTime != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(maxDocumentTime), "The time budget must be positive.");
        _time = time ?? TimeProvider.System;
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
        // The stages run synchronous CPU work, so the budget cannot interrupt them: it cancels a
        // token they check in their long loops, and it is told apart from the caller's own
        // cancellation (shutdown, a lost claim), which must still abandon the document.
        using var budget = new CancellationTokenSource(_maxDocumentTime, _time);
        using var work = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
        foreach (var stage in _stages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            stagesRun.Add(stage.Name);
            var before = document.TextLength;
            var started = Stopwatch.GetTimestamp();
            StageVerdict verdict;
            try
            {
                work.Token.ThrowIfCancellationRequested();
                verdict = await stage.ProcessAsync(document, work.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                verdict = StageVerdict.Reject(stage.Name, ReasonCodes.TooComplex,
                    $"The document took longer than {_maxDocumentTime.TotalSeconds:0.###} s to process (setting ingestWorker:pipeline:maxDocumentTime); " +
                    $"the {stage.Name} stage was stopped.");
            }
            timings.Add(new StageTiming(stage.Name, Stopwatch.GetElapsedTime(started)));
            characters.Add(new StageCharacters(stage.Name, before, document.TextLength));
            if (verdict.IsRejected)
                return new PipelineResult(document, verdict.Rejection, stagesRun, timings, characters);
        }
        return new PipelineResult(document, null, stagesRun, timings, characters);
    }
}

namespace IngestWorker.Text.Pipeline;

/// <summary>A finished pipeline run: the document, and the rejection if a stage dropped it.</summary>
/// <param name="Timings">How long each stage that ran took, in the order they ran.</param>
public sealed record PipelineResult(PipelineDocument Document, Rejection? Rejection, IReadOnlyList<string> StagesRun, IReadOnlyList<StageTiming>? Timings = null)
{
    public bool IsAccepted => Rejection is null;

    public IReadOnlyList<StageTiming> StageTimings => Timings ?? [];
}

/// <summary>The wall-clock time one stage took on one document, awaits included (storage-backed indexes).</summary>
public readonly record struct StageTiming(string Stage, TimeSpan Elapsed);

namespace IngestWorker.Text.Pipeline;

/// <summary>A finished pipeline run: the document, and the rejection if a stage dropped it.</summary>
/// <param name="Timings">How long each stage that ran took, in the order they ran.</param>
/// <param name="Characters">The text's length on entering and on leaving each stage that ran, in the order they ran.</param>
public sealed record PipelineResult(
    PipelineDocument Document,
    Rejection? Rejection,
    IReadOnlyList<string> StagesRun,
    IReadOnlyList<StageTiming>? Timings = null,
    IReadOnlyList<StageCharacters>? Characters = null)
{
    public bool IsAccepted => Rejection is null;

    public IReadOnlyList<StageTiming> StageTimings => Timings ?? [];

    public IReadOnlyList<StageCharacters> StageCharacters => Characters ?? [];
}

/// <summary>The wall-clock time one stage took on one document, awaits included (storage-backed indexes).</summary>
public readonly record struct StageTiming(string Stage, TimeSpan Elapsed);

/// <summary>
/// The length of the document's text (<see cref="PipelineDocument.TextLength"/>) as one stage
/// found it and as it left it, so that run statistics can say how many characters each filter
/// removed without the text library knowing about them.
/// </summary>
public readonly record struct StageCharacters(string Stage, int Before, int After)
{
    /// <summary>Characters the stage took out of a document it let through (0 for a stage that only adds, such as decoding).</summary>
    public int Removed => Math.Max(0, Before - After);
}

using IngestWorker.Processing;
using IngestWorker.Storage;

namespace IngestWorker.Triggers.Partitions;

/// <summary>
/// The claim on one blob of a partition's batch, for <see cref="BlobProcessor.ProcessClaimedAsync"/>:
/// the partition's ownership is the claim, and its in-flight record (<see cref="InflightPlanner"/>)
/// already counted this attempt before the batch started, so nothing here calls storage. What the
/// processor saves is kept to tell, once it returns, how the attempt ends for the record.
/// </summary>
public sealed class PartitionBlobClaim : IBlobClaim
{
    private PartitionBlobClaim(InputBlob input, string pipelineVersion, int attemptsBefore, string? lastErrorType, string? lastError, bool isFirst, CancellationToken lost)
    {
        Input = input;
        IsFirst = isFirst;
        Lost = lost;
        // No LastAttemptAt: the processor's "created but never started" rule is a claim record's,
        // and the in-flight plan has already counted exactly the attempts made.
        State = new ClaimState(input.ETag, pipelineVersion, attemptsBefore, lastErrorType, lastError, null, null);
    }

    /// <summary>
    /// A blob to try: attempt <see cref="InflightAttempt.Attempt"/> of the plan.
    /// <paramref name="noOutcomeOfName"/>: the listing showed that this name has no outcome of any
    /// version, so a first attempt may write its outcome create-only and skip the look-up.
    /// </summary>
    public static PartitionBlobClaim ForAttempt(InputBlob input, string pipelineVersion, InflightAttempt attempt, bool noOutcomeOfName, CancellationToken lost) =>
        new(input, pipelineVersion, attempt.Attempt - 1, null, null, noOutcomeOfName && attempt.Attempt == 1, lost);

    /// <summary>A blob whose attempts are used up: the processor looks for its outcome, and finding none, poisons it.</summary>
    public static PartitionBlobClaim ForPoison(InputBlob input, string pipelineVersion, InflightPoison poison, CancellationToken lost) =>
        new(input, pipelineVersion, poison.Attempts, poison.ErrorType, poison.Error, isFirst: false, lost);

    private bool _released;

    public InputBlob Input { get; }

    public bool IsFirst { get; }

    public ClaimState State { get; }

    public CancellationToken Lost { get; }

    /// <summary>The last state the processor saved (its attempt count, or a failed attempt with its error).</summary>
    public ClaimState? Saved { get; private set; }

    public ValueTask SaveAsync(ClaimState state, CancellationToken cancellationToken)
    {
        Saved = state;
        return ValueTask.CompletedTask;
    }

    public ValueTask ReleaseAsync(CancellationToken cancellationToken)
    {
        _released = true;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>How the attempt ends for the partition's in-flight record.</summary>
    public InflightResult ResultOf(ProcessingResult result) => result switch
    {
        // A superseded or deleted version never gets an outcome: its entry has nothing left to count.
        ProcessingResult.Completed or ProcessingResult.AlreadyDone or ProcessingResult.Poisoned
            or ProcessingResult.InputDeleted or ProcessingResult.Superseded => Result(InflightOutcome.Finished),
        // A failure of the blob's own is saved with its error and the attempt it counted, then
        // released; a failure that is not (storage unreachable) is rolled back to the attempts made
        // before (or, the partition lost meanwhile, not released at all).
        ProcessingResult.Failed when _released && Saved is { LastErrorType: { } type } failed && failed.Attempts > State.Attempts =>
            Result(InflightOutcome.Failed, type, failed.LastError),
        _ => Result(InflightOutcome.Abandoned),
    };

    /// <summary>The attempt ended without a result (an exception past the processor): not the blob's fault.</summary>
    public InflightResult Abandoned() => Result(InflightOutcome.Abandoned);

    private InflightResult Result(InflightOutcome outcome, string? errorType = null, string? error = null) =>
        new(Input.Name, Input.ETag, outcome, errorType, error);
}

using IngestWorker.Storage;

namespace IngestWorker.Triggers;

/// <summary>
/// The claim of a blob named by a work message, in the queue modes: the message's visibility is
/// the claim (hidden from every other worker while it is renewed), and the attempts come from the
/// queue's own durable count of receptions less those a worker gave back as not the blob's fault
/// (<see cref="MessageRetryNote"/>). Nothing is stored for it: saving keeps the state in memory
/// for the trigger, which puts it on the message only if it gives the message back.
/// </summary>
public sealed class MessageClaim : IBlobClaim
{
    private readonly int _attemptsBefore;

    /// <param name="attemptsBefore">Attempts already made on the blob (receptions before this one that counted).</param>
    /// <param name="isFirst">
    /// True when nothing can hold an outcome of the name that this worker would not learn of before
    /// writing its own: the message's first reception, on storage whose every outcome stems from the
    /// state log (<see cref="State.StateLogCoverage"/>). The processor still asks the log, in order,
    /// whether the name was decided before it writes (<see cref="State.StateBatches.IsFirstDecision"/>).
    /// </param>
    /// <param name="lost">Cancelled when the message could not be kept hidden: another worker may have it.</param>
    public MessageClaim(InputBlob input, string pipelineVersion, int attemptsBefore, MessageRetryNote note, bool isFirst, CancellationToken lost)
    {
        _attemptsBefore = attemptsBefore;
        IsFirst = isFirst;
        Lost = lost;
        State = new ClaimState(input.ETag, pipelineVersion, attemptsBefore, note.LastErrorType, note.LastError, null, null);
    }

    public bool IsFirst { get; }

    public ClaimState State { get; private set; }

    public CancellationToken Lost { get; }

    /// <summary>True when this reception counted as an attempt (the processor did not roll it back).</summary>
    public bool Counted => State.Attempts > _attemptsBefore;

    public ValueTask SaveAsync(ClaimState state, CancellationToken cancellationToken)
    {
        State = state;
        return ValueTask.CompletedTask;
    }

    // The message is settled by the trigger once all its blobs are.
    public ValueTask ReleaseAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

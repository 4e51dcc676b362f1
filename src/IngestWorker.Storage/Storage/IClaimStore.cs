namespace IngestWorker.Storage;

/// <summary>
/// Exclusive, crash-safe ownership of one input name while it is processed, across every worker
/// process on the account. A claim that is not released lapses on its own after
/// <c>ingestWorker:trigger:claimDuration</c>.
/// </summary>
/// <remarks>
/// A claim record is created the first time a name is claimed and kept afterwards (released, not
/// deleted), so "the record did not exist" means "this name was never processed": no outcome (which
/// is also the receipt) can exist for it, and the processor skips looking for one. Anything that
/// prunes claim records must prune the name's outcomes with them.
/// </remarks>
public interface IClaimStore
{
    /// <summary>
    /// The claim, or null when another worker holds it. A name claimed for the first time gets a
    /// record holding <paramref name="firstState"/>, written in the same call that creates it.
    /// </summary>
    ValueTask<IBlobClaim?> TryAcquireAsync(InputBlob input, ClaimState firstState, CancellationToken cancellationToken);
}

public interface IBlobClaim : IAsyncDisposable
{
    /// <summary>True when this claim created the name's record: the name was never processed before.</summary>
    bool IsFirst { get; }

    /// <summary>The record as stored: the attempts made on this input version under this pipeline version.</summary>
    ClaimState State { get; }

    /// <summary>Cancelled when the claim could not be renewed and another worker may take the input.</summary>
    CancellationToken Lost { get; }

    ValueTask SaveAsync(ClaimState state, CancellationToken cancellationToken);

    /// <summary>Give the input back (the record stays, for the attempt count and <see cref="IsFirst"/>).</summary>
    ValueTask ReleaseAsync(CancellationToken cancellationToken);
}

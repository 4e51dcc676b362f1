namespace IngestWorker.State;

/// <summary>
/// The shared state log in storage: numbered segments, each written once (put-if-absent), and
/// checkpoints of the whole index so that a starting worker need not read every segment. The
/// optimistic commit protocol of Delta Lake's and Iceberg's logs on object storage: exactly one
/// writer wins each sequence number; a loser catches up and decides again.
/// </summary>
public interface IStateLog
{
    /// <summary>The index as of the newest checkpoint, with every later segment applied.</summary>
    ValueTask<StateIndex> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Writes segment <paramref name="sequence"/> unless it exists; false when another writer has that number.</summary>
    ValueTask<bool> TryAppendAsync(long sequence, StateSegment segment, CancellationToken cancellationToken);

    /// <summary>Reads and applies the segments after <see cref="StateIndex.Sequence"/> until the first that does not exist; returns how many.</summary>
    ValueTask<int> CatchUpAsync(StateIndex index, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the whole index as the checkpoint of its <see cref="StateIndex.Sequence"/> (once: an
    /// existing checkpoint is kept). Reads the index only before it returns its task, so the caller
    /// may apply the next segment while the checkpoint is uploaded.
    /// </summary>
    ValueTask WriteCheckpointAsync(StateIndex index, CancellationToken cancellationToken);
}

namespace IngestWorker.Options;

/// <summary>
/// <c>ingestWorker:state</c>: the shared dedup and template state, kept as an append-only log of
/// segments that each worker commits a batch of documents at a time (docs/pipeline.md, Shared state).
/// </summary>
public sealed class StateOptions
{
    /// <summary>
    /// Most documents decided together and committed as one segment. A batch is whatever waited
    /// while the previous one ran, so a trickle commits one document at a time and a burst many;
    /// this only caps a burst, whose segment (and whose redecision after a conflict) grows with it.
    /// </summary>
    public int MaxBatchDocuments { get; set; } = 256;

    /// <summary>
    /// Every this many segments, the worker that committed the last one writes a checkpoint of the
    /// whole index, so a starting worker reads the newest checkpoint and the segments after it.
    /// </summary>
    public int CheckpointEvery { get; set; } = 100;

    /// <summary>
    /// Tries to commit one batch while other workers keep taking the next segment number; past it,
    /// the batch's documents are given up as when storage is unavailable (their attempt does not count).
    /// </summary>
    public int MaxCommitAttempts { get; set; } = 20;

    /// <summary>Longest random pause after a lost commit before deciding the batch again; the pause doubles per loss up to it.</summary>
    public TimeSpan MaxConflictPause { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Deletes the segments that a checkpoint at least <see cref="PruneAfter"/> old covers, after
    /// each checkpoint this worker writes (docs/pipeline.md, Shared state): one delete per segment, once.
    /// </summary>
    public bool PruneSegments { get; set; } = true;

    /// <summary>Checkpoints kept, newest first; older ones are deleted after each checkpoint this worker writes.</summary>
    public int KeepCheckpoints { get; set; } = 2;

    /// <summary>
    /// How old a checkpoint must be before the segments it covers are deleted. It is the time a
    /// worker may go without meeting the log's end before it looks for a pruned gap: twice
    /// <see cref="ResyncAfter"/> at least, so that clocks may disagree by the difference.
    /// </summary>
    public TimeSpan PruneAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// A worker whose index has not met the log's end (an append that took its number, a catch-up
    /// that found the next segment missing) for this long lists the checkpoints before its next
    /// commit, in case the segments after its index were pruned meanwhile.
    /// </summary>
    public TimeSpan ResyncAfter { get; set; } = TimeSpan.FromMinutes(10);
}

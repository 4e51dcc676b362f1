namespace IngestWorker.State;

/// <summary>A checkpoint of the state log as a listing shows it: the segment it covers up to, and when storage wrote it.</summary>
public readonly record struct ListedCheckpoint(long Sequence, DateTimeOffset Written);

/// <summary>
/// Which blobs of the state log may be deleted: the pure choice, made from one listing.
/// </summary>
/// <remarks>
/// <para>Checkpoints: all but the newest <c>keepCheckpoints</c>. The newest is never chosen, so a
/// starting worker always finds one at or past every segment ever pruned.</para>
/// <para>Segments: those at or before the newest checkpoint written at least <c>pruneAfter</c>
/// ago. A worker's next segment was written after the worker last met the log's end, so the
/// checkpoint covering it is younger still; a worker that met the end within <c>pruneAfter</c>
/// therefore finds every segment it needs, and one that did not (an idle worker) lists the
/// checkpoints before it commits (<c>resyncAfter</c>) and reloads from the newest instead.</para>
/// </remarks>
public sealed record StateLogPrunePlan(IReadOnlyList<long> Segments, IReadOnlyList<long> Checkpoints)
{
    public static readonly StateLogPrunePlan Nothing = new([], []);

    public bool IsEmpty => Segments.Count == 0 && Checkpoints.Count == 0;

    /// <summary>The newest segment that may go given these checkpoints: 0 when none may.</summary>
    public static long SegmentsCoveredUpTo(IEnumerable<ListedCheckpoint> checkpoints, DateTimeOffset now, TimeSpan pruneAfter) =>
        checkpoints.Where(c => now - c.Written >= pruneAfter).Select(c => c.Sequence).DefaultIfEmpty(0).Max();

    /// <param name="segments">The segments that exist, as far as the listing went (any order).</param>
    public static StateLogPrunePlan Choose(IReadOnlyCollection<ListedCheckpoint> checkpoints, IEnumerable<long> segments, DateTimeOffset now,
        bool pruneSegments, int keepCheckpoints, TimeSpan pruneAfter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keepCheckpoints, 1);
        var oldCheckpoints = checkpoints
            .OrderByDescending(c => c.Sequence)
            .Skip(keepCheckpoints)
            .Select(c => c.Sequence)
            .Order()
            .ToList();
        var coveredUpTo = pruneSegments ? SegmentsCoveredUpTo(checkpoints, now, pruneAfter) : 0;
        var oldSegments = segments.Where(s => s <= coveredUpTo).Order().ToList();
        return oldCheckpoints.Count == 0 && oldSegments.Count == 0 ? Nothing : new StateLogPrunePlan(oldSegments, oldCheckpoints);
    }
}

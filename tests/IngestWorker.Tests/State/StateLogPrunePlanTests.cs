using IngestWorker.State;

namespace IngestWorker.Tests.State;

/// <summary>The pure choice of which state log blobs may be deleted.</summary>
public sealed class StateLogPrunePlanTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan PruneAfter = TimeSpan.FromHours(1);

    [Fact]
    public void Segments_covered_by_a_checkpoint_older_than_pruneAfter_go_and_those_after_it_stay()
    {
        ListedCheckpoint[] checkpoints = [At(100, hoursAgo: 3), At(200, hoursAgo: 2), At(300, hoursAgo: 0.5)];

        var plan = StateLogPrunePlan.Choose(checkpoints, Enumerable.Range(1, 350).Select(i => (long)i), Now, pruneSegments: true, keepCheckpoints: 2, PruneAfter);

        // Checkpoint 300 is younger than pruneAfter: a worker that met the log's end half an hour
        // ago may still need segment 201 and on.
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), plan.Segments);
        Assert.Equal([100L], plan.Checkpoints);
    }

    [Fact]
    public void The_newest_checkpoint_is_kept_however_old_and_however_few_are_asked_for()
    {
        ListedCheckpoint[] checkpoints = [At(300, hoursAgo: 30), At(100, hoursAgo: 50), At(200, hoursAgo: 40)];

        var plan = StateLogPrunePlan.Choose(checkpoints, [299, 300, 301], Now, pruneSegments: true, keepCheckpoints: 1, PruneAfter);

        Assert.Equal([100L, 200L], plan.Checkpoints);
        // Every segment at or before the kept checkpoint may go; the one after it is the log's live end.
        Assert.Equal([299L, 300L], plan.Segments);
    }

    [Fact]
    public void Nothing_goes_while_every_checkpoint_is_young_and_no_more_than_keepCheckpoints_exist()
    {
        ListedCheckpoint[] checkpoints = [At(100, hoursAgo: 0.9), At(200, hoursAgo: 0.1)];

        var plan = StateLogPrunePlan.Choose(checkpoints, Enumerable.Range(1, 250).Select(i => (long)i), Now, pruneSegments: true, keepCheckpoints: 2, PruneAfter);

        Assert.True(plan.IsEmpty);
    }

    [Fact]
    public void With_pruneSegments_off_only_old_checkpoints_go()
    {
        ListedCheckpoint[] checkpoints = [At(100, hoursAgo: 3), At(200, hoursAgo: 2), At(300, hoursAgo: 1.5)];

        var plan = StateLogPrunePlan.Choose(checkpoints, Enumerable.Range(1, 300).Select(i => (long)i), Now, pruneSegments: false, keepCheckpoints: 2, PruneAfter);

        Assert.Empty(plan.Segments);
        Assert.Equal([100L], plan.Checkpoints);
    }

    [Fact]
    public void An_empty_log_and_a_log_without_checkpoints_prune_nothing()
    {
        Assert.True(StateLogPrunePlan.Choose([], [], Now, true, 2, PruneAfter).IsEmpty);
        Assert.True(StateLogPrunePlan.Choose([], [1, 2, 3], Now, true, 1, TimeSpan.Zero).IsEmpty);
    }

    [Fact]
    public void A_pruneAfter_of_zero_covers_up_to_the_newest_checkpoint_at_once()
    {
        Assert.Equal(300, StateLogPrunePlan.SegmentsCoveredUpTo([At(100, 1), At(300, 0)], Now, TimeSpan.Zero));
        Assert.Equal(100, StateLogPrunePlan.SegmentsCoveredUpTo([At(100, 1), At(300, 0)], Now, PruneAfter));
        Assert.Equal(0, StateLogPrunePlan.SegmentsCoveredUpTo([At(300, 0)], Now, PruneAfter));
    }

    private static ListedCheckpoint At(long sequence, double hoursAgo) => new(sequence, Now - TimeSpan.FromHours(hoursAgo));
}

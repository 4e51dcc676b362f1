using IngestWorker.Processing;

namespace IngestWorker.Tests;

/// <summary>When the worker gives a burst's memory back: once per idle spell, only after work, only once idle long enough.</summary>
public sealed class IdleTrackerTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 1, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan After = TimeSpan.FromSeconds(5);

    [Fact]
    public void A_worker_that_never_worked_releases_nothing()
    {
        var tracker = new IdleTracker(Start);
        Assert.False(tracker.TakeRelease(Start.AddMinutes(10), After));
    }

    [Fact]
    public void A_burst_is_released_once_after_the_idle_delay_and_not_while_blobs_are_in_flight()
    {
        var tracker = new IdleTracker(Start);
        tracker.Add(1, Start);
        tracker.Add(1, Start.AddSeconds(1));
        Assert.False(tracker.TakeRelease(Start.AddSeconds(30), After));

        tracker.Add(-1, Start.AddSeconds(2));
        Assert.False(tracker.TakeRelease(Start.AddSeconds(30), After));
        tracker.Add(-1, Start.AddSeconds(3));
        Assert.False(tracker.TakeRelease(Start.AddSeconds(7), After));
        Assert.True(tracker.TakeRelease(Start.AddSeconds(8), After));
        Assert.False(tracker.TakeRelease(Start.AddSeconds(60), After));

        tracker.Add(1, Start.AddSeconds(61));
        tracker.Add(-1, Start.AddSeconds(62));
        Assert.True(tracker.TakeRelease(Start.AddSeconds(67), After));
    }
}

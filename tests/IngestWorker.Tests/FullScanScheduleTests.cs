using IngestWorker.Triggers;

namespace IngestWorker.Tests;

public sealed class FullScanScheduleTests
{
    [Fact]
    public void The_first_listing_is_full_and_then_one_per_interval_from_the_start_of_the_last_that_went_through()
    {
        var clock = new ManualClock();
        var schedule = new FullScanSchedule(clock, TimeSpan.FromMinutes(1));
        Assert.True(schedule.IsDue);
        var started = schedule.Started();
        clock.Advance(TimeSpan.FromSeconds(10));
        schedule.Completed(started);
        Assert.False(schedule.IsDue);
        clock.Advance(TimeSpan.FromSeconds(49));
        Assert.False(schedule.IsDue);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(schedule.IsDue);
    }

    [Fact]
    public void A_full_listing_that_does_not_go_through_leaves_the_next_one_due()
    {
        var clock = new ManualClock();
        var schedule = new FullScanSchedule(clock, TimeSpan.FromMinutes(1));
        schedule.Completed(schedule.Started());
        clock.Advance(TimeSpan.FromMinutes(1));
        schedule.Started();
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True(schedule.IsDue);
    }

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}

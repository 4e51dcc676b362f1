using IngestWorker.Triggers;

namespace IngestWorker.Tests;

public sealed class InFlightVersionsTests
{
    [Fact]
    public async Task A_second_item_for_a_version_in_flight_waits_for_the_first_and_says_it_waited()
    {
        var versions = new InFlightVersions();
        var first = await versions.EnterAsync("a.txt", "\"0x1\"", CancellationToken.None);
        Assert.False(first.Waited);

        var second = versions.EnterAsync("a.txt", "\"0x1\"", CancellationToken.None).AsTask();
        var otherVersion = await versions.EnterAsync("a.txt", "\"0x2\"", CancellationToken.None);
        Assert.False(otherVersion.Waited);
        await Task.Delay(50);
        Assert.False(second.IsCompleted);

        first.Dispose();
        using (var entered = await second.WaitAsync(TimeSpan.FromSeconds(5)))
            Assert.True(entered.Waited);
        otherVersion.Dispose();
        Assert.Equal(0, versions.Count);
    }

    [Fact]
    public async Task Waiting_ends_when_the_worker_stops()
    {
        var versions = new InFlightVersions();
        using var first = await versions.EnterAsync("a.txt", "\"0x1\"", CancellationToken.None);
        using var stopping = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await versions.EnterAsync("a.txt", "\"0x1\"", stopping.Token));
    }
}

using IngestWorker.Storage;

namespace IngestWorker.Tests;

public class ListingPaceTests
{
    private static readonly TimeSpan Long = TimeSpan.FromHours(1);

    [Fact]
    public void With_no_blob_in_processing_the_next_page_is_asked_for_at_once()
    {
        var pace = new ListingPace(TimeProvider.System);

        Assert.True(pace.BeforeNextPageAsync(Long, default).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task The_next_page_waits_until_the_last_blob_in_processing_is_done()
    {
        var pace = new ListingPace(TimeProvider.System);
        var first = pace.BlobStarted();
        var second = pace.BlobStarted();

        var waiting = pace.BeforeNextPageAsync(Long, default).AsTask();
        first.Dispose();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        second.Dispose();
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, pace.InProcessing);
    }

    [Fact]
    public async Task The_wait_lasts_at_most_as_long_as_the_last_page_took()
    {
        var pace = new ListingPace(TimeProvider.System);
        using var busy = pace.BlobStarted();

        // Completes while the blob is still in processing.
        await pace.BeforeNextPageAsync(TimeSpan.FromMilliseconds(20), default).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, pace.InProcessing);
    }

    [Fact]
    public void The_first_page_of_a_listing_never_waits()
    {
        var pace = new ListingPace(TimeProvider.System);
        using var busy = pace.BlobStarted();

        Assert.True(pace.BeforeNextPageAsync(TimeSpan.Zero, default).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_stopped_listing_stops_waiting()
    {
        var pace = new ListingPace(TimeProvider.System);
        using var busy = pace.BlobStarted();
        using var stop = new CancellationTokenSource();

        var waiting = pace.BeforeNextPageAsync(Long, stop.Token).AsTask();
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_blob_handle_released_twice_counts_once_and_a_later_blob_makes_pages_wait_again()
    {
        var pace = new ListingPace(TimeProvider.System);
        var blob = pace.BlobStarted();
        blob.Dispose();
        blob.Dispose();
        Assert.Equal(0, pace.InProcessing);

        using var next = pace.BlobStarted();
        var waiting = pace.BeforeNextPageAsync(Long, default).AsTask();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        next.Dispose();
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
    }
}

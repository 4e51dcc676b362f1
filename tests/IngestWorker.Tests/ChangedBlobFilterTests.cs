using IngestWorker.Storage;
using IngestWorker.Triggers;

namespace IngestWorker.Tests;

public sealed class ChangedBlobFilterTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static InputBlob Blob(string name, string etag, DateTimeOffset modified) => new(name, etag, 10, modified);

    [Fact]
    public void Before_any_complete_listing_every_blob_is_new_until_handed_out()
    {
        var filter = new ChangedBlobFilter();
        var old = Blob("a", "\"1\"", T.AddYears(-3));
        Assert.True(filter.IsNew(old));
        filter.HandedOut(old);
        Assert.False(filter.IsNew(old));
        Assert.True(filter.IsNew(old with { ETag = "\"2\"" }));
    }

    [Fact]
    public void After_a_listing_only_blobs_modified_since_it_began_less_the_margin_are_new()
    {
        var filter = new ChangedBlobFilter();
        filter.ListingCompleted(T);
        Assert.Equal(T - ChangedBlobFilter.ClockMargin, filter.Since);
        Assert.False(filter.IsNew(Blob("old", "\"1\"", T - ChangedBlobFilter.ClockMargin - TimeSpan.FromSeconds(1))));
        Assert.True(filter.IsNew(Blob("edge", "\"1\"", T - ChangedBlobFilter.ClockMargin)));
        Assert.True(filter.IsNew(Blob("during", "\"1\"", T.AddSeconds(5))));
    }

    [Fact]
    public void A_blob_whose_upload_began_before_the_mark_is_not_new_to_a_listing_of_changes_but_unseen_to_a_full_one()
    {
        // Storage stamps Last-Modified when an upload begins: one that took longer than the margin
        // is listed for the first time after a listing that began during it went through.
        var filter = new ChangedBlobFilter();
        var slow = Blob("slow", "\"1\"", T);
        filter.ListingStarted(T + ChangedBlobFilter.ClockMargin + TimeSpan.FromSeconds(5));
        filter.ListingCompleted(T + ChangedBlobFilter.ClockMargin + TimeSpan.FromSeconds(5));
        Assert.True(filter.IsOlderThanSince(slow));
        Assert.False(filter.IsNew(slow));
        Assert.True(filter.IsUnseen(slow));
        filter.HandedOut(slow);
        Assert.False(filter.IsUnseen(slow));
        Assert.True(filter.IsUnseen(slow with { ETag = "\"2\"" }));
    }

    [Fact]
    public void Memory_holds_only_blobs_modified_since_the_last_listing_began()
    {
        var filter = new ChangedBlobFilter();
        for (var i = 0; i < 1000; i++)
            filter.HandedOut(Blob($"b{i}", "\"1\"", T.AddSeconds(i)));
        Assert.Equal(1000, filter.Remembered);
        filter.ListingCompleted(T.AddSeconds(1000) + ChangedBlobFilter.ClockMargin);
        Assert.Equal(0, filter.Remembered);
    }

    [Fact]
    public void A_stored_checkpoint_starts_the_filter_where_the_last_scanner_left_off_and_it_never_goes_back()
    {
        var filter = new ChangedBlobFilter(T);
        Assert.False(filter.IsNew(Blob("a", "\"1\"", T.AddSeconds(-1))));
        filter.ListingCompleted(T - TimeSpan.FromHours(1));
        Assert.Equal(T, filter.Since);
    }

    [Fact]
    public void What_a_listing_passes_is_remembered_only_if_the_next_listing_could_see_it_as_new()
    {
        var filter = new ChangedBlobFilter();
        filter.ListingStarted(T);
        var old = Blob("old", "\"1\"", T.AddDays(-30));
        var recent = Blob("recent", "\"1\"", T - ChangedBlobFilter.ClockMargin);
        var unknownAge = new InputBlob("unknown", "\"1\"", 10, null);
        for (var i = 0; i < 1000; i++)
            filter.PassedByListing(old with { Name = $"old{i}" });
        filter.PassedByListing(recent);
        filter.PassedByListing(unknownAge);

        Assert.Equal(2, filter.Remembered);
        Assert.False(filter.IsNew(recent));
        Assert.False(filter.IsNew(unknownAge));
        filter.ListingCompleted(T);
        Assert.False(filter.IsNew(old));
        Assert.False(filter.IsNew(recent));
        Assert.True(filter.IsNew(recent with { ETag = "\"2\"" }));
    }

    [Fact]
    public void A_blob_handed_out_while_a_listing_runs_is_remembered_whatever_its_age()
    {
        // Processing may end before the listing in progress reaches the name; forgetting the blob
        // would hand it out a second time.
        var filter = new ChangedBlobFilter();
        filter.ListingCompleted(T);
        filter.ListingStarted(T.AddMinutes(1));
        var betweenListings = Blob("b", "\"1\"", T.AddSeconds(10) - ChangedBlobFilter.ClockMargin);
        filter.HandedOut(betweenListings);
        Assert.False(filter.IsNew(betweenListings));
        filter.ListingCompleted(T.AddMinutes(1));
        Assert.Equal(0, filter.Remembered);
        Assert.False(filter.IsNew(betweenListings));
    }
}

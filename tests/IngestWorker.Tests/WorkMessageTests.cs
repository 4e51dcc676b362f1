using System.Text;
using IngestWorker.Triggers;

namespace IngestWorker.Tests;

/// <summary>Queue messages as Event Grid, a CloudEvents subscription and the scanner write them.</summary>
public sealed class WorkMessageTests
{
    [Fact]
    public void An_event_grid_blob_created_event_becomes_one_work_item_with_a_quoted_etag()
    {
        var parsed = WorkMessage.Parse(BinaryData.FromString(BlobEventSamples.EventGridBlobCreated("acct", "incoming", "news/a b.txt")), "incoming");
        Assert.Null(parsed.Error);
        var item = Assert.Single(parsed.Items);
        Assert.Equal(("incoming", "news/a b.txt", "\"0x8DCB2E4835CD0\"", 2048L), (item.Container, item.Name, item.ETag, item.ContentLength!.Value));
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 18, 41, 0, TimeSpan.Zero), item.LastModified!.Value.AddTicks(-(item.LastModified.Value.Ticks % TimeSpan.TicksPerSecond)));
    }

    [Fact]
    public void The_event_the_tools_post_in_place_of_event_grid_reads_back_as_the_blob_it_names()
    {
        var at = new DateTimeOffset(2026, 11, 22, 9, 30, 15, TimeSpan.Zero);
        var url = new Uri("http://127.0.0.1:10000/devstoreaccount1/incoming/news/a%20b.txt");
        var posted = WorkMessage.EventGridBlobCreated(url, "\"0x8DE0A1B2C3D4E5F\"", 1234, at);
        Assert.Contains("\"eTag\":\"0x8DE0A1B2C3D4E5F\"", posted, StringComparison.Ordinal);   // bare, as Event Grid writes it

        var item = Assert.Single(WorkMessage.Parse(BinaryData.FromString(posted), "incoming").Items);
        Assert.Equal(("incoming", "news/a b.txt", "\"0x8DE0A1B2C3D4E5F\"", 1234L, at), (item.Container, item.Name, item.ETag, item.ContentLength!.Value, item.LastModified!.Value));
        Assert.Empty(WorkMessage.Parse(BinaryData.FromString(posted), "other").Items);
    }

    [Fact]
    public void Base64_encoded_messages_are_read_like_plain_ones()
    {
        var text = BlobEventSamples.EventGridBlobCreated("acct", "incoming", "a.txt");
        var parsed = WorkMessage.Parse(BinaryData.FromString(Convert.ToBase64String(Encoding.UTF8.GetBytes(text))), "incoming");
        Assert.Equal("a.txt", Assert.Single(parsed.Items).Name);
    }

    [Fact]
    public void A_cloud_event_on_an_azurite_url_becomes_a_work_item()
    {
        var parsed = WorkMessage.Parse(BinaryData.FromString(BlobEventSamples.CloudEventBlobCreated("http://127.0.0.1:10000/devstoreaccount1/incoming/deep/x.html")), "incoming");
        var item = Assert.Single(parsed.Items);
        Assert.Equal(("incoming", "deep/x.html", 30699L), (item.Container, item.Name, item.ContentLength!.Value));
    }

    [Theory]
    [InlineData("incoming/a/%2E%2E/b.txt", "a/../b.txt")]
    [InlineData("incoming/%2E%2E/%2E%2E/cleaned/zz/victim.json", "../../cleaned/zz/victim.json")]
    [InlineData("incoming/trailing%2F", "trailing/")]
    [InlineData("incoming/pct%2525.txt", "pct%25.txt")]
    public void An_event_names_the_blob_as_stored_not_as_a_path_would_resolve(string path, string name)
    {
        // Resolved as a path, these would name another blob (a/../b.txt → b.txt), or one in another container.
        var parsed = WorkMessage.Parse(BinaryData.FromString(BlobEventSamples.CloudEventBlobCreated("http://127.0.0.1:10000/devstoreaccount1/" + path)), "incoming");
        Assert.Equal(name, Assert.Single(parsed.Items).Name);
    }

    [Fact]
    public void Events_that_are_not_new_input_blobs_are_ignored_with_the_reason()
    {
        var deleted = WorkMessage.Parse(BinaryData.FromString(BlobEventSamples.CloudEventBlobCreated("https://acct.blob.core.windows.net/incoming/a.txt", type: "Microsoft.Storage.BlobDeleted")), "incoming");
        Assert.Empty(deleted.Items);
        var ignoredDeletion = Assert.Single(deleted.Ignored);
        Assert.Equal(IgnoredWork.OtherEventType, ignoredDeletion.Kind);
        Assert.Contains("Microsoft.Storage.BlobDeleted", ignoredDeletion.Reason);

        var elsewhere = WorkMessage.Parse(BinaryData.FromString(BlobEventSamples.EventGridBlobCreated("acct", "cleaned", "a.txt.json")), "incoming");
        Assert.Empty(elsewhere.Items);
        var ignoredElsewhere = Assert.Single(elsewhere.Ignored);
        Assert.Equal(IgnoredWork.OtherContainer, ignoredElsewhere.Kind);
        Assert.Contains("'cleaned/a.txt.json'", ignoredElsewhere.Reason);
        Assert.Null(elsewhere.Error);
    }

    [Fact]
    public void A_batch_that_names_one_blob_version_twice_gives_one_item_and_a_duplicate()
    {
        // Event Grid retries a delivery; a block upload and its commit can both be reported.
        var first = BlobEventSamples.EventGridBlobCreated("acct", "incoming", "a.txt", etag: "0x8DC1", id: "1").Trim().Trim('[', ']');
        var again = BlobEventSamples.EventGridBlobCreated("acct", "incoming", "a.txt", etag: "0x8DC1", id: "2").Trim().Trim('[', ']');
        var newer = BlobEventSamples.EventGridBlobCreated("acct", "incoming", "a.txt", etag: "0x8DC2", id: "3").Trim().Trim('[', ']');
        var parsed = WorkMessage.Parse(BinaryData.FromString($"[{first},{again},{newer}]"), "incoming");
        Assert.Equal(["\"0x8DC1\"", "\"0x8DC2\""], parsed.Items.Select(i => i.ETag));
        var duplicate = Assert.Single(parsed.Ignored);
        Assert.Equal(IgnoredWork.Duplicate, duplicate.Kind);
        Assert.StartsWith("event 2 names 'a.txt' at ETag \"0x8DC1\" again", duplicate.Reason);
    }

    [Fact]
    public void A_batch_of_events_gives_one_item_per_blob_created()
    {
        var one = BlobEventSamples.EventGridBlobCreated("acct", "incoming", "a.txt", id: "1").Trim().Trim('[', ']');
        var two = BlobEventSamples.EventGridBlobCreated("acct", "incoming", "b.txt", id: "2").Trim().Trim('[', ']');
        var parsed = WorkMessage.Parse(BinaryData.FromString($"[{one},{two}]"), "incoming");
        Assert.Equal(["a.txt", "b.txt"], parsed.Items.Select(i => i.Name));
    }

    [Fact]
    public void The_scanners_own_message_round_trips()
    {
        var at = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
        var parsed = WorkMessage.Parse(BinaryData.FromString(WorkMessage.For("incoming", "a/ü.txt", "\"0x1\"", 12, at)), "incoming");
        Assert.Equal(new WorkItem("incoming", "a/ü.txt", "\"0x1\"", 12, at), Assert.Single(parsed.Items));
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"hello\": 1}")]
    [InlineData("[1, 2]")]
    [InlineData("{\"specversion\": \"1.0\"}")]
    [InlineData("{\"eventType\": 5}")]
    public void Unreadable_messages_say_why(string body)
    {
        var parsed = WorkMessage.Parse(BinaryData.FromString(body), "incoming");
        Assert.Empty(parsed.Items);
        Assert.False(string.IsNullOrEmpty(parsed.Error));
    }
}

using System.Text;
using IngestWorker.Triggers;

namespace IngestWorker.Tests;

/// <summary>Queue messages as Event Grid, a CloudEvents subscription and the scanner write them.</summary>
public sealed class WorkMessageTests
{
    // Shaped as Azure Storage publishes it (Event Grid schema), for a blob in folder news/.
    internal static string EventGridBlobCreated(string account, string container, string name, string etag = "0x8DCB2E4835CD0", string id = "831e1650-001e-001b-66ab-eeb76e069631") => $$"""
        [{
          "topic": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/news/providers/Microsoft.Storage/storageAccounts/{{account}}",
          "subject": "/blobServices/default/containers/{{container}}/blobs/{{name}}",
          "eventType": "Microsoft.Storage.BlobCreated",
          "eventTime": "2026-11-22T18:41:00.9584103Z",
          "id": "{{id}}",
          "data": {
            "api": "PutBlob",
            "clientRequestId": "6d79dbfb-0e37-4fc4-981f-442c9ca65760",
            "requestId": "831e1650-001e-001b-66ab-eeb76e000000",
            "eTag": "{{etag}}",
            "contentType": "text/plain",
            "contentLength": 2048,
            "blobType": "BlockBlob",
            "url": "https://{{account}}.blob.core.windows.net/{{container}}/{{Uri.EscapeDataString(name).Replace("%2F", "/")}}",
            "sequencer": "00000000000004420000000000028963",
            "storageDiagnostics": { "batchId": "b68529f3-68cd-4744-baa4-3c0498ec19f0" }
          },
          "dataVersion": "",
          "metadataVersion": "1"
        }]
        """;

    internal static string CloudEventBlobCreated(string url, string etag = "0x8DCB2E4835CD0", string type = WorkMessage.BlobCreated) => $$"""
        {
          "source": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/news/providers/Microsoft.Storage/storageAccounts/acct",
          "subject": "/blobServices/default/containers/incoming/blobs/a.txt",
          "type": "{{type}}",
          "time": "2026-11-22T18:41:00.9584103Z",
          "id": "9aeb0fdf-c01e-0131-0922-9eb54906e209",
          "data": {
            "api": "PutBlockList",
            "clientRequestId": "4c5dd7fb-2c48-4a27-bb30-5361b5de920a",
            "requestId": "9aeb0fdf-c01e-0131-0922-9eb549000000",
            "eTag": "{{etag}}",
            "contentType": "text/html",
            "contentLength": 30699,
            "blobType": "BlockBlob",
            "url": "{{url}}",
            "sequencer": "000000000000000000000000000099240000000000c41c18",
            "storageDiagnostics": { "batchId": "681fe319-3006-00a8-0022-9e7cde000000" }
          },
          "specversion": "1.0"
        }
        """;

    [Fact]
    public void An_event_grid_blob_created_event_becomes_one_work_item_with_a_quoted_etag()
    {
        var parsed = WorkMessage.Parse(BinaryData.FromString(EventGridBlobCreated("acct", "incoming", "news/a b.txt")), "incoming");
        Assert.Null(parsed.Error);
        var item = Assert.Single(parsed.Items);
        Assert.Equal(("incoming", "news/a b.txt", "\"0x8DCB2E4835CD0\"", 2048L), (item.Container, item.Name, item.ETag, item.ContentLength!.Value));
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 18, 41, 0, TimeSpan.Zero), item.LastModified!.Value.AddTicks(-(item.LastModified.Value.Ticks % TimeSpan.TicksPerSecond)));
    }

    [Fact]
    public void Base64_encoded_messages_are_read_like_plain_ones()
    {
        var text = EventGridBlobCreated("acct", "incoming", "a.txt");
        var parsed = WorkMessage.Parse(BinaryData.FromString(Convert.ToBase64String(Encoding.UTF8.GetBytes(text))), "incoming");
        Assert.Equal("a.txt", Assert.Single(parsed.Items).Name);
    }

    [Fact]
    public void A_cloud_event_on_an_azurite_url_becomes_a_work_item()
    {
        var parsed = WorkMessage.Parse(BinaryData.FromString(CloudEventBlobCreated("http://127.0.0.1:10000/devstoreaccount1/incoming/deep/x.html")), "incoming");
        var item = Assert.Single(parsed.Items);
        Assert.Equal(("incoming", "deep/x.html", 30699L), (item.Container, item.Name, item.ContentLength!.Value));
    }

    [Fact]
    public void Events_that_are_not_new_input_blobs_are_ignored_with_the_reason()
    {
        var deleted = WorkMessage.Parse(BinaryData.FromString(CloudEventBlobCreated("https://acct.blob.core.windows.net/incoming/a.txt", type: "Microsoft.Storage.BlobDeleted")), "incoming");
        Assert.Empty(deleted.Items);
        Assert.Contains("Microsoft.Storage.BlobDeleted", Assert.Single(deleted.Ignored));

        var elsewhere = WorkMessage.Parse(BinaryData.FromString(EventGridBlobCreated("acct", "cleaned", "a.txt.json")), "incoming");
        Assert.Empty(elsewhere.Items);
        Assert.Contains("'cleaned/a.txt.json'", Assert.Single(elsewhere.Ignored));
        Assert.Null(elsewhere.Error);
    }

    [Fact]
    public void A_batch_of_events_gives_one_item_per_blob_created()
    {
        var one = EventGridBlobCreated("acct", "incoming", "a.txt", id: "1").Trim().Trim('[', ']');
        var two = EventGridBlobCreated("acct", "incoming", "b.txt", id: "2").Trim().Trim('[', ']');
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

using IngestWorker.Storage;
using IngestWorker.Triggers;

namespace IngestWorker.Tests;

/// <summary>The note a given-back work message carries around its body: uncounted receptions and the last error.</summary>
public sealed class MessageRetryNoteTests
{
    [Fact]
    public void A_note_wraps_the_body_and_unwraps_to_the_same_body_and_note()
    {
        var body = BinaryData.FromString(WorkMessage.For("incoming", "a/ü \"quoted\".txt", "\"0x1\"", 42, null));
        var note = new MessageRetryNote(2, "System.InvalidOperationException", "boom <&> \"x\"");

        var (unwrapped, read) = MessageRetryNote.Unwrap(note.Wrap(body));

        Assert.Equal(body.ToString(), unwrapped.ToString());
        Assert.Equal(note, read);
    }

    [Fact]
    public void Attempts_carried_from_a_split_message_travel_with_the_note_and_count_with_the_receptions()
    {
        var body = BinaryData.FromString(WorkMessage.For("incoming", "a.txt", "\"0x1\"", 42, null));
        var note = new MessageRetryNote(1, "E", "boom", Carried: 3);

        var (_, read) = MessageRetryNote.Unwrap(note.Wrap(body));

        Assert.Equal(note, read);
        // Received for the fourth time, one reception given back: 3 − 1 + 3 carried.
        Assert.Equal(5, read.AttemptsBefore(4));
        Assert.Equal(3, new MessageRetryNote(0, null, null, Carried: 3).AttemptsBefore(1));
        Assert.Equal(0, MessageRetryNote.None.AttemptsBefore(1));
    }

    [Fact]
    public void A_body_without_a_note_is_read_as_it_is()
    {
        var body = BinaryData.FromString("[{\"eventType\":\"Microsoft.Storage.BlobCreated\"}]");

        var (unwrapped, note) = MessageRetryNote.Unwrap(body);

        Assert.Same(body, unwrapped);
        Assert.Equal(MessageRetryNote.None, note);
    }

    [Fact]
    public void A_wrapped_work_item_is_parsed_as_the_item_it_wraps()
    {
        var body = BinaryData.FromString(WorkMessage.For("incoming", "a.txt", "\"0x1\"", 42, null));

        var parsed = WorkMessage.Parse(new MessageRetryNote(1, null, null).Wrap(body), "incoming");

        Assert.Null(parsed.Error);
        Assert.Equal("a.txt", Assert.Single(parsed.Items).Name);
    }

    [Fact]
    public void A_message_body_can_still_hold_only_xml_safe_text_once_wrapped()
    {
        // Queue messages are XML text: control characters must travel escaped.
        var wrapped = new MessageRetryNote(0, "E", "line\u0001\nnext").Wrap(BinaryData.FromString("{\"a\":1}")).ToString();

        Assert.DoesNotContain('\u0001', wrapped);
        Assert.DoesNotContain('\n', wrapped);
    }

    [Fact]
    public void A_scanner_message_of_several_blobs_reads_back_as_its_items_in_order_and_one_item_as_a_lone_object()
    {
        WorkItem[] items = [new("incoming", "a.txt", "\"0x1\"", 10, null), new("incoming", "b/c.txt", "\"0x2\"", 20, DateTimeOffset.UnixEpoch), new("other", "d.txt", "\"0x3\"", 30, null)];

        var parsed = WorkMessage.Parse(BinaryData.FromString(WorkMessage.For(items)), "incoming");

        Assert.Null(parsed.Error);
        Assert.Equal(items[..2], parsed.Items);
        Assert.Single(parsed.Ignored);
        Assert.StartsWith("{", WorkMessage.For([items[0]]));
        Assert.Equal(items[0], Assert.Single(WorkMessage.Parse(BinaryData.FromString(WorkMessage.For([items[0]])), "incoming").Items));
    }
}

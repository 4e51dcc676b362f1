using IngestWorker.Storage;

namespace IngestWorker.Tests.Partitions;

public sealed class InflightPlannerTests
{
    private const int Threshold = 3;

    [Fact]
    public void A_first_batch_tries_every_blob_for_the_first_time_and_records_it_before_starting()
    {
        var plan = InflightPlanner.Plan(null, [new("a.txt", "\"1\""), new("b.txt", "\"2\"")], "w1", Threshold);

        Assert.Equal([new InflightAttempt("a.txt", "\"1\"", 1), new InflightAttempt("b.txt", "\"2\"", 1)], plan.Attempts);
        Assert.Empty(plan.Poison);
        Assert.Equal("w1", plan.Record.Owner);
        Assert.Equal([new InflightEntry("a.txt", "\"1\"", 1), new InflightEntry("b.txt", "\"2\"", 1)], plan.Record.Entries);
    }

    [Fact]
    public void A_leftover_record_of_a_dead_owner_counts_for_the_blobs_still_without_outcome()
    {
        // The previous owner died during a batch of a and b; b got its outcome before the crash.
        var leftover = new InflightRecord("dead", [new("a.txt", "\"1\"", 2), new("b.txt", "\"2\"", 1)]);
        var plan = InflightPlanner.Plan(leftover, [new("a.txt", "\"1\""), new("c.txt", "\"3\"")], "w2", Threshold,
            stillPending: (name, _) => name != "b.txt");

        Assert.Equal([new InflightAttempt("a.txt", "\"1\"", 3), new InflightAttempt("c.txt", "\"3\"", 1)], plan.Attempts);
        Assert.Equal(["a.txt", "c.txt"], plan.Record.Entries.Select(e => e.Name));
    }

    [Fact]
    public void A_blob_tried_threshold_times_is_poisoned_instead_of_tried_again()
    {
        var leftover = new InflightRecord("dead", [new("killer.txt", "\"9\"", Threshold), new("failing.txt", "\"8\"", Threshold, "System.IO.InvalidDataException", "bad gzip")]);
        var plan = InflightPlanner.Plan(leftover, [new("killer.txt", "\"9\""), new("failing.txt", "\"8\"")], "w2", Threshold);

        Assert.Empty(plan.Attempts);
        Assert.Equal(
            [
                new InflightPoison("killer.txt", "\"9\"", Threshold, InflightPlanner.WorkerStoppedType, InflightPlanner.WorkerStoppedMessage),
                new InflightPoison("failing.txt", "\"8\"", Threshold, "System.IO.InvalidDataException", "bad gzip"),
            ],
            plan.Poison);
        // Still recorded: a crash before the poison record is written leaves them to be poisoned by the next owner.
        Assert.Equal(leftover.Entries, plan.Record.Entries);
    }

    [Fact]
    public void A_blob_that_kills_every_worker_is_poisoned_after_threshold_attempts()
    {
        InflightRecord? stored = null;
        var tried = 0;
        for (var owner = 0; owner < 10; owner++)
        {
            var plan = InflightPlanner.Plan(stored, [new("killer.txt", "\"9\"")], $"w{owner}", Threshold);
            if (plan.Poison.Count > 0)
                break;
            tried++;
            stored = plan.Record; // written, then the worker dies mid-batch
        }
        Assert.Equal(Threshold, tried);
    }

    [Fact]
    public void A_changed_blob_starts_counting_afresh()
    {
        var leftover = new InflightRecord("dead", [new("a.txt", "\"old\"", Threshold)]);
        var plan = InflightPlanner.Plan(leftover, [new("a.txt", "\"new\"")], "w2", Threshold);
        Assert.Equal([new InflightAttempt("a.txt", "\"new\"", 1)], plan.Attempts);
        Assert.Empty(plan.Poison);
    }

    [Fact]
    public void Entries_outside_the_batch_keep_their_count_while_pending_and_leave_once_finished()
    {
        var carried = new InflightRecord("w1", [new("waiting.txt", "\"1\"", 2, "E", "e"), new("done.txt", "\"2\"", 1), new("gone.txt", "\"3\"", 1)]);
        var plan = InflightPlanner.Plan(carried, [new("new.txt", "\"4\"")], "w1", Threshold, stillPending: (name, _) => name == "waiting.txt");
        Assert.Equal(["new.txt", "waiting.txt"], plan.Record.Entries.Select(e => e.Name));
        Assert.Equal(new InflightEntry("waiting.txt", "\"1\"", 2, "E", "e"), plan.Record.Entries[1]);
    }

    [Fact]
    public void Settling_drops_finished_blobs_keeps_failures_with_their_error_and_gives_back_abandoned_attempts()
    {
        var record = InflightPlanner.Plan(new InflightRecord("w1", [new("again.txt", "\"4\"", 1, "E", "first")]),
            [new("ok.txt", "\"1\""), new("bad.txt", "\"2\""), new("cut.txt", "\"3\""), new("again.txt", "\"4\"")], "w1", Threshold).Record;
        InflightResult[] results =
        [
            new("ok.txt", "\"1\"", InflightOutcome.Finished),
            new("bad.txt", "\"2\"", InflightOutcome.Failed, "System.FormatException", "no"),
            new("cut.txt", "\"3\"", InflightOutcome.Abandoned),
            new("again.txt", "\"4\"", InflightOutcome.Abandoned),
        ];

        var settled = InflightPlanner.Settle(record, results);

        Assert.Equal(
            [new InflightEntry("bad.txt", "\"2\"", 1, "System.FormatException", "no"), new InflightEntry("again.txt", "\"4\"", 1, "E", "first")],
            settled.Entries);
        Assert.True(InflightPlanner.MustWriteNow(results));
        Assert.False(InflightPlanner.MustWriteNow(results[..2]));
        // The next batch of this owner counts from the settled record, without a read.
        var next = InflightPlanner.Plan(settled, [new("bad.txt", "\"2\"")], "w1", Threshold);
        Assert.Equal([new InflightAttempt("bad.txt", "\"2\"", 2)], next.Attempts);
    }

    [Fact]
    public void A_batch_naming_a_blob_twice_is_refused() =>
        Assert.Throws<ArgumentException>(() => InflightPlanner.Plan(null, [new("a", "\"1\""), new("a", "\"1\"")], "w", Threshold));

    [Fact]
    public void The_record_survives_its_codec_and_garbage_reads_as_nothing()
    {
        var record = new InflightRecord("vm/1/ab", [new("a/ü.txt", "\"0x8D\"", 2, "T", "m"), new("b", "\"1\"", 1)]);
        var back = InflightRecord.FromBinary(record.ToBinary());
        Assert.Equal(record.Owner, back!.Owner);
        Assert.Equal(record.Entries, back.Entries);
        Assert.Contains("\"etag\"", record.ToBinary().ToString());
        Assert.Null(InflightRecord.FromBinary(BinaryData.FromString("{not json")));
        Assert.Null(InflightRecord.FromBinary(BinaryData.FromString("{\"owner\":\"x\",\"entries\":[{\"name\":\"a\",\"etag\":\"1\",\"attempt\":0}]}")));
    }
}

using Azure.Storage.Blobs;
using IngestWorker.IntegrationTests.Infrastructure;
using IngestWorker.Options;
using IngestWorker.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace IngestWorker.IntegrationTests;

/// <summary>In-flight records of scan partitions in Azurite: the round trip and the ETag conditions that keep a former owner out.</summary>
public sealed class InflightRecordsTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string ScanKey = "1/incoming";
    private const int Threshold = 3;

    [Fact]
    public async Task A_record_round_trips_and_every_write_is_conditional_on_the_last_etag()
    {
        var (state, records) = await RecordsAsync();
        var first = new InflightRecord("w1", [new("a.txt", "\"0x1\"", 1), new("b/ü.txt", "\"0x2\"", 2, "System.FormatException", "bad")]);

        Assert.Equal(new InflightSnapshot(null, null), await records.ReadAsync(7, CancellationToken.None));
        var created = await records.TryWriteAsync(7, first, expected: null, CancellationToken.None);
        Assert.False(created.IsConflict);
        Assert.True(await state.GetBlobClient("inflight/1/incoming/007").ExistsAsync());

        var read = await records.ReadAsync(7, CancellationToken.None);
        Assert.Equal(created.ETag, read.ETag);
        Assert.Equal(first.Entries, read.Record!.Entries);

        // Create-only fails once it exists; a write against an old ETag fails; against the current one it succeeds.
        var second = first with { Entries = [new("c.txt", "\"0x3\"", 1)] };
        Assert.True((await records.TryWriteAsync(7, second, expected: null, CancellationToken.None)).IsConflict);
        var updated = await records.TryWriteAsync(7, second, read.ETag, CancellationToken.None);
        Assert.False(updated.IsConflict);
        Assert.True((await records.TryWriteAsync(7, first, read.ETag, CancellationToken.None)).IsConflict);
        Assert.False(await records.TryClearAsync(7, read.ETag!.Value, CancellationToken.None));
        Assert.True(await records.TryClearAsync(7, updated.ETag!.Value, CancellationToken.None));
        Assert.Equal(new InflightSnapshot(null, null), await records.ReadAsync(7, CancellationToken.None));
    }

    [Fact]
    public async Task Of_two_owners_creating_the_same_record_one_wins()
    {
        var (_, records) = await RecordsAsync();
        var writes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            records.TryWriteAsync(3, new InflightRecord($"w{i}", [new("a.txt", "\"1\"", 1)]), expected: null, CancellationToken.None)));
        Assert.Single(writes, w => !w.IsConflict);
    }

    [Fact]
    public async Task A_retry_that_meets_its_own_earlier_write_counts_as_written_but_another_owners_write_is_a_conflict()
    {
        var (_, records) = await RecordsAsync();
        var mine = new InflightRecord("w1", [new("a.txt", "\"1\"", 1)]);
        await records.TryWriteAsync(4, mine, expected: null, CancellationToken.None);

        // As if the first answer had been lost and the same write sent again.
        var again = await records.TryWriteAsync(4, mine, expected: null, CancellationToken.None);
        Assert.False(again.IsConflict);
        Assert.Equal((await records.ReadAsync(4, CancellationToken.None)).ETag, again.ETag);
        Assert.True((await records.TryWriteAsync(4, mine with { Owner = "w2" }, expected: null, CancellationToken.None)).IsConflict);
    }

    [Fact]
    public async Task A_new_owner_counts_the_dead_owners_attempts_and_the_old_owner_can_no_longer_write()
    {
        var (_, records) = await RecordsAsync();
        const int partition = 12;

        // Owner 1 starts a batch of three and dies after b.txt got its outcome.
        var start = await records.ReadAsync(partition, CancellationToken.None);
        var plan1 = InflightPlanner.Plan(start.Record, [new("a.txt", "\"1\""), new("b.txt", "\"2\""), new("killer.txt", "\"3\"")], "w1", Threshold);
        var written1 = await records.TryWriteAsync(partition, plan1.Record, start.ETag, CancellationToken.None);
        Assert.False(written1.IsConflict);

        // Owner 2 takes the partition over: reads the leftover first.
        var leftover = await records.ReadAsync(partition, CancellationToken.None);
        var plan2 = InflightPlanner.Plan(leftover.Record, [new("a.txt", "\"1\""), new("killer.txt", "\"3\"")], "w2", Threshold,
            stillPending: (name, _) => name != "b.txt");
        Assert.Equal([new InflightAttempt("a.txt", "\"1\"", 2), new InflightAttempt("killer.txt", "\"3\"", 2)], plan2.Attempts);
        var written2 = await records.TryWriteAsync(partition, plan2.Record, leftover.ETag, CancellationToken.None);
        Assert.False(written2.IsConflict);

        // Owner 1 was only frozen: its settled record must not overwrite owner 2's.
        var settled1 = InflightPlanner.Settle(plan1.Record, [new("a.txt", "\"1\"", InflightOutcome.Abandoned)]);
        Assert.True((await records.TryWriteAsync(partition, settled1, written1.ETag, CancellationToken.None)).IsConflict);

        // killer.txt kills owner 2 as well, and owner 3; owner 4 poisons it.
        var etag = written2.ETag;
        for (var owner = 3; owner <= 4; owner++)
        {
            var snapshot = await records.ReadAsync(partition, CancellationToken.None);
            Assert.Equal(etag, snapshot.ETag);
            var plan = InflightPlanner.Plan(snapshot.Record, [new("killer.txt", "\"3\"")], $"w{owner}", Threshold, stillPending: (name, _) => name == "killer.txt");
            if (owner == 4)
            {
                Assert.Empty(plan.Attempts);
                Assert.Equal([new InflightPoison("killer.txt", "\"3\"", Threshold, InflightPlanner.WorkerStoppedType, InflightPlanner.WorkerStoppedMessage)], plan.Poison);
                break;
            }
            Assert.Equal(3, Assert.Single(plan.Attempts).Attempt);
            etag = (await records.TryWriteAsync(partition, plan.Record, snapshot.ETag, CancellationToken.None)).ETag;
        }
    }

    private async Task<(BlobContainerClient State, BlobInflightRecords Records)> RecordsAsync()
    {
        var containers = new TestContainers(azurite);
        await containers.State.CreateIfNotExistsAsync();
        var retry = Microsoft.Extensions.Options.Options.Create(new RetryOptions { MinimumInterval = TimeSpan.FromMilliseconds(10) });
        var resilience = new StorageResilience(retry, NullLogger<StorageResilience>.Instance);
        return (containers.State, new BlobInflightRecords(containers.State, resilience, ScanKey, NullLogger<BlobInflightRecords>.Instance));
    }
}

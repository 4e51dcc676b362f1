using Azure.Storage.Blobs.Models;
using IngestWorker.IntegrationTests.Infrastructure;
using IngestWorker.Options;
using IngestWorker.Storage;
using IngestWorker.Triggers.Partitions;
using Microsoft.Extensions.Logging.Abstractions;
using IngestWorker.Text.Pipeline;
using Microsoft.Extensions.DependencyInjection;

namespace IngestWorker.IntegrationTests;

public sealed class ShutdownTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Stopping_lets_a_blob_in_flight_finish_within_the_shutdown_timeout()
    {
        var containers = new TestContainers(azurite);
        var slow = new SlowStage(TimeSpan.FromSeconds(2));
        var worker = await TestWorker.StartAsync(containers, new Dictionary<string, string?>
        {
            ["ingestWorker:shutdownTimeout"] = "00:00:20",
        }, services => services.AddSingleton(new TextPipeline([slow])));

        await containers.UploadAsync("slow.txt", "Takes a while.");
        await slow.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await worker.DisposeAsync();

        var outcome = await containers.WaitForOutcomeAsync("slow.txt", timeout: TimeSpan.Zero);
        Assert.Equal("accepted", outcome.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_blob_still_in_flight_at_the_shutdown_timeout_is_given_back_uncounted_and_finished_by_the_next_worker()
    {
        var containers = new TestContainers(azurite);
        var stuck = new SlowStage(TimeSpan.FromMinutes(5));
        var worker = await TestWorker.StartAsync(containers, new Dictionary<string, string?>
        {
            ["ingestWorker:shutdownTimeout"] = "00:00:01",
        }, services => services.AddSingleton(new TextPipeline([stuck])));

        await containers.UploadAsync("stuck.txt", TestTexts.Article("never finishes in this worker"));
        await stuck.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await worker.DisposeAsync();

        Assert.Empty(await containers.OutcomesAsync());
        // Scan mode keeps no claim record: the attempt was counted in the partition's in-flight
        // record before the work began, and given back (written at once) when it was abandoned.
        Assert.Empty(await containers.State.GetBlobsAsync(new GetBlobsOptions { Prefix = "claims/" }).ToListAsync());
        var record = await InflightRecordOfAsync(containers, "stuck.txt");
        Assert.NotNull(record);
        Assert.DoesNotContain(record.Entries, e => e.Name == "stuck.txt");

        // The partitions were released, so the next worker takes them at once, without waiting for them to expire.
        await using var next = await TestWorker.StartAsync(containers);
        var outcome = await containers.WaitForOutcomeAsync("stuck.txt", timeout: TimeSpan.FromSeconds(10));
        Assert.Equal("accepted", outcome.GetProperty("status").GetString());
        Assert.Equal(1, Assert.Single(await next.WaitForOutcomeLinesAsync(1)).Scope["Attempt"]);
    }

    [Fact]
    public async Task An_attempt_left_by_a_dead_worker_in_the_inflight_record_is_counted_and_completed_by_the_next()
    {
        var containers = new TestContainers(azurite);
        var uploaded = await containers.UploadAsync("orphan.txt", TestTexts.Article("orphan"));
        // What a worker killed mid-blob leaves behind: its partition's in-flight record with one
        // attempt counted, and no outcome (its ownership lapses; here no table was ever written).
        await containers.State.CreateIfNotExistsAsync();
        var partition = PartitionHash.Of("orphan.txt", new PartitionOptions().Count);
        var records = new BlobInflightRecords(containers.State, Resilience(), ScanKey(containers), NullLogger<BlobInflightRecords>.Instance);
        Assert.False((await records.TryWriteAsync(partition, new InflightRecord("dead/1/0", [new("orphan.txt", uploaded.ETag.ToString("H"), 1)]), null, CancellationToken.None)).IsConflict);

        await using var worker = await TestWorker.StartAsync(containers);
        var outcome = await containers.WaitForOutcomeAsync("orphan.txt", timeout: TimeSpan.FromSeconds(45));

        Assert.Equal("accepted", outcome.GetProperty("status").GetString());
        var finished = Assert.Single(await worker.WaitForOutcomeLinesAsync(1));
        Assert.Equal(2, finished.Scope["Attempt"]);
        Assert.Empty(await containers.State.GetBlobsAsync(new GetBlobsOptions { Prefix = "claims/" }).ToListAsync());
    }

    private static string ScanKey(TestContainers containers) => PartitionTableNames.ScanKey("1", containers.Input.Name);

    private static StorageResilience Resilience() =>
        new(Microsoft.Extensions.Options.Options.Create(new RetryOptions()), NullLogger<StorageResilience>.Instance);

    /// <summary>The in-flight record of the partition of <paramref name="name"/>, as stored (null: none).</summary>
    internal static async Task<InflightRecord?> InflightRecordOfAsync(TestContainers containers, string name)
    {
        var records = new BlobInflightRecords(containers.State, Resilience(), ScanKey(containers), NullLogger<BlobInflightRecords>.Instance);
        return (await records.ReadAsync(PartitionHash.Of(name, new PartitionOptions().Count), CancellationToken.None)).Record;
    }

    private sealed class SlowStage(TimeSpan delay) : IPipelineStage
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => "slow";

        public async ValueTask<StageVerdict> ProcessAsync(PipelineDocument document, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            await Task.Delay(delay, cancellationToken);
            document.Text = "done";
            return StageVerdict.Continue;
        }
    }
}

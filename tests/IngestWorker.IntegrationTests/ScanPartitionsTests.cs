using Azure.Storage.Blobs.Models;
using IngestWorker.IntegrationTests.Infrastructure;
using IngestWorker.Storage;
using IngestWorker.Triggers.Partitions;
using Microsoft.Extensions.DependencyInjection;

namespace IngestWorker.IntegrationTests;

/// <summary>
/// Scan mode without a claim per blob (docs/partitions.md): workers share the input container by
/// name-hash partitions, and attempts are counted in each partition's in-flight record, so a blob
/// that kills its worker is still poisoned, and no blob is processed by two workers.
/// </summary>
public sealed class ScanPartitionsTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const int Threshold = 2;

    [Fact]
    public async Task A_blob_that_kills_its_worker_every_time_is_poisoned_from_the_inflight_record_and_no_claim_is_written()
    {
        var containers = new TestContainers(azurite);
        await containers.CreateInputAsync();
        await containers.UploadAsync("fine.txt", TestTexts.Article("a blob that does not kill anyone"));
        var killer = await containers.UploadAsync("killer.txt", TestTexts.Article("a blob that kills its worker"));
        // Reading killer.txt never returns: each worker is killed (SIGKILL) while it reads it,
        // after its attempt was counted and before anything else about the blob was written.
        await using var proxy = FaultProxy.Start(azurite.ConnectionString);
        proxy.Targets = (method, path) => method == "GET" && IsKillerRead(path);
        proxy.Kinds = [FaultKind.Timeout];
        proxy.TimeoutHold = TimeSpan.FromMinutes(5);
        proxy.FaultRate = 1;
        var settings = containers.Settings();
        settings["AzureWebJobsStorage"] = proxy.ConnectionString;
        settings["extensions:blobs:poisonBlobThreshold"] = Threshold.ToString(System.Globalization.CultureInfo.InvariantCulture);

        for (var attempt = 1; attempt <= Threshold; attempt++)
        {
            var readsBefore = KillerReads();
            using var worker = WorkerProcess.Start(settings);
            // The next worker takes the dead one's partitions once their ownership expires (15 s here).
            await WaitUntilAsync(() => KillerReads() > readsBefore, TimeSpan.FromSeconds(90), () => string.Join('\n', worker.Output));
            var record = await ShutdownTests.InflightRecordOfAsync(containers, "killer.txt");
            Assert.Equal(attempt, Assert.Single(record!.Entries, e => e.Name == "killer.txt").Attempt);
            worker.Kill();
        }

        using var last = WorkerProcess.Start(settings);
        var poison = await containers.WaitForOutcomeAsync("killer.txt", timeout: TimeSpan.FromSeconds(90));
        last.Terminate();
        await last.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("failed", poison.GetProperty("status").GetString());
        Assert.Equal(killer.ETag.ToString("H"), poison.GetProperty("source").GetProperty("etag").GetString());
        var error = poison.GetProperty("error");
        Assert.Equal(Threshold, error.GetProperty("attempts").GetInt32());
        Assert.Equal(InflightPlanner.WorkerStoppedType, error.GetProperty("type").GetString());
        // The last worker never tried to read it again: the record said its attempts were used up.
        Assert.Equal(Threshold, KillerReads());
        // Every blob has its one outcome, and scan mode wrote no claim record for any of them.
        Assert.Equal(["fine.txt.json", "killer.txt.json"], (await containers.OutcomesAsync()).Select(o => o.Name).Order());
        Assert.Empty(await containers.State.GetBlobsAsync(new GetBlobsOptions { Prefix = "claims/" }).ToListAsync());
        Assert.NotEmpty(await containers.State.GetBlobsAsync(new GetBlobsOptions { Prefix = "inflight/" }).ToListAsync());

        bool IsKillerRead(string path) => path.EndsWith($"/{containers.Input.Name}/killer.txt", StringComparison.Ordinal);
        int KillerReads() => proxy.Requests.Count(r => r.Method == "GET" && IsKillerRead(r.Path));
    }

    [Fact]
    public async Task Two_workers_split_the_partitions_and_no_blob_is_processed_twice()
    {
        var containers = new TestContainers(azurite);
        await using var a = await TestWorker.StartAsync(containers);
        await using var b = await TestWorker.StartAsync(containers);
        var ownershipA = a.Services.GetRequiredService<PartitionOwnership>();
        var ownershipB = b.Services.GetRequiredService<PartitionOwnership>();
        // The second worker asks for one partition per cycle until the split is even.
        await WaitUntilAsync(() => ownershipA.Owned.Count == 8 && ownershipB.Owned.Count == 8, TimeSpan.FromSeconds(60),
            () => $"A owns {ownershipA.Owned.Count}, B owns {ownershipB.Owned.Count}");
        Assert.Empty(ownershipA.Owned.Intersect(ownershipB.Owned));

        var names = Enumerable.Range(0, 160).Select(i => $"split/{i % 5}/file-{i:D3}.txt").ToList();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (name, _) =>
            await containers.UploadAsync(name, TestTexts.Article(name)));
        await containers.WaitForOutcomesAsync(names.Count, TimeSpan.FromSeconds(120));
        await a.WaitForScansAsync(2);
        await b.WaitForScansAsync(2);

        var byA = a.OutcomeLines().Select(l => (string)l.Scope["BlobName"]!).ToList();
        var byB = b.OutcomeLines().Select(l => (string)l.Scope["BlobName"]!).ToList();
        // Each blob was finished once, by one worker: the one owning its partition.
        Assert.Equal(names.Order(), byA.Concat(byB).Order());
        Assert.NotEmpty(byA);
        Assert.NotEmpty(byB);
        Assert.All(byA, n => Assert.Contains(ownershipA.PartitionOf(n), ownershipA.Owned));
        Assert.All(byB, n => Assert.Contains(ownershipB.PartitionOf(n), ownershipB.Owned));
        Assert.All(a.OutcomeLines().Concat(b.OutcomeLines()), l => Assert.Equal(1, l.Scope["Attempt"]));
        Assert.Equal(names.Count, (await containers.OutcomesAsync()).Count);
        Assert.Empty(await containers.State.GetBlobsAsync(new GetBlobsOptions { Prefix = "claims/" }).ToListAsync());
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> explain)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Not so within {timeout}: {explain()}");
            await Task.Delay(100);
        }
    }
}

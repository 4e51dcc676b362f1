using IngestWorker.IntegrationTests.Infrastructure;
using IngestWorker.Options;
using IngestWorker.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace IngestWorker.IntegrationTests;

/// <summary>The site-template counts in blob storage, shared by separate worker processes (separate index instances here).</summary>
public sealed class SiteTemplateIndexTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Counts_are_per_distinct_document_survive_a_new_instance_and_are_shared_between_instances()
    {
        var containers = new TestContainers(azurite);
        await containers.State.CreateIfNotExistsAsync();
        var first = Index(containers);
        var second = Index(containers);

        await first.ObserveAsync("site:example.org", "a.html", [1, 2], CancellationToken.None);
        await second.ObserveAsync("site:example.org", "b.html", [1, 3], CancellationToken.None);
        // Seeing a document again (a retry, a reprocessing) does not count it twice.
        await first.ObserveAsync("site:example.org", "a.html", [1, 2], CancellationToken.None);
        var counts = await Index(containers).ObserveAsync("site:example.org", "c.html", [1, 2, 3, 4], CancellationToken.None);

        Assert.Equal(new Dictionary<ulong, int> { [1] = 3, [2] = 2, [3] = 2, [4] = 1 }, counts);
        var other = await first.ObserveAsync("site:other.org", "a.html", [1], CancellationToken.None);
        Assert.Equal(1, other[1]);
    }

    [Fact]
    public async Task Concurrent_writers_lose_no_document()
    {
        var containers = new TestContainers(azurite);
        await containers.State.CreateIfNotExistsAsync();
        var instances = Enumerable.Range(0, 3).Select(_ => Index(containers)).ToArray();

        await Parallel.ForEachAsync(Enumerable.Range(0, 60), new ParallelOptions { MaxDegreeOfParallelism = 12 }, async (i, ct) =>
            await instances[i % 3].ObserveAsync("folder:incoming/news", $"doc-{i}.txt", [42UL, (ulong)(1000 + i)], ct));

        var counts = await Index(containers).ObserveAsync("folder:incoming/news", "last.txt", [42UL], CancellationToken.None);
        Assert.Equal(61, counts[42]);
    }

    [Fact]
    public async Task Three_busy_processes_on_one_site_all_get_their_turn()
    {
        // As three worker processes of 16 blobs each, all from one site: the process that just
        // wrote has the current version cached and writes again at once, while the others must
        // read first. Without a pause after a conflict the same process keeps winning, and another
        // gives up after its last allowed conflict (seen as failed attempts in the scale-out bench).
        var containers = new TestContainers(azurite);
        await containers.State.CreateIfNotExistsAsync();
        var instances = Enumerable.Range(0, 3).Select(_ => Index(containers)).ToArray();
        const int Documents = 600;

        await Task.WhenAll(instances.Select((index, p) => Parallel.ForEachAsync(Enumerable.Range(0, Documents / 3), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await index.ObserveAsync("folder:incoming/busy", $"doc-{p}-{i}.txt", [7UL], ct))));

        var counts = await Index(containers).ObserveAsync("folder:incoming/busy", "last.txt", [7UL], CancellationToken.None);
        Assert.Equal(Documents + 1, counts[7]);
    }

    private static BlobSiteTemplateIndex Index(TestContainers containers)
    {
        var options = new IngestWorkerOptions();
        options.Containers.State = containers.State.Name;
        var wrapped = Microsoft.Extensions.Options.Options.Create(options);
        var retry = Microsoft.Extensions.Options.Options.Create(new RetryOptions { MinimumInterval = TimeSpan.FromMilliseconds(10) });
        var service = StorageClientFactory.CreateBlobServiceClient(new StorageOptions { ConnectionString = containers.ConnectionString }, retry.Value);
        return new BlobSiteTemplateIndex(new IngestContainers(service, wrapped), new StorageResilience(retry, NullLogger<StorageResilience>.Instance), wrapped);
    }
}

using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace IngestWorker.IntegrationTests.Infrastructure;

/// <summary>A fresh set of the worker's containers for one test, so tests never see each other's blobs.</summary>
public sealed class TestContainers
{
    public TestContainers(AzuriteFixture azurite)
        : this(azurite.ConnectionString, azurite.BlobService)
    {
    }

    public TestContainers(Azurite azurite)
        : this(azurite.ConnectionString, azurite.BlobService)
    {
    }

    private TestContainers(string connectionString, BlobServiceClient service)
    {
        // Container names: lower case, ≤ 63 characters, unique per test.
        Prefix = "t" + Guid.NewGuid().ToString("N")[..10];
        Service = service;
        ConnectionString = connectionString;
        Input = Service.GetBlobContainerClient(Prefix + "-incoming");
        Accepted = Service.GetBlobContainerClient(Prefix + "-cleaned");
        Rejected = Service.GetBlobContainerClient(Prefix + "-rejected");
        Poison = Service.GetBlobContainerClient(Prefix + "-poison");
        State = Service.GetBlobContainerClient(Prefix + "-state");
    }

    public string Prefix { get; }
    public string ConnectionString { get; }
    public BlobServiceClient Service { get; }
    public BlobContainerClient Input { get; }
    public BlobContainerClient Accepted { get; }
    public BlobContainerClient Rejected { get; }
    public BlobContainerClient Poison { get; }
    public BlobContainerClient State { get; }

    /// <summary>The configuration that points a worker at these containers.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["AzureWebJobsStorage"] = ConnectionString,
        ["ingestWorker:containers:input"] = Input.Name,
        ["ingestWorker:containers:accepted"] = Accepted.Name,
        ["ingestWorker:containers:rejected"] = Rejected.Name,
        ["ingestWorker:containers:poison"] = Poison.Name,
        ["ingestWorker:containers:state"] = State.Name,
        // Fast scans keep the tests short; the defaults are for production.
        ["ingestWorker:trigger:pollingInterval"] = "00:00:00.250",
        ["ingestWorker:trigger:claimDuration"] = "00:00:15",
        ["ingestWorker:trigger:failedBlobRetryDelay"] = "00:00:00.100",
        // A killed scan worker's partitions are taken over after ownershipExpiry: 15 s, not half a
        // minute. Not shorter: on a loaded machine a renewal can take seconds, and one that does not
        // get through within the interval stops the worker's own work.
        ["ingestWorker:partitions:renewalInterval"] = "00:00:05",
        ["ingestWorker:partitions:ownershipExpiry"] = "00:00:15",
        ["retry:minimumInterval"] = "00:00:00.050",
        ["retry:maximumInterval"] = "00:00:01",
    };

    public async Task CreateInputAsync() => await Input.CreateIfNotExistsAsync();

    public async Task<BlobContentInfo> UploadAsync(string name, string text) => await UploadAsync(name, Encoding.UTF8.GetBytes(text));

    public async Task<BlobContentInfo> UploadAsync(string name, byte[] content)
    {
        await CreateInputAsync();
        return (await Input.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(content), overwrite: true)).Value;
    }

    /// <summary>Every outcome document of every input, by container, as the worker left them.</summary>
    /// <summary>
    /// An accepted outcome of the input version written directly, with the metadata the worker's
    /// outcome writer stores (its document reduced to <c>{}</c>): a finished input, for tests that
    /// need thousands (processing them would take minutes).
    /// </summary>
    public async Task WriteOutcomeAsync(string inputName, string inputETag, CancellationToken cancellationToken = default, string pipelineVersion = "1")
    {
        await Accepted.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var metadata = new Dictionary<string, string>
        {
            [IngestWorker.Storage.BlobOutcomeWriter.SourceETagKey] = IngestWorker.Storage.BlobNames.BareETag(inputETag),
            [IngestWorker.Storage.BlobOutcomeWriter.PipelineVersionKey] = pipelineVersion,
            [IngestWorker.Storage.BlobOutcomeWriter.StatusKey] = "accepted",
            [IngestWorker.Storage.BlobOutcomeWriter.ReasonsKey] = "",
        };
        await Accepted.GetBlobClient(IngestWorker.Storage.BlobNames.Output(inputName))
            .UploadAsync(BinaryData.FromString("{}"), new BlobUploadOptions { Metadata = metadata }, cancellationToken);
    }

    public async Task<List<Outcome>> OutcomesAsync()
    {
        var outcomes = new List<Outcome>();
        foreach (var container in new[] { Accepted, Rejected, Poison })
        {
            if (!(await container.ExistsAsync()).Value)
                continue;
            await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata }))
                outcomes.Add(new Outcome(container.Name, item.Name, item.Properties.ETag!.Value.ToString(), container));
        }
        return outcomes;
    }

    /// <summary>Waits until <paramref name="count"/> outcomes exist, or fails after <paramref name="timeout"/>.</summary>
    public async Task<List<Outcome>> WaitForOutcomesAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        List<Outcome> outcomes;
        while ((outcomes = await OutcomesAsync()).Count < count)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Expected {count} outcomes, found {outcomes.Count}: {string.Join(", ", outcomes.Select(o => o.Container + "/" + o.Name).Take(20))}");
            await Task.Delay(100);
        }
        return outcomes;
    }

    /// <summary>Waits for the outcome of one input (any container) that satisfies <paramref name="until"/>.</summary>
    public async Task<JsonElement> WaitForOutcomeAsync(string inputName, Func<JsonElement, bool>? until = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            foreach (var container in new[] { Accepted, Rejected, Poison })
            {
                var blob = container.GetBlobClient(inputName + ".json");
                if (!(await blob.ExistsAsync()).Value)
                    continue;
                JsonElement document;
                try
                {
                    document = JsonDocument.Parse((await blob.DownloadContentAsync()).Value.Content.ToMemory()).RootElement.Clone();
                }
                catch (Azure.RequestFailedException e) when (e.Status == 404)
                {
                    continue;
                }
                if (until is null || until(document))
                    return document;
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"No outcome for {inputName} within the time limit.");
            await Task.Delay(100);
        }
    }
}

public sealed record Outcome(string Container, string Name, string ETag, BlobContainerClient Client);

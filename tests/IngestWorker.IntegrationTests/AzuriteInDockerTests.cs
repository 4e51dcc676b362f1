using System.Net;
using IngestWorker.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace IngestWorker.IntegrationTests;

/// <summary>
/// The Docker backend itself: Azurite's image started through Testcontainers serves blobs and the
/// worker, on loopback ports. Runs where a Docker engine on this machine answers; skipped, saying
/// why, elsewhere.
/// </summary>
public sealed class AzuriteInDockerTests(ITestOutputHelper output)
{
    [DockerFact]
    public async Task Azurite_in_docker_serves_the_worker()
    {
        // A value the fixture would refuse fails here too, with the same words.
        _ = AzuriteBackend.Forced(Environment.GetEnvironmentVariable(AzuriteBackend.ForceVariable));
        await using var azurite = await Azurite.StartInDockerAsync();
        output.WriteLine($"{AzuriteImage.Name} through Testcontainers ({DockerEngine.Local.Reason}); blobs at {azurite.BlobEndpoint}, queues at {azurite.QueueEndpoint}");
        Assert.True(IPAddress.IsLoopback(IPAddress.Parse(azurite.BlobEndpoint.Host)));
        Assert.True(IPAddress.IsLoopback(IPAddress.Parse(azurite.QueueEndpoint.Host)));

        var containers = new TestContainers(azurite);
        var roundTrip = containers.Service.GetBlobContainerClient(containers.Prefix + "-roundtrip");
        await roundTrip.CreateAsync();
        await roundTrip.GetBlobClient("hello.txt").UploadAsync(BinaryData.FromString("hello from the container"));
        Assert.Equal("hello from the container", (await roundTrip.GetBlobClient("hello.txt").DownloadContentAsync()).Value.Content.ToString());

        await using var worker = await TestWorker.StartAsync(containers);
        await containers.UploadAsync("docker/article.txt", TestTexts.Article("docker"));
        var outcome = await containers.WaitForOutcomeAsync("docker/article.txt");

        Assert.Equal("accepted", outcome.GetProperty("status").GetString());
        Assert.Single(await worker.WaitForOutcomeLinesAsync(1));
    }
}

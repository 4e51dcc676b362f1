using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using IngestWorker.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace IngestWorker.IntegrationTests;

/// <summary>
/// <see cref="FaultProxy"/> between a storage client and Azurite: errors, hung requests and
/// requests that took effect although the client was told they failed.
/// </summary>
public sealed class FaultInjectionTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Without_faults_the_proxy_passes_uploads_downloads_leases_listings_and_errors_through_unchanged()
    {
        await using var proxy = FaultProxy.Start(azurite.ConnectionString);
        var service = ClientWithoutRetries(proxy.ConnectionString);
        var container = service.GetBlobContainerClient(UniqueContainerName());
        await container.CreateAsync();
        // Larger than the proxy's read buffer, and a name that needs escaping.
        var content = RandomNumberGenerator.GetBytes(300_000);
        var blob = container.GetBlobClient("folder/a name@with+signs.bin");

        await blob.UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions
        {
            Metadata = new Dictionary<string, string> { ["origin"] = "proxy" },
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/octet-stream" },
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
        });

        Assert.Equal(content, (await blob.DownloadContentAsync()).Value.Content.ToArray());
        var properties = (await blob.GetPropertiesAsync()).Value;
        Assert.Equal(content.Length, properties.ContentLength);
        Assert.Equal("proxy", properties.Metadata["origin"]);
        Assert.Equal("application/octet-stream", properties.ContentType);
        var direct = azurite.BlobService.GetBlobContainerClient(container.Name).GetBlobClient(blob.Name);
        Assert.Equal(content, (await direct.DownloadContentAsync()).Value.Content.ToArray());
        // Storage's own refusals come back as storage worded them.
        var conflict = await Assert.ThrowsAsync<RequestFailedException>(() => blob.UploadAsync(BinaryData.FromBytes(content),
            new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }));
        Assert.Equal((409, "BlobAlreadyExists"), (conflict.Status, conflict.ErrorCode));
        var missing = await Assert.ThrowsAsync<RequestFailedException>(() => container.GetBlobClient("missing").GetPropertiesAsync());
        Assert.Equal((404, "BlobNotFound"), (missing.Status, missing.ErrorCode));
        var lease = blob.GetBlobLeaseClient();
        await lease.AcquireAsync(TimeSpan.FromSeconds(15));
        await lease.ReleaseAsync();
        Assert.Equal([blob.Name], await container.GetBlobsAsync().Select(b => b.Name).ToListAsync());
        await container.DeleteAsync();

        Assert.Equal(0, proxy.FaultsInjectedTotal);
        Assert.Equal(proxy.RequestsSeen, proxy.Requests.Count);
        Assert.All(proxy.Requests, r => Assert.NotNull(r.StorageStatus));
    }

    [Theory]
    [InlineData(FaultKind.InternalError, 500, "InternalError")]
    [InlineData(FaultKind.ServerBusy, 503, "ServerBusy")]
    public async Task An_injected_error_reaches_the_client_as_storage_would_word_it_and_storage_never_sees_the_request(FaultKind kind, int status, string code)
    {
        var container = await DirectContainerAsync();
        await using var proxy = FaultProxy.Start(azurite.ConnectionString);
        proxy.Kinds = [kind];
        proxy.FaultRate = 1.0;
        var blob = ClientWithoutRetries(proxy.ConnectionString).GetBlobContainerClient(container.Name).GetBlobClient("never.txt");

        var upload = await Assert.ThrowsAsync<RequestFailedException>(() => blob.UploadAsync(BinaryData.FromString("text")));
        Assert.Equal((status, code), (upload.Status, upload.ErrorCode));
        // A HEAD answer has no body: the code travels in the x-ms-error-code header.
        var head = await Assert.ThrowsAsync<RequestFailedException>(() => blob.GetPropertiesAsync());
        Assert.Equal((status, code), (head.Status, head.ErrorCode));

        Assert.False((await container.GetBlobClient("never.txt").ExistsAsync()).Value);
        Assert.Equal(2, proxy.FaultsInjected(kind));
        Assert.Equal(2, proxy.FaultsInjectedTotal);
    }

    [Fact]
    public async Task An_injected_timeout_holds_the_request_until_the_client_gives_up_and_storage_never_sees_it()
    {
        var container = await DirectContainerAsync();
        await using var proxy = FaultProxy.Start(azurite.ConnectionString);
        proxy.Kinds = [FaultKind.Timeout];
        proxy.FaultRate = 1.0;
        var blob = ClientWithoutRetries(proxy.ConnectionString).GetBlobContainerClient(container.Name).GetBlobClient("never.txt");

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blob.UploadAsync(BinaryData.FromString("text"), patience.Token));

        Assert.False((await container.GetBlobClient("never.txt").ExistsAsync()).Value);
        Assert.Equal(1, proxy.FaultsInjected(FaultKind.Timeout));
        Assert.Null(Assert.Single(proxy.Requests).StorageStatus);
    }

    [Fact]
    public async Task A_lost_response_fails_the_call_although_storage_carried_it_out_so_retrying_a_conditional_create_conflicts()
    {
        var container = await DirectContainerAsync();
        await using var proxy = FaultProxy.Start(azurite.ConnectionString, seed: 3);
        proxy.Kinds = [FaultKind.ResponseLost];
        proxy.FaultRate = 1.0;
        var client = ClientWithoutRetries(proxy.ConnectionString).GetBlobContainerClient(container.Name);
        var createOnly = new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } };
        var names = Enumerable.Range(0, 6).Select(i => $"created-{i}.txt").ToList();

        foreach (var name in names)
        {
            var failure = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetBlobClient(name).UploadAsync(BinaryData.FromString(name), createOnly));
            // 500 when the answer was replaced, 0 (no answer) when the connection was dropped.
            Assert.Contains(failure.Status, new[] { 500, 0 });
        }
        output.WriteLine($"{proxy.DroppedConnections} of {names.Count} lost responses were dropped connections.");

        foreach (var name in names)
            Assert.Equal(name, (await container.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToString());
        Assert.All(proxy.Requests, r => Assert.Equal(201, r.StorageStatus));
        proxy.FaultRate = 0;
        var retry = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetBlobClient(names[0]).UploadAsync(BinaryData.FromString(names[0]), createOnly));
        Assert.Equal(409, retry.Status);
    }

    private static BlobServiceClient ClientWithoutRetries(string connectionString)
    {
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 0;
        return new BlobServiceClient(connectionString, options);
    }

    private async Task<BlobContainerClient> DirectContainerAsync()
    {
        var container = azurite.BlobService.GetBlobContainerClient(UniqueContainerName());
        await container.CreateAsync();
        return container;
    }

    private static string UniqueContainerName() => "proxy" + Guid.NewGuid().ToString("N")[..12];
}

using Azure.Storage.Blobs;
using HttpPipelinePosition = Azure.Core.HttpPipelinePosition;
using IngestWorker.Options;
using IngestWorker.Telemetry;

namespace IngestWorker.Storage;

public static class StorageClientFactory
{
    public static BlobServiceClient CreateBlobServiceClient(StorageOptions storage, RetryOptions retry,
        ContainerOptions? containers = null, IngestWorkerMetrics? metrics = null) =>
        CreateBlobServiceClient(new StorageConnection(storage), retry, containers, metrics);

    public static BlobServiceClient CreateBlobServiceClient(StorageConnection connection, RetryOptions retry,
        ContainerOptions? containers = null, IngestWorkerMetrics? metrics = null)
    {
        var options = new BlobClientOptions();
        // StorageResilience is the one retry layer; SDK retries on top of it would multiply the
        // number of tries (and the time a dead endpoint takes to report).
        options.Retry.MaxRetries = 0;
        // The per-try timeout is Polly's; the SDK's must not fire first.
        options.Retry.NetworkTimeout = retry.AttemptTimeout + TimeSpan.FromSeconds(5);
        if (containers is not null && metrics is not null)
            options.AddPolicy(new StorageRequestCounter(containers, metrics), HttpPipelinePosition.PerRetry);
        return connection.CreateBlobServiceClient(options);
    }
}

using Azure.Storage.Blobs;
using IngestWorker.Options;
using Microsoft.Extensions.Options;

namespace IngestWorker.Storage;

/// <summary>The containers the worker reads and writes, resolved once from configuration.</summary>
public sealed class IngestContainers
{
    public IngestContainers(BlobServiceClient service, IOptions<IngestWorkerOptions> options)
    {
        var names = options.Value.Containers;
        Service = service;
        Input = service.GetBlobContainerClient(names.Input);
        Accepted = service.GetBlobContainerClient(names.Accepted);
        Rejected = service.GetBlobContainerClient(names.Rejected);
        Poison = service.GetBlobContainerClient(names.Poison);
        State = service.GetBlobContainerClient(names.State);
    }

    public BlobServiceClient Service { get; }
    public BlobContainerClient Input { get; }
    public BlobContainerClient Accepted { get; }
    public BlobContainerClient Rejected { get; }
    public BlobContainerClient Poison { get; }
    public BlobContainerClient State { get; }

    public IReadOnlyList<BlobContainerClient> All => [Input, Accepted, Rejected, Poison, State];

    public IReadOnlyList<BlobContainerClient> Outcomes => [Accepted, Rejected, Poison];
}

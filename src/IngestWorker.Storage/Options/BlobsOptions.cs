namespace IngestWorker.Options;

/// <summary>
/// <c>extensions:blobs</c> in host.json, named as in Azure Functions so an existing host.json
/// carries over. Only the keys below are read; others (e.g. Functions' own) are ignored.
/// </summary>
public sealed class BlobsOptions
{
    public const string Section = "extensions:blobs";

    /// <summary>How many blobs are processed at the same time in one worker process.</summary>
    public int MaxDegreeOfParallelism { get; set; } = 16;

    /// <summary>Failed attempts after which a blob is written to the poison container and left alone until it changes.</summary>
    public int PoisonBlobThreshold { get; set; } = 5;
}

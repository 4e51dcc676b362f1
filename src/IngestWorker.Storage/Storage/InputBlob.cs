namespace IngestWorker.Storage;

/// <summary>One version of one input blob, as a scan saw it.</summary>
public sealed record InputBlob(string Name, string ETag, long ContentLength, DateTimeOffset? LastModified);

namespace IngestWorker.Storage;

/// <summary>One version of one input blob, as a scan saw it.</summary>
/// <param name="CreatedOn">When the blob (not this version) was created, where the listing says; equal to <paramref name="LastModified"/> for a blob never overwritten.</param>
public sealed record InputBlob(string Name, string ETag, long ContentLength, DateTimeOffset? LastModified, DateTimeOffset? CreatedOn = null)
{
    /// <summary>This version is the blob's first: it was created and never overwritten since.</summary>
    public bool IsFirstVersion => CreatedOn is { } created && LastModified is { } modified && created == modified;
}

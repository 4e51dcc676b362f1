using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;

namespace IngestWorker.Storage;

/// <summary>
/// The in-flight records of one scan's partitions, <c>inflight/{scanKey}/{partition:D3}</c> in the
/// state container. Every write is conditional on the ETag this worker last read or wrote (or on
/// there being none), so a worker that lost the partition cannot overwrite its new owner's record:
/// its write fails with <see cref="InflightWrite.Conflict"/>, which means "stop, the partition is
/// someone else's now".
/// </summary>
public sealed class BlobInflightRecords(BlobContainerClient state, StorageResilience resilience, string scanKey, ILogger<BlobInflightRecords> logger)
{
    public static string BlobName(string scanKey, int partition) => $"inflight/{scanKey}/{partition:D3}";

    /// <summary>The partition's record and its ETag; both null when there is none. An unreadable record reads as empty (with its ETag, so it can be overwritten).</summary>
    public async Task<InflightSnapshot> ReadAsync(int partition, CancellationToken cancellationToken)
    {
        var blob = state.GetBlobClient(BlobName(scanKey, partition));
        return await resilience.RunAsync(async ct =>
        {
            try
            {
                var response = await blob.DownloadContentAsync(ct).ConfigureAwait(false);
                var record = InflightRecord.FromBinary(response.Value.Content);
                if (record is null)
                    logger.LogWarning("The in-flight record of partition {Partition} is unreadable; its attempt counts start afresh.", partition);
                return new InflightSnapshot(record ?? new InflightRecord("", []), response.Value.Details.ETag);
            }
            catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode != BlobErrorCode.ContainerNotFound)
            {
                // No record yet. (A missing container is a failure, not an empty state.)
                return new InflightSnapshot(null, null);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes <paramref name="record"/> if the stored record is still the one with
    /// <paramref name="expected"/> (null: if there is none). One storage call; a conflict costs a
    /// read more, to tell a real one from a retry that met its own earlier write.
    /// </summary>
    public async Task<InflightWrite> TryWriteAsync(int partition, InflightRecord record, ETag? expected, CancellationToken cancellationToken)
    {
        var blob = state.GetBlobClient(BlobName(scanKey, partition));
        var conditions = expected is { } etag ? new BlobRequestConditions { IfMatch = etag } : new BlobRequestConditions { IfNoneMatch = ETag.All };
        var content = record.ToBinary();
        var written = await resilience.RunAsync(async ct =>
        {
            try
            {
                var response = await blob.UploadAsync(content, new BlobUploadOptions { Conditions = conditions }, ct).ConfigureAwait(false);
                return InflightWrite.Written(response.Value.ETag);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                return InflightWrite.Conflict;
            }
        }, cancellationToken).ConfigureAwait(false);
        if (!written.IsConflict)
            return written;
        // A try whose answer was lost may have written it, and its retry then meets its own write.
        // The record names its owner, so identical content can only be this worker's.
        var stored = await resilience.RunAsync(async ct =>
        {
            try
            {
                return (await blob.DownloadContentAsync(ct).ConfigureAwait(false)).Value;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return null;
            }
        }, cancellationToken).ConfigureAwait(false);
        return stored is not null && stored.Content.ToMemory().Span.SequenceEqual(content.ToMemory().Span)
            ? InflightWrite.Written(stored.Details.ETag)
            : InflightWrite.Conflict;
    }

    /// <summary>Deletes the record if it is still the one with <paramref name="expected"/>. False when someone else wrote it since.</summary>
    public async Task<bool> TryClearAsync(int partition, ETag expected, CancellationToken cancellationToken)
    {
        var blob = state.GetBlobClient(BlobName(scanKey, partition));
        return await resilience.RunAsync(async ct =>
        {
            try
            {
                await blob.DeleteAsync(conditions: new BlobRequestConditions { IfMatch = expected }, cancellationToken: ct).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // Gone already (an earlier try of this call, its answer lost).
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                return false;
            }
        }, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>A record as read, and the ETag to write it back against (null: there was none).</summary>
public sealed record InflightSnapshot(InflightRecord? Record, ETag? ETag);

/// <summary>The result of a conditional write: the new ETag, or a conflict (someone else wrote first).</summary>
public readonly record struct InflightWrite(ETag? ETag)
{
    public static InflightWrite Conflict => default;

    public static InflightWrite Written(ETag etag) => new(etag);

    public bool IsConflict => ETag is null;
}

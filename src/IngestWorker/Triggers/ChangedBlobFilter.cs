using System.Collections.Concurrent;
using IngestWorker.Storage;

namespace IngestWorker.Triggers;

/// <summary>
/// Lets a listing of the input container hand out only blobs that changed since the previous
/// complete listing began, so that a container of 100,000 finished blobs costs a listing and no
/// per-blob call, and memory holds only the recent blobs, never every name.
/// </summary>
/// <remarks>
/// "Since" is the storage server's clock (the first listing page's <c>Date</c> header), the same
/// clock that stamps <c>Last-Modified</c>, less <see cref="ClockMargin"/> for the difference between
/// the front end that answers a listing and the server that stores a blob. A blob committed while a
/// listing runs is at or after its start, so the next listing hands it out even when this one went
/// past its name. Blobs modified within the margin come up in several listings; the handed-out set
/// (only those blobs) keeps them from being handed out twice.
/// </remarks>
public sealed class ChangedBlobFilter
{
    public static readonly TimeSpan ClockMargin = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, (string ETag, DateTimeOffset LastModified)> _handedOut = new(StringComparer.Ordinal);

    public ChangedBlobFilter(DateTimeOffset? since = null) => Since = since;

    /// <summary>Null until a listing completes (or a stored checkpoint is loaded): every blob is new.</summary>
    public DateTimeOffset? Since { get; private set; }

    /// <summary>Blobs remembered as handed out (those modified since <see cref="Since"/>).</summary>
    public int Remembered => _handedOut.Count;

    public bool IsNew(InputBlob blob)
    {
        if (Since is { } since && blob.LastModified is { } modified && modified < since)
            return false;
        return !(_handedOut.TryGetValue(blob.Name, out var seen) && seen.ETag == blob.ETag);
    }

    public void HandedOut(InputBlob blob) =>
        _handedOut[blob.Name] = (blob.ETag, blob.LastModified ?? DateTimeOffset.MaxValue);

    /// <summary>A listing that began at <paramref name="listingStartedAt"/> (server time) went through to its end.</summary>
    public void ListingCompleted(DateTimeOffset listingStartedAt)
    {
        var since = listingStartedAt - ClockMargin;
        if (Since is { } previous && since <= previous)
            return;
        Since = since;
        foreach (var (name, seen) in _handedOut)
        {
            if (seen.LastModified < since)
                _handedOut.TryRemove(new KeyValuePair<string, (string, DateTimeOffset)>(name, seen));
        }
    }
}

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
/// past its name, provided its upload began within the margin: storage stamps <c>Last-Modified</c>
/// when an upload begins, so a blob whose upload took longer is older than <see cref="Since"/> when
/// it first appears. The full listings of <see cref="FullScanSchedule"/> find those. Blobs modified within the margin come up in several listings; the handed-out set
/// (only those blobs) keeps them from being handed out twice. What a listing itself disposes of
/// (<see cref="PassedByListing"/>) is remembered only if it is that recent, so even the first
/// listing of a large container does not put every name in the set.
/// </remarks>
public sealed class ChangedBlobFilter
{
    public static readonly TimeSpan ClockMargin = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, (string ETag, DateTimeOffset LastModified)> _handedOut = new(StringComparer.Ordinal);
    private DateTimeOffset? _listingSince;

    public ChangedBlobFilter(DateTimeOffset? since = null) => Since = since;

    /// <summary>Null until a listing completes (or a stored checkpoint is loaded): every blob is new.</summary>
    public DateTimeOffset? Since { get; private set; }

    /// <summary>Blobs remembered as handed out (those modified since <see cref="Since"/>).</summary>
    public int Remembered => _handedOut.Count;

    public bool IsNew(InputBlob blob) => !IsOlderThanSince(blob) && !WasHandedOut(blob);

    /// <summary>
    /// What a full listing asks (<see cref="FullScanSchedule"/>): not handed out as far as this
    /// filter remembers, whatever its age. A blob can be older than <see cref="Since"/> and never
    /// handed out: storage stamps <c>Last-Modified</c> when an upload begins, and an upload can
    /// outlast <see cref="ClockMargin"/>.
    /// </summary>
    public bool IsUnseen(InputBlob blob) => !WasHandedOut(blob);

    /// <summary>Would not be new to a listing of changes only (<see cref="IsNew"/>) because of its age.</summary>
    public bool IsOlderThanSince(InputBlob blob) =>
        Since is { } since && blob.LastModified is { } modified && modified < since;

    private bool WasHandedOut(InputBlob blob) =>
        _handedOut.TryGetValue(blob.Name, out var seen) && seen.ETag == blob.ETag;

    /// <summary>This version is dealt with (done, or taken care of elsewhere): not new again.</summary>
    public void HandedOut(InputBlob blob) =>
        _handedOut[blob.Name] = (blob.ETag, blob.LastModified ?? DateTimeOffset.MaxValue);

    /// <summary>A listing began at <paramref name="listingStartedAt"/> (server time).</summary>
    public void ListingStarted(DateTimeOffset listingStartedAt) => _listingSince = listingStartedAt - ClockMargin;

    /// <summary>
    /// The listing in progress, which has gone past this blob, handed it out or found it done. Unlike
    /// <see cref="HandedOut"/> (called whenever processing ends, perhaps before the listing in
    /// progress reaches the name), this forgets a blob older than that listing: this listing will
    /// not meet it again, and once it completes the blob's age alone excludes it. (Should it fail
    /// instead, the next listing may hand the blob out again, which costs an outcome look-up.)
    /// </summary>
    public void PassedByListing(InputBlob blob)
    {
        if (_listingSince is { } since && blob.LastModified is { } modified && modified < since)
            return;
        HandedOut(blob);
    }

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

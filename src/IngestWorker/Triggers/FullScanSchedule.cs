namespace IngestWorker.Triggers;

/// <summary>
/// When a scanner's next listing must be a full one: the first, and then one at least every
/// <c>trigger:fullScanInterval</c>. The listings in between hand out only blobs changed since the
/// previous listing began (<see cref="ChangedBlobFilter"/>), judged by <c>Last-Modified</c>, which
/// storage stamps when an upload begins (Azurite: when the Put Blob request arrives, measured
/// 35 s before the blob could be listed), so an upload that outlasts the clock margin yields a blob
/// that is already "old" when it first appears. A full listing reads the outcome listings alongside
/// and hands out every blob without an outcome of its version, so such a blob waits at most this long.
/// </summary>
public sealed class FullScanSchedule(TimeProvider clock, TimeSpan interval)
{
    // When the last full listing that went through to its end began.
    private long? _lastCompleted;

    /// <summary>No full listing has gone through yet, or the last one began at least the interval ago.</summary>
    public bool IsDue => _lastCompleted is not { } last || clock.GetElapsedTime(last) >= interval;

    /// <summary>A full listing begins now.</summary>
    /// <returns>The mark to hand to <see cref="Completed"/> if it goes through to its end; if it does not, the next listing is full again.</returns>
    public long Started() => clock.GetTimestamp();

    public void Completed(long started) => _lastCompleted = started;
}

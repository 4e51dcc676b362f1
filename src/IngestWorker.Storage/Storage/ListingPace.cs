using IngestWorker.Telemetry;

namespace IngestWorker.Storage;

/// <summary>
/// Lets this worker's blobs go before its listings. A listing page of a large container keeps
/// storage busy for a while, and every call of a blob in processing (two dozen of them) waits its
/// turn behind it: on Azurite, which serves all requests from one event loop, a page of 5,000 of
/// 100,000 names takes about a second, and a blob dropped during a restart's first scan took
/// 17–43 s to reach its outcome instead of about one. So between two pages a listing waits while a
/// blob is in processing, but never longer than its last page took: under a steady stream of
/// blobs a listing slows to half speed at worst, and it never stops.
/// </summary>
/// <remarks>
/// Only this worker's blobs are seen; another worker's blob still shares storage with this one's
/// listing. On a quiet worker the check costs nothing and the listing runs at full speed.
/// </remarks>
public sealed class ListingPace(TimeProvider clock, IngestWorkerMetrics? metrics = null)
{
    private readonly Lock _lock = new();
    private int _inProcessing;
    private TaskCompletionSource? _idle;

    /// <summary>Blobs in processing right now.</summary>
    public int InProcessing
    {
        get
        {
            lock (_lock)
                return _inProcessing;
        }
    }

    /// <summary>Marks a blob in processing until the returned handle is disposed.</summary>
    public BlobInProcessing BlobStarted()
    {
        lock (_lock)
            _inProcessing++;
        return new BlobInProcessing(this);
    }

    /// <summary>
    /// Called by a listing before it asks for its next page: returns at once when no blob is in
    /// processing, otherwise once none is or <paramref name="lastPage"/> has passed.
    /// </summary>
    /// <param name="lastPage">How long the listing's previous page took to arrive.</param>
    public async ValueTask BeforeNextPageAsync(TimeSpan lastPage, CancellationToken cancellationToken)
    {
        Task idle;
        lock (_lock)
        {
            if (_inProcessing == 0 || lastPage <= TimeSpan.Zero)
                return;
            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            idle = _idle.Task;
        }
        var began = clock.GetTimestamp();
        try
        {
            await idle.WaitAsync(lastPage, clock, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The blobs still run; the listing goes on anyway.
        }
        finally
        {
            metrics?.ListingPaused(clock.GetElapsedTime(began));
        }
    }

    private void BlobFinished()
    {
        TaskCompletionSource? idle = null;
        lock (_lock)
        {
            if (--_inProcessing == 0)
                (idle, _idle) = (_idle, null);
        }
        idle?.TrySetResult();
    }

    public sealed class BlobInProcessing(ListingPace owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                owner.BlobFinished();
        }
    }
}

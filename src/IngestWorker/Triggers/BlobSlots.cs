namespace IngestWorker.Triggers;

/// <summary>
/// The blob slots a message was handed when it was received; a blob beyond them waits for a free
/// one. Each blob returns its slot when it ends, and the slots no blob used go back at the end.
/// </summary>
internal sealed class BlobSlots(SemaphoreSlim slots, int assigned)
{
    private int _unused = assigned;

    /// <returns>False when the worker stops before a slot is free.</returns>
    public async ValueTask<bool> TakeAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Decrement(ref _unused) >= 0)
            return true;
        Interlocked.Increment(ref _unused);
        try
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Return() => slots.Release();

    public void ReleaseUnused()
    {
        var unused = Interlocked.Exchange(ref _unused, 0);
        if (unused > 0)
            slots.Release(unused);
    }
}

using System.Collections.Concurrent;

namespace IngestWorker.Triggers;

/// <summary>
/// One processing per blob version in this worker: a work item for a version that another item is
/// processing right now (Event Grid delivers at least once, and block uploads and retries send
/// several BlobCreated events for one ETag) waits for that one to finish, and then finds its
/// outcome instead of running the pipeline again. Versions in different workers are not held
/// back here; there the outcome written first is the one kept.
/// </summary>
internal sealed class InFlightVersions
{
    private readonly ConcurrentDictionary<(string Name, string ETag), Task> _running = new();

    /// <summary>Waits until no other item of this worker processes <paramref name="name"/> at <paramref name="etag"/>, then holds it until the entry is disposed.</summary>
    public async ValueTask<Entry> EnterAsync(string name, string etag, CancellationToken cancellationToken)
    {
        var key = (name, etag);
        var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waited = false;
        while (!_running.TryAdd(key, mine.Task))
        {
            if (_running.TryGetValue(key, out var other))
            {
                waited = true;
                await other.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        return new Entry(this, key, mine, waited);
    }

    public int Count => _running.Count;

    public readonly struct Entry(InFlightVersions owner, (string Name, string ETag) key, TaskCompletionSource done, bool waited) : IDisposable
    {
        /// <summary>True when another item held this version first.</summary>
        public bool Waited => waited;

        public void Dispose()
        {
            owner._running.TryRemove(KeyValuePair.Create(key, done.Task));
            done.TrySetResult();
        }
    }
}

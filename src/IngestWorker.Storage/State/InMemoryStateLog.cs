using System.Collections.Concurrent;

namespace IngestWorker.State;

/// <summary>A process-local state log, for unit tests and single-process tools: segments in a dictionary, no checkpoints.</summary>
public sealed class InMemoryStateLog(int maxLinesPerSite = 4096) : IStateLog
{
    private readonly ConcurrentDictionary<long, StateSegment> _segments = new();

    public int SegmentCount => _segments.Count;

    public async ValueTask<StateIndex> LoadAsync(CancellationToken cancellationToken)
    {
        var index = new StateIndex(maxLinesPerSite);
        await CatchUpAsync(index, cancellationToken).ConfigureAwait(false);
        return index;
    }

    public ValueTask<bool> TryAppendAsync(long sequence, StateSegment segment, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_segments.TryAdd(sequence, segment));

    public ValueTask<int> CatchUpAsync(StateIndex index, CancellationToken cancellationToken)
    {
        var applied = 0;
        while (_segments.TryGetValue(index.Sequence + 1, out var next))
        {
            index.Apply(index.Sequence + 1, next.Ops);
            applied++;
        }
        return ValueTask.FromResult(applied);
    }

    public ValueTask WriteCheckpointAsync(StateIndex index, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

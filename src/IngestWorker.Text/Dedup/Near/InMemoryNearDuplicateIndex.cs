using System.Collections.Concurrent;

namespace IngestWorker.Text.Dedup.Near;

/// <summary>A process-local band index, for tests, benchmarks and single-process tools.</summary>
public sealed class InMemoryNearDuplicateIndex : INearDuplicateIndex
{
    private readonly ConcurrentDictionary<(int Band, ulong Key), BandEntry> _bands = new();
    private readonly ConcurrentDictionary<(string Container, string Name), string> _representatives = new();

    public int BandCount => _bands.Count;

    public ValueTask<BandEntry> ClaimBandAsync(int band, ulong key, BandEntry candidate, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_bands.GetOrAdd((band, key), candidate));

    public ValueTask<string?> GetRepresentativeAsync(string container, string name, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_representatives.TryGetValue((container, name), out var representative) ? representative : null);

    public ValueTask SetRepresentativeAsync(string container, string name, string representative, CancellationToken cancellationToken)
    {
        _representatives[(container, name)] = representative;
        return ValueTask.CompletedTask;
    }
}

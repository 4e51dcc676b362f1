using Azure.Storage.Blobs;
using IngestWorker.IntegrationTests.Infrastructure;
using IngestWorker.Options;
using IngestWorker.Storage;
using IngestWorker.Triggers.Partitions;
using Microsoft.Extensions.Logging.Abstractions;

namespace IngestWorker.IntegrationTests;

/// <summary>Scan partitions shared by separate owners (separate processes' instances here) through one ownership table in Azurite.</summary>
public sealed class PartitionOwnershipTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string ScanKey = "1/incoming";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Three_owners_converge_to_a_balanced_split_with_every_partition_owned_once()
    {
        var state = await StateAsync();
        var options = Fast();
        await using var run = new Running(state, options, "a", "b", "c");

        await run.WaitUntilAsync(owners => IsBalanced(owners, options.Count), Patience);

        var table = await ReadTableAsync(state);
        Assert.Equal(16, table.Claims.Count(c => c.Owner is not null));
        foreach (var owner in run.Owners)
            Assert.Equal(table.OwnedBy(owner.OwnerId).Order(), owner.Owned.Order());
        Assert.Null(run.DoubleOwnership);
    }

    [Fact]
    public async Task A_killed_owners_partitions_are_taken_over_after_expiry()
    {
        var state = await StateAsync();
        var options = Fast();
        await using var run = new Running(state, options, "a", "b", "c");
        await run.WaitUntilAsync(owners => IsBalanced(owners, options.Count), Patience);

        // Killed: it stops renewing and never releases; its last word stays in the table.
        await run.KillAsync("b");
        Assert.Contains("b", (await ReadTableAsync(state)).Owners.Keys);

        await run.WaitUntilAsync(owners => owners.Where(o => o.OwnerId != "b").Sum(o => o.Owned.Count) == options.Count, Patience);
        var table = await ReadTableAsync(state);
        Assert.DoesNotContain("b", table.Owners.Keys);
        Assert.Equal([8, 8], new[] { "a", "c" }.Select(id => table.OwnedBy(id).Count()));
        Assert.Null(run.DoubleOwnership);
    }

    [Fact]
    public async Task A_clean_shutdown_hands_its_partitions_over_without_waiting_for_expiry()
    {
        var state = await StateAsync();
        // Expiry far beyond the test's patience: only the release can explain a takeover.
        var options = Fast(expiry: TimeSpan.FromMinutes(20));
        await using var run = new Running(state, options, "a", "b", "c");
        await run.WaitUntilAsync(owners => IsBalanced(owners, options.Count), Patience);

        await run.StopCleanlyAsync("c");
        var released = await ReadTableAsync(state);
        Assert.DoesNotContain("c", released.Owners.Keys);
        Assert.Empty(released.OwnedBy("c"));

        await run.WaitUntilAsync(owners => IsBalanced(owners.Where(o => o.OwnerId != "c").ToList(), options.Count), Patience);
        Assert.Null(run.DoubleOwnership);
    }

    [Fact]
    public async Task An_owner_that_cannot_renew_stops_its_work_on_its_own()
    {
        var state = await StateAsync();
        var options = Fast();
        await using var run = new Running(state, options, "a");
        await run.WaitUntilAsync(owners => owners[0].Owned.Count == options.Count, Patience);
        var token = run.Owners[0].OwnershipToken(5);

        // Every renewal fails from now on (the state container is gone).
        await state.DeleteAsync();

        await run.WaitUntilAsync(owners => owners[0].Owned.Count == 0, Patience);
        Assert.True(token.IsCancellationRequested);
    }

    [Fact]
    public async Task Work_stops_when_ownership_runs_out_even_if_no_cycle_runs_to_notice()
    {
        // As a process frozen between cycles: after one renewal nothing runs but the timers.
        var state = await StateAsync();
        await using var owner = Ownership(state, Fast(), "frozen");
        await RenewAsync(owner);
        var token = owner.OwnershipToken(2);
        var name = NameIn(owner, 2);
        Assert.True(owner.IsOwned(name));

        var stopped = new TaskCompletionSource();
        token.Register(() => stopped.TrySetResult());
        await stopped.Task.WaitAsync(Patience);
        Assert.False(owner.IsOwned(name));

        // A renewal that gets through later makes the partition workable again, with a fresh token.
        var lost = new List<int>();
        owner.Lost += lost.Add;
        await RenewAsync(owner);
        Assert.True(owner.IsOwned(name));
        Assert.False(owner.OwnershipToken(2).IsCancellationRequested);
        Assert.Equal(Enumerable.Range(0, 16), lost.Order());
    }

    [Fact]
    public async Task A_stolen_partitions_token_is_cancelled_before_its_new_owner_gets_it()
    {
        var state = await StateAsync();
        var options = new PartitionOptions { Count = 4 };
        var events = new List<string>();
        await using var a = Ownership(state, options, "a");
        await using var b = Ownership(state, options, "b");
        a.Lost += p => events.Add($"a lost {p}");
        b.Acquired += p => events.Add($"b took {p}");

        await RenewAsync(a);
        Assert.Equal([0, 1, 2, 3], a.Owned.Order());
        var token = a.OwnershipToken(3);
        await RenewAsync(b); // asks for 3
        Assert.Equal("b", (await ReadTableAsync(state)).Claims[3].RequestedBy);
        Assert.False(token.IsCancellationRequested);
        await RenewAsync(a); // stops 3
        Assert.True(token.IsCancellationRequested);
        Assert.False(a.IsOwned(NameIn(a, 3)));
        await RenewAsync(b); // asks for 2 as well
        await RenewAsync(a); // hands 3 over, stops 2
        await RenewAsync(b); // takes 3

        Assert.Equal(["a lost 3", "a lost 2", "b took 3"], events);
        Assert.True(b.IsOwned(NameIn(b, 3)));
        Assert.Equal([0, 1], a.Owned.Order());
    }

    [Fact]
    public async Task A_renewal_costs_one_call_for_a_lone_owner_and_two_per_owner_among_three()
    {
        var state = await StateAsync();
        var options = new PartitionOptions();
        await using var alone = Ownership(state, options, "alone", scanKey: "1/lonely");
        await alone.CycleAsync(CancellationToken.None);
        var before = alone.StorageCalls;
        for (var i = 0; i < 10; i++)
            await RenewAsync(alone);
        Assert.Equal(10, alone.StorageCalls - before);
        Assert.Equal(16, alone.Owned.Count);

        var three = new[] { "a", "b", "c" }.Select(id => Ownership(state, options, id)).ToArray();
        for (var round = 0; round < 20 && !IsBalanced(three, 16); round++)
        {
            foreach (var owner in three)
                await owner.CycleAsync(CancellationToken.None);
        }
        Assert.True(IsBalanced(three, 16));
        var calls = three.Sum(o => o.StorageCalls);
        for (var round = 0; round < 10; round++)
        {
            foreach (var owner in three)
                await RenewAsync(owner);
        }
        Assert.Equal(3 * 10 * 2, three.Sum(o => o.StorageCalls) - calls);
        foreach (var owner in three)
            await owner.DisposeAsync();
    }

    private static bool IsBalanced(IReadOnlyCollection<PartitionOwnership> owners, int partitions)
    {
        var least = partitions / owners.Count;
        var all = owners.SelectMany(o => o.Owned).ToList();
        return all.Count == partitions && all.Distinct().Count() == partitions && owners.All(o => o.Owned.Count == least || o.Owned.Count == least + 1);
    }

    private static string NameIn(PartitionOwnership ownership, int partition) =>
        Enumerable.Range(0, 1000).Select(i => $"doc-{i}.txt").First(name => ownership.PartitionOf(name) == partition);

    /// <summary>
    /// One renewal that gets through. A cycle is bounded by the renewal interval (0.5 s here), and on
    /// a loaded machine one may run out of time; the worker's loop then tries again soon, and so does this.
    /// </summary>
    private static async Task RenewAsync(PartitionOwnership owner)
    {
        for (var attempt = 1; !await owner.CycleAsync(CancellationToken.None); attempt++)
            Assert.True(attempt < 20, "No renewal got through in 20 cycles.");
    }

    private static PartitionOptions Fast(TimeSpan? expiry = null) =>
        new() { RenewalInterval = TimeSpan.FromMilliseconds(500), OwnershipExpiry = expiry ?? TimeSpan.FromSeconds(3) };

    private async Task<BlobContainerClient> StateAsync()
    {
        var containers = new TestContainers(azurite);
        await containers.State.CreateIfNotExistsAsync();
        return containers.State;
    }

    private static async Task<OwnershipTable> ReadTableAsync(BlobContainerClient state) =>
        OwnershipTable.FromBinary((await state.GetBlobClient(PartitionTableNames.TableBlobName(ScanKey)).DownloadContentAsync()).Value.Content)!;

    internal static PartitionOwnership Ownership(BlobContainerClient state, PartitionOptions options, string id, string scanKey = ScanKey)
    {
        var retry = Microsoft.Extensions.Options.Options.Create(new RetryOptions { MinimumInterval = TimeSpan.FromMilliseconds(10), MaximumInterval = TimeSpan.FromMilliseconds(200) });
        var resilience = new StorageResilience(retry, NullLogger<StorageResilience>.Instance);
        return new PartitionOwnership(state, resilience, options, scanKey, id, TimeProvider.System, NullLogger.Instance);
    }

    /// <summary>
    /// Owners cycling on their own, as in separate worker processes, and a watcher that compares
    /// their views all along: it records any moment two live owners both hold one partition.
    /// </summary>
    private sealed class Running : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stopWatching = new();
        private readonly Dictionary<string, (PartitionOwnership Owner, CancellationTokenSource Stop, Task Loop)> _running = [];
        private readonly HashSet<string> _stopped = [];
        private readonly Lock _lock = new();
        private readonly Task _watcher;

        public Running(BlobContainerClient state, PartitionOptions options, params string[] ids)
        {
            foreach (var id in ids)
            {
                var owner = Ownership(state, options, id);
                var stop = new CancellationTokenSource();
                _running[id] = (owner, stop, Task.Run(() => owner.RunAsync(stop.Token)));
            }
            _watcher = Task.Run(WatchAsync);
        }

        public IReadOnlyList<PartitionOwnership> Owners => _running.Values.Select(r => r.Owner).ToList();

        public string? DoubleOwnership { get; private set; }

        public async Task WaitUntilAsync(Func<IReadOnlyList<PartitionOwnership>, bool> condition, TimeSpan timeout)
        {
            using var limit = new CancellationTokenSource(timeout);
            while (!condition(Live()))
            {
                Assert.False(limit.IsCancellationRequested, $"Not reached in {timeout}: {string.Join("; ", Owners.Select(o => $"{o.OwnerId}=[{string.Join(",", o.Owned.Order())}]"))}");
                await Task.Delay(50);
            }
        }

        public async Task KillAsync(string id)
        {
            lock (_lock)
                _stopped.Add(id);
            var (_, stop, loop) = _running[id];
            await stop.CancelAsync();
            await loop;
        }

        public async Task StopCleanlyAsync(string id)
        {
            await KillAsync(id);
            await _running[id].Owner.ReleaseAsync(CancellationToken.None);
        }

        public async ValueTask DisposeAsync()
        {
            await _stopWatching.CancelAsync();
            await _watcher;
            foreach (var id in _running.Keys.ToList())
            {
                if (!_stopped.Contains(id))
                    await StopCleanlyAsync(id);
                await _running[id].Owner.DisposeAsync();
            }
        }

        private List<PartitionOwnership> Live()
        {
            lock (_lock)
                return _running.Where(r => !_stopped.Contains(r.Key)).Select(r => r.Value.Owner).ToList();
        }

        private async Task WatchAsync()
        {
            while (!_stopWatching.IsCancellationRequested)
            {
                var seen = new Dictionary<int, string>();
                foreach (var owner in Live())
                {
                    foreach (var p in owner.Owned)
                    {
                        if (seen.TryGetValue(p, out var other))
                            DoubleOwnership ??= $"partition {p}: {other} and {owner.OwnerId}";
                        seen[p] = owner.OwnerId;
                    }
                }
                try
                {
                    await Task.Delay(5, _stopWatching.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }
}

using IngestWorker.Triggers.Partitions;

namespace IngestWorker.Tests.Partitions;

/// <summary>
/// Owners of <see cref="PartitionOwnerState"/> over an in-memory table with compare-and-swap
/// writes, as <see cref="PartitionOwnership"/> drives them over blob storage, on a simulated clock.
/// Every tick each owner checks its expiry; every fourth tick (its renewal interval) it cycles,
/// in an order shuffled per tick. After every step it checks that no two owners may work on one
/// partition at the same moment.
/// </summary>
internal sealed class OwnershipSimulation
{
    public static readonly TimeSpan Tick = TimeSpan.FromSeconds(2.5);
    public static readonly TimeSpan Renewal = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(30);

    private readonly Random _random;
    private readonly int _partitions;
    private int _version;
    private TimeSpan _now;

    public OwnershipSimulation(int partitions, int seed = 17)
    {
        _partitions = partitions;
        _random = new Random(seed);
    }

    public OwnershipTable? Table { get; private set; }

    public List<SimulatedOwner> Owners { get; } = [];

    public int Writes { get; private set; }

    public int Reads { get; private set; }

    public SimulatedOwner Start(string id, int? partitions = null)
    {
        var owner = new SimulatedOwner(id, new PartitionOwnerState(id, partitions ?? _partitions, Renewal, Expiry), Owners.Count);
        Owners.Add(owner);
        return owner;
    }

    public void Run(TimeSpan duration)
    {
        for (var end = _now + duration; _now < end; _now += Tick)
        {
            var tick = (int)(_now / Tick);
            foreach (var owner in Owners.Where(o => !o.Gone).OrderBy(_ => _random.Next()))
            {
                if (!owner.Paused && (tick + owner.Phase) % 4 == 0)
                    Cycle(owner);
                owner.State.CheckExpiry(_now);
                AssertNoPartitionWorkedTwice();
            }
        }
    }

    /// <summary>Runs until <paramref name="done"/> holds, for at most <paramref name="limit"/> of simulated time.</summary>
    public bool RunUntil(Func<bool> done, TimeSpan limit)
    {
        for (var end = _now + limit; _now < end;)
        {
            if (done())
                return true;
            Run(Tick);
        }
        return done();
    }

    public void Leave(SimulatedOwner owner)
    {
        for (var conflicts = 0; conflicts < 4; conflicts++)
        {
            if (owner.ReadFirst || owner.KnownVersion != _version)
                Read(owner);
            if (owner.State.PlanLeave() is not { } leave || TryWrite(owner, leave))
                break;
            owner.ReadFirst = true;
        }
        owner.State.DropAll();
        owner.Gone = true;
    }

    public void AssertNoPartitionWorkedTwice()
    {
        var seen = new Dictionary<int, string>();
        foreach (var owner in Owners)
        {
            foreach (var p in owner.State.Owned)
            {
                if (seen.TryGetValue(p, out var other))
                    throw new Xunit.Sdk.XunitException($"At {_now}, partition {p} may be worked on by both {other} and {owner.Id}.");
                seen[p] = owner.Id;
            }
        }
    }

    private void Cycle(SimulatedOwner owner)
    {
        if (owner.ReadFirst)
            Read(owner);
        for (var conflicts = 0; conflicts <= 3; conflicts++)
        {
            var decision = owner.State.Plan(_now);
            if (decision.Table is null)
                return;
            if (TryWrite(owner, decision.Table))
            {
                owner.State.Confirm(decision, _now);
                owner.ReadFirst = decision.Table.Owners.Count > 1;
                return;
            }
            Read(owner);
        }
    }

    private void Read(SimulatedOwner owner)
    {
        Reads++;
        owner.KnownVersion = _version;
        owner.State.Observe(Table, _now);
    }

    private bool TryWrite(SimulatedOwner owner, OwnershipTable table)
    {
        Writes++;
        if (owner.KnownVersion != _version)
            return false;
        // As stored: through the JSON codec.
        Table = OwnershipTable.FromBinary(table.ToBinary());
        owner.KnownVersion = ++_version;
        return true;
    }
}

internal sealed class SimulatedOwner(string id, PartitionOwnerState state, int phase)
{
    public string Id { get; } = id;
    public PartitionOwnerState State { get; } = state;
    public int Phase { get; } = phase;
    public int KnownVersion { get; set; } = -1;
    public bool ReadFirst { get; set; } = true;

    /// <summary>Stopped cycling (killed, or frozen): it still stops its own work when its ownership runs out.</summary>
    public bool Paused { get; set; }

    public bool Gone { get; set; }
}

namespace IngestWorker.Triggers.Partitions;

/// <summary>
/// One owner's view of the ownership table and of what it may work on, without any I/O: the caller
/// reads and writes the table and reports here what it saw and what it wrote. Times are elapsed
/// time on this process's monotonic clock.
/// </summary>
/// <remarks>
/// Why two owners never work on one partition at once: an owner works on a partition only while
/// <c>ownershipExpiry − renewalInterval</c> has not passed since it sent its last write that
/// storage accepted. Another worker takes a partition from it only after that owner's heartbeat
/// stood still for a whole <c>ownershipExpiry</c> of its watching, which began after that write was
/// sent, and only by a conditional write on the version it watched, which fails if the owner has
/// written since. A steal waits for the owner to hand over (<see cref="PartitionBalancer"/>).
/// </remarks>
public sealed class PartitionOwnerState
{
    private readonly string _self;
    private readonly int _partitionCount;
    private readonly TimeSpan _workWindow;
    private readonly OwnerLiveness _liveness;
    private HashSet<int> _owned = [];
    private HashSet<int> _stopping = [];
    private long _beat;
    private TimeSpan _workUntil;

    public PartitionOwnerState(string self, int partitionCount, TimeSpan renewalInterval, TimeSpan ownershipExpiry)
    {
        _self = self;
        _partitionCount = partitionCount;
        _workWindow = ownershipExpiry - renewalInterval;
        _liveness = new OwnerLiveness(ownershipExpiry);
    }

    /// <summary>The table as last read or written; null when storage has none.</summary>
    public OwnershipTable? View { get; private set; }

    /// <summary>The partitions this owner may work on.</summary>
    public IReadOnlySet<int> Owned => _owned;

    /// <summary>Until when this owner may work on <see cref="Owned"/> without another accepted write.</summary>
    public TimeSpan WorkUntil => _workUntil;

    /// <summary>A table read from storage (null: there is none). Partitions it no longer gives this owner are lost.</summary>
    public OwnershipChange Observe(OwnershipTable? table, TimeSpan now)
    {
        View = table;
        if (table is not null)
            _liveness.Observe(table, _self, now);
        var kept = table is null || table.Partitions != _partitionCount ? [] : table.OwnedBy(_self).ToHashSet();
        _stopping.IntersectWith(kept);
        return SetOwned(_owned.Where(kept.Contains).ToHashSet());
    }

    /// <summary>What to write next: a renewal, and whatever balancing calls for.</summary>
    public BalanceDecision Plan(TimeSpan now)
    {
        var stored = View?.Owners.GetValueOrDefault(_self) ?? 0;
        return PartitionBalancer.Decide(View, _self, Math.Max(_beat, stored) + 1, owner => _liveness.IsAlive(owner, now), _partitionCount, _stopping);
    }

    /// <summary>Storage accepted <paramref name="decision"/>'s table, written by a request sent at <paramref name="sentAt"/>.</summary>
    public OwnershipChange Confirm(BalanceDecision decision, TimeSpan sentAt)
    {
        var table = decision.Table ?? throw new ArgumentException("A blocked decision writes nothing.", nameof(decision));
        View = table;
        _beat = table.Owners[_self];
        _workUntil = sentAt + _workWindow;
        _stopping = decision.Stopping.ToHashSet();
        return SetOwned(decision.Owned.ToHashSet());
    }

    /// <summary>Stops all work once the last accepted write is too old for this owner to be sure nobody took over.</summary>
    public OwnershipChange CheckExpiry(TimeSpan now) =>
        _owned.Count > 0 && now >= _workUntil ? DropAll() : OwnershipChange.None;

    /// <summary>The table that hands every partition of this owner to whoever asked for it, or to nobody, and removes the owner.</summary>
    public OwnershipTable? PlanLeave()
    {
        if (View is not { } view || view.Partitions != _partitionCount || !view.Owners.ContainsKey(_self))
            return null;
        var owners = view.Owners.Where(o => o.Key != _self).ToDictionary(o => o.Key, o => o.Value, StringComparer.Ordinal);
        var claims = view.Claims
            .Select(c => c.Owner == _self ? (c.RequestedBy is { } asker && owners.ContainsKey(asker) ? new PartitionClaim(asker) : PartitionClaim.Unowned)
                : c.RequestedBy == _self ? c with { RequestedBy = null } : c)
            .ToArray();
        return new OwnershipTable(_partitionCount, owners, claims);
    }

    /// <summary>This owner stops everything (it left, or can no longer vouch for its partitions).</summary>
    public OwnershipChange DropAll()
    {
        _stopping.Clear();
        return SetOwned([]);
    }

    private OwnershipChange SetOwned(HashSet<int> owned)
    {
        var change = new OwnershipChange(owned.Except(_owned).Order().ToArray(), _owned.Except(owned).Order().ToArray());
        _owned = owned;
        return change;
    }
}

/// <summary>Partitions this owner may now work on, and partitions it must stop working on.</summary>
public sealed record OwnershipChange(IReadOnlyList<int> Acquired, IReadOnlyList<int> Lost)
{
    public static readonly OwnershipChange None = new([], []);
}

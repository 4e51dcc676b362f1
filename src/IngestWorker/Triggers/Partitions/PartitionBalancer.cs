namespace IngestWorker.Triggers.Partitions;

/// <summary>
/// One owner's next version of the ownership table, after the Event Hubs processor's load balancing
/// (its fair share, its claim of orphaned partitions, its steal of one partition at a time), with
/// one change: a steal is a request the owner grants at its next write, after it has stopped its
/// work on the partition, so no partition is ever worked on by two owners at once. Pure: the
/// caller says which owners are alive and which of its partitions it had already stopped.
/// </summary>
/// <remarks>
/// With n live owners and P partitions, a balanced split gives each owner ⌊P/n⌋ or ⌊P/n⌋+1. An
/// owner below ⌊P/n⌋ takes orphaned partitions (unowned, or owned by the dead) until it reaches it;
/// at ⌊P/n⌋ it takes one more orphan only when nobody else is below. With no orphan left, it asks
/// for one partition per write from the owner holding the most, if that owner holds more than
/// ⌊P/n⌋+1, or exactly ⌊P/n⌋+1 while this owner is below ⌊P/n⌋. Requests count for the asker and
/// against the owner asked, so nobody asks twice for the same imbalance.
/// </remarks>
public static class PartitionBalancer
{
    public static BalanceDecision Decide(OwnershipTable? current, string self, long beat, Func<string, bool> isAlive, int partitionCount, IReadOnlySet<int> stopped)
    {
        current ??= OwnershipTable.Empty(partitionCount);
        var owners = current.Owners
            .Where(o => o.Key != self && isAlive(o.Key))
            .ToDictionary(o => o.Key, o => o.Value, StringComparer.Ordinal);
        if (current.Partitions != partitionCount)
        {
            // The live workers split names another way: owning anything now would let a name have
            // two owners. Once they are gone, the table starts again with this count.
            if (owners.Count > 0)
                return BalanceDecision.Blocked(current.Partitions);
            current = OwnershipTable.Empty(partitionCount);
        }
        owners[self] = beat;

        // The dead own nothing and ask for nothing.
        var claims = current.Claims
            .Select(c => owners.ContainsKey(c.Owner ?? "")
                ? c with { RequestedBy = c.RequestedBy is { } r && r != c.Owner && owners.ContainsKey(r) ? r : null }
                : PartitionClaim.Unowned)
            .ToArray();

        // Requests made of this owner: granted when the partition was stopped at an earlier write.
        var handedOver = new List<int>();
        for (var p = 0; p < claims.Length; p++)
        {
            if (claims[p].Owner == self && claims[p].RequestedBy is { } asker && stopped.Contains(p))
            {
                claims[p] = new PartitionClaim(asker);
                handedOver.Add(p);
            }
        }

        var claimed = new List<int>();
        int? requested = null;
        var load = owners.Keys.ToDictionary(o => o, _ => 0, StringComparer.Ordinal);
        foreach (var claim in claims)
        {
            if (claim.Owner is { } owner)
                load[owner]++;
            if (claim.RequestedBy is { } asker)
            {
                load[asker]++;
                load[claim.Owner!]--;
            }
        }
        var least = partitionCount / owners.Count;
        var orphans = new Queue<int>(Enumerable.Range(0, claims.Length).Where(p => claims[p].Owner is null));
        while (load[self] < least && orphans.Count > 0)
            Take(orphans.Dequeue());
        if (load[self] == least && orphans.Count > 0 && !load.Any(o => o.Key != self && o.Value < least))
            Take(orphans.Dequeue());
        var othersBelow = load.Any(o => o.Key != self && o.Value < least);
        if (orphans.Count == 0 && (load[self] < least || (load[self] == least && !othersBelow)))
        {
            var victim = load
                .Where(o => o.Key != self && (o.Value > least + 1 || (o.Value == least + 1 && load[self] < least)))
                .Where(o => claims.Any(c => c.Owner == o.Key && c.RequestedBy is null))
                .OrderByDescending(o => o.Value).ThenBy(o => o.Key, StringComparer.Ordinal)
                .Select(o => o.Key)
                .FirstOrDefault();
            if (victim is not null)
            {
                var partition = Enumerable.Range(0, claims.Length).Last(p => claims[p].Owner == victim && claims[p].RequestedBy is null);
                claims[partition] = claims[partition] with { RequestedBy = self };
                requested = partition;
            }
        }

        var mine = Enumerable.Range(0, claims.Length).Where(p => claims[p].Owner == self).ToList();
        var table = new OwnershipTable(partitionCount, owners, claims);
        return new BalanceDecision(
            table,
            mine.Where(p => claims[p].RequestedBy is null).ToHashSet(),
            mine.Where(p => claims[p].RequestedBy is not null).ToHashSet(),
            claimed,
            requested,
            handedOver,
            BlockedBy: null);

        void Take(int partition)
        {
            claims[partition] = new PartitionClaim(self);
            load[self]++;
            claimed.Add(partition);
        }
    }
}

/// <summary>
/// What <see cref="PartitionBalancer.Decide"/> would write, and what it means for this owner once
/// written: the partitions it may work on (<see cref="Owned"/>) and the ones others asked for,
/// which it stops now and hands over at its next write (<see cref="Stopping"/>).
/// </summary>
public sealed record BalanceDecision(
    OwnershipTable? Table,
    IReadOnlySet<int> Owned,
    IReadOnlySet<int> Stopping,
    IReadOnlyList<int> Claimed,
    int? Requested,
    IReadOnlyList<int> HandedOver,
    int? BlockedBy)
{
    /// <summary>Nothing to write: the live workers use another partition count (<paramref name="theirCount"/>).</summary>
    public static BalanceDecision Blocked(int theirCount) =>
        new(null, new HashSet<int>(), new HashSet<int>(), [], null, [], theirCount);

    /// <summary>Whether ownership is still moving, so the next write should come soon.</summary>
    public bool IsSettling => Claimed.Count > 0 || Requested is not null || HandedOver.Count > 0 || Stopping.Count > 0;
}

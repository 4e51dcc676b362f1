namespace IngestWorker.Triggers.Partitions;

/// <summary>
/// Which other owners are alive, judged only by this process's own monotonic clock: an owner is
/// dead once its heartbeat (a counter it raises with every write of the table) has not changed for
/// <c>ownershipExpiry</c> of watching. No clock of another machine, nor storage's, is compared with
/// ours, so clock skew cannot make a live owner look dead. An owner seen for the first time counts
/// as alive for a whole expiry: a worker that starts next to a dead one waits that long once.
/// </summary>
public sealed class OwnerLiveness(TimeSpan expiry)
{
    private readonly Dictionary<string, (long Beat, TimeSpan Since)> _seen = new(StringComparer.Ordinal);

    /// <summary>Takes note of a table read at <paramref name="now"/> (elapsed time on this process's monotonic clock).</summary>
    public void Observe(OwnershipTable table, string self, TimeSpan now)
    {
        foreach (var (owner, beat) in table.Owners)
        {
            if (owner == self)
                continue;
            if (!_seen.TryGetValue(owner, out var seen) || seen.Beat != beat)
                _seen[owner] = (beat, now);
        }
        foreach (var gone in _seen.Keys.Where(o => !table.Owners.ContainsKey(o)).ToList())
            _seen.Remove(gone);
    }

    public bool IsAlive(string owner, TimeSpan now) =>
        _seen.TryGetValue(owner, out var seen) && now - seen.Since < expiry;
}

using IngestWorker.Triggers.Partitions;

namespace IngestWorker.Tests.Partitions;

public sealed class PartitionOwnerStateTests
{
    private static readonly TimeSpan LongEnough = TimeSpan.FromMinutes(10);

    [Theory]
    [InlineData(16, 3, 17)]
    [InlineData(16, 3, 4)]
    [InlineData(16, 4, 5)]
    [InlineData(13, 3, 6)]
    [InlineData(7, 5, 7)]
    [InlineData(2, 3, 8)]
    public void Owners_converge_to_a_balanced_split_with_every_partition_owned_once(int partitions, int owners, int seed)
    {
        var sim = new OwnershipSimulation(partitions, seed);
        for (var i = 0; i < owners; i++)
            sim.Start($"worker-{i}");

        Assert.True(sim.RunUntil(() => IsBalanced(sim, partitions), LongEnough));
        // And it stays so: no further requests, no moves.
        var before = sim.Table!.Claims.ToArray();
        sim.Run(TimeSpan.FromMinutes(2));
        Assert.Equal(before, sim.Table!.Claims);
    }

    [Fact]
    public void Owners_arriving_one_after_another_take_partitions_over_from_the_first()
    {
        var sim = new OwnershipSimulation(16);
        sim.Start("a");
        sim.Run(TimeSpan.FromSeconds(20));
        Assert.Equal(16, sim.Owners[0].State.Owned.Count);
        sim.Start("b");
        Assert.True(sim.RunUntil(() => IsBalanced(sim, 16), LongEnough));
        sim.Start("c");
        Assert.True(sim.RunUntil(() => IsBalanced(sim, 16), LongEnough));
        Assert.Equal([5, 5, 6], sim.Owners.Select(o => o.State.Owned.Count).Order());
    }

    [Fact]
    public void A_killed_owners_partitions_are_taken_over_after_expiry_and_it_stops_before_they_are()
    {
        var sim = new OwnershipSimulation(16);
        foreach (var id in new[] { "a", "b", "c" })
            sim.Start(id);
        Assert.True(sim.RunUntil(() => IsBalanced(sim, 16), LongEnough));
        var killed = sim.Owners[1];
        killed.Paused = true;

        // The paused owner still holds its partitions in its own view until its ownership runs out;
        // the simulation fails if anyone else may work on them while it does.
        Assert.True(sim.RunUntil(() => sim.Owners.Where(o => !o.Paused).Sum(o => o.State.Owned.Count) == 16, LongEnough));
        Assert.Empty(killed.State.Owned);
        Assert.DoesNotContain("b", sim.Table!.Owners.Keys);
        Assert.Equal([8, 8], sim.Owners.Where(o => !o.Paused).Select(o => o.State.Owned.Count));
    }

    [Fact]
    public void A_leaving_owners_partitions_are_taken_at_the_next_cycles_without_waiting_for_expiry()
    {
        var sim = new OwnershipSimulation(16);
        foreach (var id in new[] { "a", "b", "c" })
            sim.Start(id);
        Assert.True(sim.RunUntil(() => IsBalanced(sim, 16), LongEnough));

        sim.Leave(sim.Owners[2]);
        Assert.Empty(sim.Table!.OwnedBy("c"));
        Assert.DoesNotContain("c", sim.Table.Owners.Keys);
        // Within one renewal interval and a bit (well before an expiry): every cycle that sees the
        // orphans takes them.
        sim.Run(OwnershipSimulation.Renewal + OwnershipSimulation.Tick);
        Assert.Equal(16, sim.Owners[0].State.Owned.Count + sim.Owners[1].State.Owned.Count);
    }

    [Fact]
    public void A_stolen_partition_is_handed_over_only_after_its_owner_stopped_working_on_it()
    {
        var a = new PartitionOwnerState("a", 4, OwnershipSimulation.Renewal, OwnershipSimulation.Expiry);
        var b = new PartitionOwnerState("b", 4, OwnershipSimulation.Renewal, OwnershipSimulation.Expiry);
        var t = TimeSpan.Zero;
        a.Observe(null, t);
        var first = a.Plan(t);
        a.Confirm(first, t);
        Assert.Equal([0, 1, 2, 3], a.Owned.Order());

        b.Observe(first.Table, t);
        var ask = b.Plan(t);
        Assert.Equal(3, ask.Requested);
        b.Confirm(ask, t);
        Assert.Empty(b.Owned);

        t += OwnershipSimulation.Renewal;
        var change = a.Observe(ask.Table, t);
        Assert.Empty(change.Lost);
        var stop = a.Plan(t);
        Assert.Empty(stop.HandedOver);
        Assert.Equal([3], stop.Stopping);
        Assert.Equal([3], a.Confirm(stop, t).Lost);
        Assert.Equal("a", stop.Table!.Claims[3].Owner);

        t += OwnershipSimulation.Renewal;
        b.Observe(stop.Table, t);
        var bWaits = b.Plan(t);
        b.Confirm(bWaits, t);
        Assert.Empty(b.Owned);

        a.Observe(bWaits.Table, t);
        var hand = a.Plan(t);
        Assert.Equal([3], hand.HandedOver);
        a.Confirm(hand, t);
        b.Observe(hand.Table, t);
        var take = b.Plan(t);
        Assert.Equal([3], b.Confirm(take, t).Acquired);
        // b, still below its share of two, has meanwhile asked for partition 2, which a has stopped.
        Assert.Equal([0, 1], a.Owned.Order());
        Assert.Equal([3], b.Owned.Order());
    }

    [Fact]
    public void An_owner_whose_renewals_fail_stops_one_renewal_interval_before_it_can_be_declared_dead()
    {
        var a = new PartitionOwnerState("a", 4, OwnershipSimulation.Renewal, OwnershipSimulation.Expiry);
        a.Observe(null, TimeSpan.Zero);
        a.Confirm(a.Plan(TimeSpan.Zero), TimeSpan.Zero);
        Assert.Empty(a.CheckExpiry(TimeSpan.FromSeconds(19.9)).Lost);
        Assert.Equal([0, 1, 2, 3], a.CheckExpiry(TimeSpan.FromSeconds(20)).Lost);
        Assert.Empty(a.Owned);
    }

    [Fact]
    public void A_worker_with_another_partition_count_takes_nothing_while_the_others_live()
    {
        var sim = new OwnershipSimulation(16);
        sim.Start("a");
        sim.Start("b");
        Assert.True(sim.RunUntil(() => IsBalanced(sim, 16), LongEnough));
        var odd = sim.Start("odd", partitions: 8);
        sim.Run(TimeSpan.FromMinutes(2));
        Assert.Empty(odd.State.Owned);
        Assert.Equal(16, sim.Table!.Partitions);

        // Once they have left, the table starts again with the newcomer's count.
        sim.Leave(sim.Owners[0]);
        sim.Leave(sim.Owners[1]);
        sim.Run(TimeSpan.FromSeconds(20));
        Assert.Equal(8, odd.State.Owned.Count);
        Assert.Equal(8, sim.Table!.Partitions);
    }

    [Fact]
    public void A_renewal_of_one_worker_alone_costs_one_write_and_of_three_a_read_and_a_write_each()
    {
        var alone = new OwnershipSimulation(16);
        alone.Start("a");
        alone.Run(TimeSpan.FromMinutes(1));
        var (reads, writes) = (alone.Reads, alone.Writes);
        alone.Run(TimeSpan.FromMinutes(1));
        Assert.Equal((0, 6), (alone.Reads - reads, alone.Writes - writes));

        var three = new OwnershipSimulation(16);
        foreach (var id in new[] { "a", "b", "c" })
            three.Start(id);
        Assert.True(three.RunUntil(() => IsBalanced(three, 16), LongEnough));
        three.Run(TimeSpan.FromMinutes(1));
        (reads, writes) = (three.Reads, three.Writes);
        three.Run(TimeSpan.FromMinutes(1));
        Assert.Equal((18, 18), (three.Reads - reads, three.Writes - writes));
    }

    private static bool IsBalanced(OwnershipSimulation sim, int partitions)
    {
        var live = sim.Owners.Where(o => !o.Paused && !o.Gone).ToList();
        if (sim.Table is not { } table || table.Claims.Any(c => c.Owner is null || c.RequestedBy is not null))
            return false;
        var least = partitions / live.Count;
        // Every partition in exactly one live owner's hands, by the table and by their own views.
        return live.Sum(o => o.State.Owned.Count) == partitions
            && live.All(o => o.State.Owned.Count is var n && (n == least || n == least + 1))
            && live.All(o => table.OwnedBy(o.Id).Order().SequenceEqual(o.State.Owned.Order()));
    }
}

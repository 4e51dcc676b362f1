using IngestWorker.State;
using IngestWorker.Text.Dedup.Near;

namespace IngestWorker.Tests.State;

/// <summary>
/// The compact index against the plain reference (<see cref="ReferenceStateIndex"/>, the first
/// implementation): the same random log gives the same answer to every lookup after every segment,
/// including after a checkpoint round trip in the middle.
/// </summary>
public sealed class StateIndexEquivalenceTests
{
    [Theory]
    [InlineData(1, 4)]
    [InlineData(2, 8)]
    [InlineData(3, 64)]
    [InlineData(4, 5)]
    public void Every_lookup_answers_as_the_reference_over_a_random_log(int seed, int maxLinesPerSite)
    {
        var log = new RandomStateLog(seed);
        var reference = new ReferenceStateIndex(maxLinesPerSite);
        var compact = new StateIndex(maxLinesPerSite);
        for (var sequence = 1; sequence <= 60; sequence++)
        {
            var segment = log.Segment(sequence % 7 == 0 ? 0 : 1 + sequence % 23);
            reference.Apply(sequence, segment);
            compact.Apply(sequence, segment);
            StateIndexLookups.AssertSame(reference, compact);
            if (sequence % 20 == 0)
            {
                compact = RoundTrip(compact);
                StateIndexLookups.AssertSame(reference, compact);
            }
        }
    }

    [Fact]
    public void Many_claims_of_one_band_stay_findable_as_its_sorted_part_grows_by_merges()
    {
        // More claims than the band's small table holds before it merges into the sorted part.
        var random = new Random(9);
        var keys = Enumerable.Range(0, 20_000).Select(_ => (ulong)random.NextInt64()).ToArray();
        var index = new StateIndex(16);
        var sequence = 0;
        foreach (var chunk in keys.Chunk(1_000))
            index.Apply(++sequence, chunk.Select((k, i) => (StateOp)new BandClaimed(0, k, new BandEntry("in", $"doc-{k}", "s"))).ToArray());
        index = RoundTrip(index);
        index.Apply(++sequence, [new BandClaimed(0, keys[0], new BandEntry("in", "late", "s"))]);

        Assert.All(keys, k => Assert.Equal($"doc-{k}", index.OwnerOfBand(0, k)!.Name));
        Assert.Null(index.OwnerOfBand(1, keys[0]));
    }

    private static StateIndex RoundTrip(StateIndex index)
    {
        using var stream = new MemoryStream();
        index.WriteCheckpoint(stream);
        stream.Position = 0;
        return StateIndex.ReadCheckpoint(stream);
    }
}

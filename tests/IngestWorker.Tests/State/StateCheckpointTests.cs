using System.Text;
using IngestWorker.State;

namespace IngestWorker.Tests.State;

/// <summary>The checkpoint format: a faithful, deterministic round trip, and a clear refusal of anything else.</summary>
public sealed class StateCheckpointTests
{
    [Fact]
    public void A_checkpoint_reads_back_as_an_index_that_answers_every_lookup_the_same()
    {
        var original = Build(seed: 11, segments: 40, maxLinesPerSite: 6);

        var read = StateIndex.ReadCheckpoint(new MemoryStream(Write(original)));

        StateIndexLookups.AssertSame(original, read);
        Assert.Equal(original.MaxLinesPerSite, read.MaxLinesPerSite);
    }

    [Fact]
    public void A_read_checkpoint_goes_on_applying_as_the_original()
    {
        var original = Build(seed: 12, segments: 30, maxLinesPerSite: 6);
        var read = StateIndex.ReadCheckpoint(new MemoryStream(Write(original)));
        var more = new RandomStateLog(99);
        // The bound is taken once: Apply moves Sequence on, so a bound read on every pass never comes.
        var last = original.Sequence + 20;
        for (var sequence = original.Sequence + 1; sequence <= last; sequence++)
        {
            var segment = more.Segment(15);
            original.Apply(sequence, segment);
            read.Apply(sequence, segment);
        }

        StateIndexLookups.AssertSame(original, read);
        Assert.Equal(Write(original), Write(read));
    }

    [Fact]
    public void The_same_log_gives_the_same_checkpoint_bytes()
    {
        var first = Write(Build(seed: 13, segments: 25, maxLinesPerSite: 8));
        var second = Write(Build(seed: 13, segments: 25, maxLinesPerSite: 8));

        Assert.Equal(first, second);
        Assert.Equal(first, Write(StateIndex.ReadCheckpoint(new MemoryStream(first))));
        Assert.Equal("IWSX", Encoding.ASCII.GetString(first, 0, 4));
    }

    [Fact]
    public void An_empty_index_round_trips()
    {
        var read = StateIndex.ReadCheckpoint(new MemoryStream(Write(new StateIndex(4096))));

        Assert.Equal(0, read.Sequence);
        Assert.Equal(0, read.DocumentCount);
        Assert.Null(read.DocumentOf("in", "a"));
        Assert.Equal(0, read.LineCount("s", 1));
    }

    [Fact]
    public void Another_format_is_refused_with_a_clear_message()
    {
        // The first, simple format's magic ("ISC1") and anything else.
        var old = new MemoryStream();
        using (var writer = new BinaryWriter(old, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(0x31435349u);
            writer.Write(4096);
            writer.Write(0L);
        }
        var error = Assert.Throws<InvalidDataException>(() => StateIndex.ReadCheckpoint(new MemoryStream(old.ToArray())));
        Assert.Contains("Not a state checkpoint", error.Message, StringComparison.Ordinal);

        Assert.Throws<InvalidDataException>(() => StateIndex.ReadCheckpoint(new MemoryStream(Encoding.UTF8.GetBytes("{\"json\": true}"))));
        Assert.Throws<InvalidDataException>(() => StateIndex.ReadCheckpoint(new MemoryStream([])));
    }

    [Fact]
    public void Another_version_is_refused_naming_both_versions()
    {
        var bytes = Write(Build(seed: 14, segments: 3, maxLinesPerSite: 8));
        BitConverter.TryWriteBytes(bytes.AsSpan(4), StateIndex.CheckpointFormatVersion + 1);

        var error = Assert.Throws<InvalidDataException>(() => StateIndex.ReadCheckpoint(new MemoryStream(bytes)));

        Assert.Contains($"version {StateIndex.CheckpointFormatVersion + 1}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"version {StateIndex.CheckpointFormatVersion} only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_cut_short_or_damaged_is_refused()
    {
        var bytes = Write(Build(seed: 15, segments: 20, maxLinesPerSite: 8));

        foreach (var length in new[] { 3, 8, 24, bytes.Length / 3, bytes.Length / 2, bytes.Length - 4, bytes.Length - 1 })
            Assert.Throws<InvalidDataException>(() => StateIndex.ReadCheckpoint(new MemoryStream(bytes[..length])));
    }

    private static StateIndex Build(int seed, int segments, int maxLinesPerSite)
    {
        var log = new RandomStateLog(seed);
        var index = new StateIndex(maxLinesPerSite);
        for (var sequence = 1; sequence <= segments; sequence++)
            index.Apply(sequence, log.Segment(20));
        return index;
    }

    private static byte[] Write(StateIndex index)
    {
        using var stream = new MemoryStream();
        index.WriteCheckpoint(stream);
        return stream.ToArray();
    }
}

using IngestWorker.Triggers.Partitions;

namespace IngestWorker.Tests.Partitions;

public sealed class PartitionHashTests
{
    [Fact]
    public void The_partition_of_a_name_is_fixed_by_its_definition_not_by_the_process()
    {
        // Pinned values: a change here moves names between partitions, which workers of two
        // versions running side by side must never disagree on.
        Assert.Equal(
            [Expected("news/2026/a.txt", 16), Expected("a", 16), Expected("über.md", 16), Expected("news/2026/a.txt", 999)],
            [PartitionHash.Of("news/2026/a.txt", 16), PartitionHash.Of("a", 16), PartitionHash.Of("über.md", 16), PartitionHash.Of("news/2026/a.txt", 999)]);
    }

    [Fact]
    public void Names_spread_evenly_over_the_partitions()
    {
        var counts = new int[16];
        for (var i = 0; i < 16_000; i++)
            counts[PartitionHash.Of($"incoming/folder-{i % 7}/article-{i}.html", 16)]++;
        Assert.All(counts, n => Assert.InRange(n, 800, 1200));
    }

    [Fact]
    public void Names_differing_only_in_a_lone_surrogate_are_told_apart_like_any_other_names()
    {
        var partitions = Enumerable.Range(0xD800, 64).Select(c => PartitionHash.Of($"x{(char)c}", 16)).Distinct().Count();
        Assert.True(partitions > 8);
    }

    // The definition, written out independently: SHA-256 of the UTF-16LE code units, first eight bytes big-endian, modulo the count.
    private static int Expected(string name, int count)
    {
        var digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.Unicode.GetBytes(name));
        ulong value = 0;
        for (var i = 0; i < 8; i++)
            value = (value << 8) | digest[i];
        return (int)(value % (ulong)count);
    }
}

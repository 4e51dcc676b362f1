using IngestWorker.State;
using IngestWorker.Text.Dedup;
using IngestWorker.Text.Dedup.Near;

namespace IngestWorker.Tests.State;

/// <summary>The names and JSON bodies of the per-record layout, read back as state-log operations.</summary>
public sealed class LegacyStateLayoutTests
{
    private const string Hash = "ab0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd";

    [Fact]
    public void A_hash_record_becomes_a_hash_claim_with_its_owner()
    {
        var op = LegacyStateLayout.ReadHash($"hashes/sha256/ab/{Hash}", BinaryData.FromString("""{"container":"input","name":"a/b.txt","etag":"\"0x8DC1\""}"""));
        Assert.Equal(new HashClaimed(Hash, new HashOwner("input", "a/b.txt", "\"0x8DC1\"")), op);
        Assert.Null(LegacyStateLayout.ReadHash("hashes/sha256/ab/short", BinaryData.FromString("""{"container":"input","name":"a","etag":"e"}""")));
        Assert.Null(LegacyStateLayout.ReadHash($"hashes/sha256/ab/{Hash}", BinaryData.FromString("""{"container":"input"}""")));
    }

    [Fact]
    public void Band_and_cluster_names_are_parsed_with_their_scheme()
    {
        var band = LegacyStateLayout.ParseNear("near/w5-b14x8-s1/band-03/00000000000000ff")!;
        Assert.Equal(new NearRecordName("w5-b14x8-s1", 3, 0xffUL, null, null), band);
        Assert.Equal(new BandClaimed(3, 0xff, new BandEntry("input", "a/b.txt", "c2ln")),
            LegacyStateLayout.ReadBand(band, BinaryData.FromString("""{"container":"input","name":"a/b.txt","signature":"c2ln"}""")));

        var cluster = LegacyStateLayout.ParseNear("near/w5-b14x8-s1/clusters/input/a/b.txt")!;
        Assert.Equal(new NearRecordName("w5-b14x8-s1", null, null, "input", "a/b.txt"), cluster);
        Assert.Equal(new ClusterSet("input", "a/b.txt", "wire/x.txt"),
            LegacyStateLayout.ReadCluster(cluster, BinaryData.FromString("""{"representative":"wire/x.txt"}""")));

        // A name the layout replaced by its hash cannot be recovered.
        Assert.Null(LegacyStateLayout.ParseNear($"near/w5-b14x8-s1/clusters/input/~sha256/{Hash}")!.Name);
        Assert.Null(LegacyStateLayout.ParseNear("near/w5-b14x8-s1/band-03/not-hex"));
        Assert.Null(LegacyStateLayout.ParseNear("near/w5-b14x8-s1/other/x"));
    }
}

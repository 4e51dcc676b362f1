using IngestWorker.State;
using IngestWorker.Text.Dedup;
using IngestWorker.Text.Dedup.Near;

namespace IngestWorker.Tests.State;

/// <summary>The rules of <see cref="StateIndex.Apply"/>, on the compact index.</summary>
public sealed class StateIndexApplyTests
{
    private const string Azure = "\"0x8DD1A2B3C4D5E6F\"";
    private static readonly string Hash = ContentHash.Sha256Hex("text");

    [Fact]
    public void The_first_claim_of_a_hash_or_band_wins_even_within_one_segment()
    {
        var index = new StateIndex(16);
        index.Apply(1, [
            new HashClaimed(Hash, new HashOwner("in", "first.txt", Azure)),
            new HashClaimed(Hash, new HashOwner("in", "second.txt", "\"0x1\"")),
            new BandClaimed(3, 99, new BandEntry("in", "first.txt", "sig-1")),
            new BandClaimed(3, 99, new BandEntry("in", "second.txt", "sig-2")),
        ]);
        index.Apply(2, [new HashClaimed(Hash, new HashOwner("in", "third.txt", Azure)), new BandClaimed(3, 99, new BandEntry("in", "third.txt", "sig-3"))]);

        Assert.Equal(new HashOwner("in", "first.txt", Azure), index.OwnerOfHash(Hash));
        Assert.Equal(new BandEntry("in", "first.txt", "sig-1"), index.OwnerOfBand(3, 99));
        Assert.Null(index.OwnerOfBand(4, 99));
        Assert.Null(index.OwnerOfHash(ContentHash.Sha256Hex("other")));
    }

    [Fact]
    public void The_last_decision_and_the_last_cluster_stand()
    {
        var index = new StateIndex(16);
        index.Apply(1, [
            new DocumentDecided("in", "a.txt", "\"0x1\"", "accepted"),
            new ClusterSet("in", "a.txt", "a.txt"),
        ]);
        index.Apply(2, [
            new DocumentDecided("in", "a.txt", Azure, "rejected"),
            new ClusterSet("in", "a.txt", "b.txt"),
            new DocumentDecided("in", "c.txt", "W/\"other form\"", "failed"),
        ]);

        Assert.Equal(new DocumentRecord(Azure, "rejected"), index.DocumentOf("in", "a.txt"));
        Assert.Equal(new DocumentRecord("W/\"other form\"", "failed"), index.DocumentOf("in", "c.txt"));
        Assert.Equal("b.txt", index.RepresentativeOf("in", "a.txt"));
        Assert.Null(index.RepresentativeOf("in", "b.txt"));
        Assert.Null(index.DocumentOf("in", "b.txt"));
        Assert.Null(index.DocumentOf("other", "a.txt"));
        Assert.Equal(2, index.DocumentCount);
        Assert.True(index.HasDecided("in", "a.txt", Azure));
        Assert.False(index.HasDecided("in", "a.txt", "\"0x1\""));
    }

    [Theory]
    [InlineData("\"0x8DD1A2B3C4D5E6F\"")]
    [InlineData("\"0x0008DD1A2B3C4D5E\"")]
    [InlineData("\"0xFFFFFFFFFFFFFFFF\"")]
    [InlineData("\"0x8dd1a2b3c4d5e6f\"")]
    [InlineData("\"0x00000000000000000\"")]
    [InlineData("W/\"0x8DD1A2B3C4D5E6F\"")]
    [InlineData("")]
    public void An_etag_comes_back_exactly_as_it_went_in(string etag)
    {
        var index = new StateIndex(16);
        index.Apply(1, [new DocumentDecided("in", "a.txt", etag, "accepted"), new HashClaimed(Hash, new HashOwner("in", "a.txt", etag))]);

        Assert.Equal(etag, index.DocumentOf("in", "a.txt")!.ETag);
        Assert.Equal(etag, index.OwnerOfHash(Hash)!.ETag);
        Assert.True(index.HasDecided("in", "a.txt", etag));
        Assert.False(index.HasDecided("in", "a.txt", etag + " "));
    }

    [Fact]
    public void A_template_observation_counts_once_per_site_and_document()
    {
        var index = new StateIndex(16);
        index.Apply(1, [
            new TemplateObserved("a.example", "in/1.html", [1, 2]),
            new TemplateObserved("a.example", "in/1.html", [1, 2, 3]),
            new TemplateObserved("a.example", "in/2.html", [1]),
            new TemplateObserved("b.example", "in/1.html", [1]),
        ]);
        index.Apply(2, [new TemplateObserved("a.example", "in/2.html", [1, 2])]);

        Assert.Equal(2, index.LineCount("a.example", 1));
        Assert.Equal(1, index.LineCount("a.example", 2));
        Assert.Equal(0, index.LineCount("a.example", 3));
        Assert.Equal(1, index.LineCount("b.example", 1));
        Assert.True(index.HasObserved("a.example", "in/1.html"));
        Assert.True(index.HasObserved("b.example", "in/1.html"));
        Assert.False(index.HasObserved("b.example", "in/2.html"));
        Assert.False(index.HasObserved("c.example", "in/1.html"));
    }

    [Fact]
    public void A_site_forgets_its_rarest_lines_lowest_key_first_at_the_end_of_a_segment()
    {
        var index = new StateIndex(maxLinesPerSite: 3);
        // Within the segment all five lines count; at its end the two rarest go: 5 (count 1) and,
        // of the lines counted twice, the lowest key (2).
        index.Apply(1, [
            new TemplateObserved("s", "in/1", [1, 2, 3, 4]),
            new TemplateObserved("s", "in/2", [1, 2, 3, 4, 5]),
            new TemplateObserved("s", "in/3", [1]),
        ]);

        Assert.Equal([3, 0, 2, 2, 0], new ulong[] { 1, 2, 3, 4, 5 }.Select(k => index.LineCount("s", k)));

        // A forgotten line starts again from zero.
        index.Apply(2, [new TemplateObserved("s", "in/4", [2, 6])]);
        Assert.Equal([3, 0, 2, 2, 0, 0], new ulong[] { 1, 2, 3, 4, 5, 6 }.Select(k => index.LineCount("s", k)));
    }

    [Fact]
    public void A_segment_applied_out_of_order_throws_and_changes_nothing()
    {
        var index = new StateIndex(16);
        index.Apply(1, [new DocumentDecided("in", "a.txt", Azure, "accepted")]);

        Assert.Throws<InvalidOperationException>(() => index.Apply(3, [new DocumentDecided("in", "b.txt", Azure, "accepted")]));
        Assert.Throws<InvalidOperationException>(() => index.Apply(1, []));
        Assert.Equal(1, index.Sequence);
        Assert.Null(index.DocumentOf("in", "b.txt"));
    }

    [Fact]
    public void A_band_owners_minhash_signature_comes_back_in_its_b_bit_form_and_compares_as_the_full_one()
    {
        var hasher = new MinHasher(new MinHashOptions());
        // Letters only: the hasher folds digits, so "word1" and "word2" would be one word.
        static string Word(int i) => string.Concat(i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture).Select(d => (char)('a' + d - '0'))) + "x";
        var original = hasher.Compute(string.Join(' ', Enumerable.Range(0, 300).Select(Word)));
        var copy = hasher.Compute(string.Join(' ', Enumerable.Range(0, 300).Select(i => i == 150 ? "changed" : Word(i))));
        var index = new StateIndex(16);
        index.Apply(1, [new BandClaimed(0, original.BandKey(0, 8), new BandEntry("in", "original.txt", original.ToBase64()))]);

        var owner = index.OwnerOfBand(0, original.BandKey(0, 8))!;

        Assert.True(BBitMinHashSignature.IsCompactForm(owner.Signature));
        Assert.Equal(112, BBitMinHashSignature.Parse(owner.Signature).Count);
        var full = NearDuplicateStage.Similarity(copy, new BandEntry("in", "original.txt", original.ToBase64()));
        Assert.InRange(NearDuplicateStage.Similarity(copy, owner), full - 0.05, full + 0.05);
        Assert.True(NearDuplicateStage.Similarity(copy, owner) >= 0.8);
    }

    [Fact]
    public void A_document_that_claims_with_a_new_signature_keeps_the_old_one_on_its_older_bands()
    {
        var first = RandomStateLog.FullSignature(1);
        var second = RandomStateLog.FullSignature(2);
        var index = new StateIndex(16);
        index.Apply(1, [new BandClaimed(0, 10, new BandEntry("in", "a", first)), new BandClaimed(1, 11, new BandEntry("in", "a", first))]);
        index.Apply(2, [new BandClaimed(0, 20, new BandEntry("in", "a", second)), new BandClaimed(1, 11, new BandEntry("in", "a", second))]);

        Assert.Equal(StateIndexLookups.Stored(first), index.OwnerOfBand(0, 10)!.Signature);
        Assert.Equal(StateIndexLookups.Stored(first), index.OwnerOfBand(1, 11)!.Signature);
        Assert.Equal(StateIndexLookups.Stored(second), index.OwnerOfBand(0, 20)!.Signature);
        Assert.NotEqual(index.OwnerOfBand(0, 10)!.Signature, index.OwnerOfBand(0, 20)!.Signature);
    }
}

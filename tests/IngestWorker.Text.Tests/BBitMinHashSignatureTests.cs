using IngestWorker.Text.Dedup.Near;

namespace IngestWorker.Text.Tests;

/// <summary>The b-bit form a shared index keeps of a band owner's signature, and its estimator.</summary>
public sealed class BBitMinHashSignatureTests
{
    private static MinHashSignature Random(int seed, int count = 112)
    {
        var random = new Random(seed);
        return new MinHashSignature(Enumerable.Range(0, count).Select(_ => (ulong)random.NextInt64()).ToArray(), 100);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void The_string_form_round_trips_and_says_what_it_is(int bits)
    {
        var compact = BBitMinHashSignature.FromFull(Random(1), bits);

        var text = compact.ToString();
        var read = BBitMinHashSignature.Parse(text);

        Assert.StartsWith($"minhash-b{bits}:112:", text, StringComparison.Ordinal);
        Assert.True(BBitMinHashSignature.IsCompactForm(text));
        Assert.False(BBitMinHashSignature.IsCompactForm(Random(1).ToBase64()));
        Assert.Equal(compact.Packed.ToArray(), read.Packed.ToArray());
        Assert.Equal(BBitMinHashSignature.PackedLength(112, bits), read.Packed.Length);
        Assert.Equal((int)(Random(1).Values[5] & ((1UL << bits) - 1)), read.ValueAt(5));
    }

    [Theory]
    [InlineData("minhash-b3:112:AAAA")]
    [InlineData("minhash-b8:0:")]
    [InlineData("minhash-b8:112:AAAA")]
    [InlineData("minhash-b8:112:not base64!")]
    [InlineData("minhash-b8")]
    public void A_damaged_string_is_a_format_error(string text) =>
        Assert.Throws<FormatException>(() => BBitMinHashSignature.Parse(text));

    [Fact]
    public void The_estimate_is_one_for_the_same_text_and_near_zero_for_unrelated_ones()
    {
        var signature = Random(2);

        Assert.Equal(1.0, BBitMinHashSignature.FromFull(signature, 8).EstimateJaccard(signature));
        // Unrelated texts agree by chance in 1/256 of the positions; the estimator removes that, clamped at 0.
        Assert.InRange(BBitMinHashSignature.FromFull(Random(3), 8).EstimateJaccard(signature), 0, 0.03);
        Assert.InRange(BBitMinHashSignature.FromFull(Random(3), 1).EstimateJaccard(signature), 0, 0.35);
    }

    [Fact]
    public void The_estimate_follows_the_full_one_for_a_partly_shared_signature()
    {
        var a = Random(4);
        var values = a.Values.ToArray();
        var random = new Random(5);
        for (var i = 0; i < values.Length; i++)
        {
            if (i % 5 == 0)
                values[i] = (ulong)random.NextInt64();
        }
        var b = new MinHashSignature(values, 100);

        var full = a.EstimateJaccard(b);
        Assert.InRange(BBitMinHashSignature.FromFull(a, 8).EstimateJaccard(b), full - 0.02, full + 0.02);
    }

    [Fact]
    public void The_near_duplicate_stage_compares_either_form_and_gives_zero_for_a_damaged_or_other_length_one()
    {
        var signature = Random(6);

        Assert.Equal(1.0, NearDuplicateStage.Similarity(signature, new BandEntry("c", "n", signature.ToBase64())));
        Assert.Equal(1.0, NearDuplicateStage.Similarity(signature, new BandEntry("c", "n", BBitMinHashSignature.FromFull(signature, 8).ToString())));
        Assert.Equal(0, NearDuplicateStage.Similarity(signature, new BandEntry("c", "n", BBitMinHashSignature.FromFull(Random(6, 64), 8).ToString())));
        Assert.Equal(0, NearDuplicateStage.Similarity(signature, new BandEntry("c", "n", "minhash-b8:112:damaged")));
    }
}

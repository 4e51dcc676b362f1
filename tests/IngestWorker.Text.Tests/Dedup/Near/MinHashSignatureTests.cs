using IngestWorker.Text.Dedup.Near;

namespace IngestWorker.Text.Tests.Dedup.Near;

public sealed class MinHashSignatureTests
{
    private static ulong[] Numbers(int count, ulong from = 1) => Enumerable.Range(0, count).Select(i => from + (ulong)i).ToArray();

    [Fact]
    public void Estimated_jaccard_is_the_share_of_equal_positions()
    {
        var a = new MinHashSignature([1, 2, 3, 4], 10);
        Assert.Equal(1.0, a.EstimateJaccard(a));
        Assert.Equal(0.5, a.EstimateJaccard(new MinHashSignature([1, 2, 9, 9], 10)));
        Assert.Equal(0.0, a.EstimateJaccard(new MinHashSignature([4, 3, 2, 1], 10)));
    }

    [Fact]
    public void Empty_signatures_are_never_similar()
    {
        var empty = new MinHashSignature([ulong.MaxValue, ulong.MaxValue], 0);
        Assert.True(empty.IsEmpty);
        Assert.Equal(0.0, empty.EstimateJaccard(empty));
        Assert.Equal(0.0, empty.EstimateJaccard(new MinHashSignature([5, 6], 3)));
    }

    [Fact]
    public void Signatures_of_different_lengths_cannot_be_compared()
    {
        var e = Assert.Throws<ArgumentException>(() => new MinHashSignature([1, 2], 1).EstimateJaccard(new MinHashSignature([1, 2, 3], 1)));
        Assert.Equal("other", e.ParamName);
    }

    [Fact]
    public void Constructor_copies_the_values_and_checks_them()
    {
        var values = Numbers(4);
        var s = new MinHashSignature(values, 3);
        values[0] = 99;
        Assert.Equal(1UL, s.Values[0]);
        Assert.Throws<ArgumentException>(() => new MinHashSignature([], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MinHashSignature([1], -2));
    }

    [Fact]
    public void Equal_rows_give_equal_band_keys()
    {
        var a = new MinHashSignature([.. Numbers(8, 100), .. Numbers(8, 200)], 5);
        var b = new MinHashSignature([.. Numbers(8, 100), .. Numbers(8, 900)], 7);
        Assert.Equal(a.BandKey(0, 8), b.BandKey(0, 8));
        Assert.NotEqual(a.BandKey(1, 8), b.BandKey(1, 8));
        // One value of the band differing is enough to change the key.
        var c = new MinHashSignature([.. Numbers(7, 100), 0, .. Numbers(8, 200)], 5);
        Assert.NotEqual(a.BandKey(0, 8), c.BandKey(0, 8));
    }

    [Fact]
    public void The_same_rows_in_another_band_give_another_key()
    {
        var s = new MinHashSignature([.. Numbers(8), .. Numbers(8)], 5);
        Assert.NotEqual(s.BandKey(0, 8), s.BandKey(1, 8));
        // And the same values cut into bands of another width give other keys.
        Assert.NotEqual(s.BandKey(0, 4), s.BandKey(0, 8));
    }

    [Fact]
    public void Band_keys_do_not_change()
    {
        // Golden values: band keys are part of blob names, so this computation must never change.
        var s = new MinHashSignature(Numbers(112), 100);
        Assert.Equal(2284710671100708802UL, s.BandKey(0, 8));
        Assert.Equal(18402573357021998944UL, s.BandKey(13, 8));
        Assert.Equal(3963794447478657805UL, new MinHashSignature(Enumerable.Repeat(ulong.MaxValue, 112).ToArray(), 0).BandKey(0, 8));
    }

    [Fact]
    public void Band_outside_the_signature_is_refused()
    {
        var s = new MinHashSignature(Numbers(16), 5);
        Assert.Throws<ArgumentOutOfRangeException>(() => s.BandKey(2, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.BandKey(-1, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.BandKey(0, 0));
    }

    [Fact]
    public void Base64_round_trips()
    {
        var s = new MinHasher(new MinHashOptions()).Compute("A short story about near duplicates and their signatures in storage.");
        var text = s.ToBase64();
        Assert.Equal(1196, text.Length);
        var back = MinHashSignature.FromBase64(text, s.ShingleCount);
        Assert.Equal(s, back);
        Assert.Equal(s.ShingleCount, back.ShingleCount);
        Assert.Equal(-1, MinHashSignature.FromBase64(text).ShingleCount);
        Assert.Equal(s, MinHashSignature.FromBase64(text));
        Assert.Equal(s.BandKey(3, 8), back.BandKey(3, 8));
    }

    [Fact]
    public void Base64_is_little_endian_values()
    {
        var s = new MinHashSignature([1, 0x0102030405060708], 2);
        Assert.Equal(Convert.ToBase64String([1, 0, 0, 0, 0, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1]), s.ToBase64());
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AQIDBA==")]   // four bytes: not a whole value
    [InlineData("")]
    public void Damaged_base64_is_a_format_error(string text) =>
        Assert.Throws<FormatException>(() => MinHashSignature.FromBase64(text));

    [Fact]
    public void Equality_compares_values_only()
    {
        var a = new MinHashSignature(Numbers(4), 3);
        Assert.Equal(a, new MinHashSignature(Numbers(4), -1));
        Assert.Equal(a.GetHashCode(), new MinHashSignature(Numbers(4), -1).GetHashCode());
        Assert.NotEqual(a, new MinHashSignature(Numbers(4, 2), 3));
        Assert.NotEqual(a, new MinHashSignature(Numbers(5), 3));
        Assert.False(a.Equals(null));
    }
}

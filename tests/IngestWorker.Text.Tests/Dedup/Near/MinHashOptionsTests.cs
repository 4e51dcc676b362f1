using IngestWorker.Text.Dedup.Near;

namespace IngestWorker.Text.Tests.Dedup.Near;

public sealed class MinHashOptionsTests
{
    [Fact]
    public void Defaults_are_fineweb_like_and_valid()
    {
        var o = new MinHashOptions();
        o.Validate();
        Assert.Equal((true, 5, 14, 8, 0.8, 1UL, 112), (o.Enabled, o.ShingleWords, o.Bands, o.RowsPerBand, o.SimilarityThreshold, o.Seed, o.HashCount));
    }

    public static TheoryData<string, Action<MinHashOptions>> OutOfRange() => new()
    {
        { "shingleWords", o => o.ShingleWords = 0 },
        { "shingleWords", o => o.ShingleWords = 21 },
        { "bands", o => o.Bands = 0 },
        { "bands", o => o.Bands = 65 },
        { "rowsPerBand", o => o.RowsPerBand = 0 },
        { "rowsPerBand", o => o.RowsPerBand = 33 },
        { "similarityThreshold", o => o.SimilarityThreshold = 0 },
        { "similarityThreshold", o => o.SimilarityThreshold = 1.01 },
        { "similarityThreshold", o => o.SimilarityThreshold = double.NaN },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Out_of_range_settings_name_their_key(string key, Action<MinHashOptions> change)
    {
        var o = new MinHashOptions();
        change(o);
        var e = Assert.Throws<ArgumentOutOfRangeException>(o.Validate);
        Assert.Equal(key, e.ParamName);
        // The hasher refuses the same settings.
        Assert.Equal(key, Assert.Throws<ArgumentOutOfRangeException>(() => new MinHasher(o)).ParamName);
    }

    [Fact]
    public void Range_ends_are_valid()
    {
        new MinHashOptions { ShingleWords = 1, Bands = 1, RowsPerBand = 1, SimilarityThreshold = 1 }.Validate();
        new MinHashOptions { ShingleWords = 20, Bands = 64, RowsPerBand = 32, SimilarityThreshold = 0.01 }.Validate();
    }
}

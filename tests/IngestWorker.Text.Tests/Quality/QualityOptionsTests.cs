using IngestWorker.Text.Quality;

namespace IngestWorker.Text.Tests.Quality;

public sealed class QualityOptionsTests
{
    [Fact]
    public void Defaults_are_the_published_thresholds_and_valid()
    {
        var o = new QualityOptions();
        o.Validate();
        Assert.True(o.Enabled);
        Assert.Empty(o.DisabledReasons);
        Assert.Equal((50, 100_000, 3.0, 10.0, 0.1, 0.1, 0.9, 0.3, 0.8, 2),
            (o.GopherQuality.MinWords, o.GopherQuality.MaxWords, o.GopherQuality.MinMeanWordLength, o.GopherQuality.MaxMeanWordLength,
             o.GopherQuality.MaxHashWordRatio, o.GopherQuality.MaxEllipsisWordRatio, o.GopherQuality.MaxBulletLinesFrac,
             o.GopherQuality.MaxEndEllipsisLinesFrac, o.GopherQuality.MinAlphaWordsFrac, o.GopherQuality.MinStopWords));
        var r = o.GopherRepetition;
        Assert.Equal([0.30, 0.30, 0.20, 0.20, 0.20, 0.18, 0.16, 0.15, 0.14, 0.13, 0.12, 0.11, 0.10],
            [r.MaxDupLineFrac, r.MaxDupParaFrac, r.MaxDupLineCharFrac, r.MaxDupParaCharFrac, r.MaxTop2GramCharFrac, r.MaxTop3GramCharFrac,
             r.MaxTop4GramCharFrac, r.MaxDuplicated5GramCharFrac, r.MaxDuplicated6GramCharFrac, r.MaxDuplicated7GramCharFrac,
             r.MaxDuplicated8GramCharFrac, r.MaxDuplicated9GramCharFrac, r.MaxDuplicated10GramCharFrac]);
        Assert.Equal((true, true, 5), (o.C4.RejectLoremIpsum, o.C4.RejectCurlyBracket, o.C4.MinSentences));
        Assert.Null(o.C4.MaxLinesWithoutTerminalPunctFrac);
        Assert.Null(o.C4.MaxLinesUnder3WordsFrac);
        Assert.Null(o.C4.MaxJavascriptLines);
        Assert.Null(o.C4.MaxPolicyLines);
        Assert.Equal((0.12, 0.67, 0.01, 0.3), (o.FineWeb.MinLinePunctFrac, o.FineWeb.MaxShortLineFrac, o.FineWeb.MaxDupLineCharFrac, o.FineWeb.MaxNewlineWordRatio));
        Assert.Equal((0.001, 0.001, 0.001, 0.5), (o.Unicode.MaxReplacementCharFrac, o.Unicode.MaxMojibakeFrac, o.Unicode.MaxControlCharFrac, o.Unicode.MinExpectedScriptFrac));
    }

    public static TheoryData<string, Action<QualityOptions>> OutOfRange() => new()
    {
        { "gopherQuality.minWords", o => o.GopherQuality.MinWords = -1 },
        { "gopherQuality.maxWords", o => o.GopherQuality.MaxWords = 10 },
        { "gopherQuality.minMeanWordLength", o => o.GopherQuality.MinMeanWordLength = double.NaN },
        { "gopherQuality.maxMeanWordLength", o => o.GopherQuality.MaxMeanWordLength = 2 },
        { "gopherQuality.maxHashWordRatio", o => o.GopherQuality.MaxHashWordRatio = -0.1 },
        { "gopherQuality.maxBulletLinesFrac", o => o.GopherQuality.MaxBulletLinesFrac = 1.5 },
        { "gopherQuality.minAlphaWordsFrac", o => o.GopherQuality.MinAlphaWordsFrac = -0.2 },
        { "gopherQuality.minStopWords", o => o.GopherQuality.MinStopWords = -2 },
        { "gopherRepetition.maxDupLineFrac", o => o.GopherRepetition.MaxDupLineFrac = 2 },
        { "gopherRepetition.maxTop3GramCharFrac", o => o.GopherRepetition.MaxTop3GramCharFrac = -1 },
        { "gopherRepetition.maxDuplicated10GramCharFrac", o => o.GopherRepetition.MaxDuplicated10GramCharFrac = 1.01 },
        { "c4.minSentences", o => o.C4.MinSentences = -1 },
        { "c4.maxLinesWithoutTerminalPunctFrac", o => o.C4.MaxLinesWithoutTerminalPunctFrac = 3 },
        { "c4.maxJavascriptLines", o => o.C4.MaxJavascriptLines = -1 },
        { "fineWeb.minLinePunctFrac", o => o.FineWeb.MinLinePunctFrac = -0.5 },
        { "fineWeb.maxNewlineWordRatio", o => o.FineWeb.MaxNewlineWordRatio = -1 },
        { "unicode.maxMojibakeFrac", o => o.Unicode.MaxMojibakeFrac = 2 },
        { "unicode.minExpectedScriptFrac", o => o.Unicode.MinExpectedScriptFrac = 1.2 },
        { "disabledReasons", o => o.DisabledReasons.Add("gopher_too_short") },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Out_of_range_settings_name_their_key(string key, Action<QualityOptions> change)
    {
        var o = new QualityOptions();
        change(o);
        var e = Assert.Throws<ArgumentOutOfRangeException>(o.Validate);
        Assert.Equal(key, e.ParamName);
    }

    [Fact]
    public void Every_reason_code_may_be_disabled()
    {
        var o = new QualityOptions { DisabledReasons = [.. QualityReasons.All] };
        o.Validate();
        var decision = QualityDecision.Decide(QualitySignals.Compute(QualityTexts.Navigation, "en"), o);
        Assert.Empty(decision.Failures);
        Assert.Equal(1, decision.Score);
    }
}

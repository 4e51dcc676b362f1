using System.Text;
using IngestWorker.Text.Decoding;
using IngestWorker.Text.Pipeline;

namespace IngestWorker.Text.Tests.Decoding;

public sealed class MojibakeRepairTests
{
    // What a page says when its UTF-8 was read as Windows-1252 and written out again.
    private static string Garble(string text) =>
        Encoding.GetEncoding(1252).GetString(Encoding.UTF8.GetBytes(text));

    static MojibakeRepairTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    [Theory]
    [InlineData("Café au lait, déjà vu, Müller, niño", 5)]
    [InlineData("It’s “quoted” – and — so on… • €5 ™", 9)]
    [InlineData("Price: £20 © 2025 · 30° ± 2", 5)]
    [InlineData("Launch day 🚀 at last 😀", 2)]
    public void Text_garbled_through_windows_1252_comes_back_whole(string original, int sequences)
    {
        var garbled = Garble(original);
        Assert.NotEqual(original, garbled);
        Assert.Equal(original, MojibakeRepair.Repair(garbled, out var repaired));
        Assert.Equal(sequences, repaired);
    }

    [Fact]
    public void A_no_break_space_garbled_with_its_lead_becomes_a_no_break_space_again()
    {
        // As sites store it: "Â" before a real no-break space.
        Assert.Equal("offers\u00A0a fully-featured\u00A0edition", MojibakeRepair.Repair("offersÂ\u00A0a fully-featuredÂ\u00A0edition", out var repaired));
        Assert.Equal(2, repaired);
    }

    [Theory]
    [InlineData("CAFÉ… and „ÜBER“ and «CAFÉ»")]            // capitals before an ellipsis or a quote
    [InlineData("Le café…» dit-il, à «Paris»")]             // an accented letter before two such symbols
    [InlineData("SÃO PAULO, Âge, â la carte, Ãrvore")]    // the leads as real letters
    [InlineData("Plain ASCII text with no lead at all.")]
    [InlineData("Ð and ð in Icelandic: „ðú“ is fine")]
    [InlineData("Русский текст, 日本語のテキスト, 😀")]
    public void Correctly_decoded_text_is_left_as_it_is(string text)
    {
        Assert.Same(text, MojibakeRepair.Repair(text, out var repaired));
        Assert.Equal(0, repaired);
    }

    [Fact]
    public void A_sequence_cut_short_at_the_end_is_left_as_it_is()
    {
        Assert.Equal("Quote: â€", MojibakeRepair.Repair("Quote: â€", out var repaired));
        Assert.Equal(0, repaired);
    }
}

public sealed class MojibakeRepairInThePipelineTests
{
    private const string Html = """
        <html><head><meta charset="utf-8"><title>Rates</title></head><body><article>
        <h1>Our rates</h1>
        <p>The cafÃ© opens at nine.Â We donâ€™t take bookings for groups under six, and the terrace is open all year round whatever the weather.</p>
        <p>Prices include service. Ask the staff about the dishes of the day, which change every morning with the market and the season.</p>
        </article></body></html>
        """;

    [Fact]
    public async Task The_text_is_repaired_before_any_stage_reads_it_and_the_count_is_in_the_output()
    {
        var output = await RunAsync(new PipelineOptions());
        Assert.Contains("The café opens at nine. We don’t take bookings", output.Text);
        Assert.Equal(3, output.Decoding!.MojibakeRepaired);
    }

    [Fact]
    public async Task Turned_off_the_text_keeps_its_mojibake_and_the_output_has_no_count()
    {
        var output = await RunAsync(new PipelineOptions { RepairMojibake = false });
        Assert.Contains("cafÃ©", output.Text);
        Assert.Null(output.Decoding!.MojibakeRepaired);
    }

    private static async Task<IngestWorker.Text.Output.OutputDocument> RunAsync(PipelineOptions options)
    {
        // "Â" before a real no-break space, as CMSs store it (a raw string cannot spell U+00A0).
        var content = System.Text.Encoding.UTF8.GetBytes(Html.Replace("nine.Â ", "nine.Â\u00A0", StringComparison.Ordinal));
        var pipeline = new TextPipeline(TextPipelineBuilder.StandardStages(options, PipelineServices.InMemory()));
        var result = await pipeline.RunAsync(new DocumentSource("in", "rates.html", "\"1\"", content.Length), content, CancellationToken.None);
        return new IngestWorker.Text.Output.OutputDocumentFactory(options, TimeProvider.System).FromResult(result);
    }
}

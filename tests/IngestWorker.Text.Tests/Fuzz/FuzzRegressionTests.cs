using System.Text;
using IngestWorker.Text.Cleaning;
using IngestWorker.Text.Decoding;
using IngestWorker.Text.Html;
using IngestWorker.Text.Normalization;
using IngestWorker.Text.Pipeline;
using IngestWorker.Text.Quality;

namespace IngestWorker.Text.Tests.Fuzz;

/// <summary>
/// Every failure the fuzz properties found, shrunk to the smallest input that shows it, as a plain
/// test that fails without its fix.
/// </summary>
public sealed class FuzzRegressionTests
{
    [Theory]
    [InlineData("a.txt")]
    [InlineData("a.md")]
    [InlineData("a.html")]
    public void A_byte_swapped_byte_order_mark_in_the_text_is_removed_instead_of_crashing_the_run(string name)
    {
        // U+FFFE is valid UTF-8 (EF BF BE), and .NET's NFC check throws on it.
        var result = Run(name, "<p>Hello\uFFFE world, and goodbye.</p>");

        Assert.DoesNotContain('\uFFFE', result.Document.Text ?? "");
        Assert.Equal("Hello world.", TextNormalizer.Normalize("Hello\uFFFE world."));
    }

    private static PipelineResult Run(string name, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var pipeline = new TextPipeline(TextPipelineBuilder.StandardStages(new PipelineOptions(), PipelineServices.InMemory()));
        return pipeline.RunAsync(new DocumentSource("incoming", name, "\"etag\"", bytes.Length), bytes, CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }
}

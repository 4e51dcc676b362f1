using System.Text;
using IngestWorker.Text.Pipeline;

namespace IngestWorker.Text.Tests.Pipeline;

/// <summary>
/// One document's working memory is a bounded multiple of its size, whatever its shape: inputs
/// whose cost grows with lines, elements or fields rather than bytes. Allocated bytes are counted
/// on the test's thread (the in-memory pipeline completes synchronously, which the test checks),
/// so the count is exact and stable; the bounds leave generous headroom over the figures in
/// docs/benchmarks.md.
/// </summary>
public sealed class DocumentMemoryTests
{
    private const int Size = 2 * 1024 * 1024;

    public static TheoryData<string, string, double> Inputs => new()
    {
        // Refused before any reader runs: decoding and normalising only (measured 2–6×; without the
        // limits 2 MiB of "a\n" allocated over 200×).
        { "a-lines", ReasonCodes.TooComplex, 12 },
        { "word-lines", ReasonCodes.TooComplex, 12 },
        { "tiny-html", ReasonCodes.TooComplex, 12 },
        // Read and cleaned in full: one block of words, a JSON object of many fields, and as many
        // short lines as the block limit lets through.
        // Measured (MemoryBench stages, 2 MiB): one-line 34×, json-fields 9×; the short lines just
        // under maxBlocks ~57×, their cost being per line (~440 bytes) rather than per byte.
        { "one-line", "", 60 },
        { "json-fields", "", 30 },
        { "word-lines-under-limit", "", 100 },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task A_hostile_input_allocates_at_most_a_small_multiple_of_its_size(string kind, string expectedCode, double maxPerByte)
    {
        var (name, content) = Make(kind);
        var pipeline = new TextPipeline(TextPipelineBuilder.StandardStages(new PipelineOptions(), PipelineServices.InMemory()));
        var source = new DocumentSource("incoming", name, "\"e\"", content.Length);
        // Warm up code paths and static tables, whose one-time allocations are not the document's.
        await pipeline.RunAsync(source with { Name = "warm-" + name }, content.AsMemory(0, 4096), CancellationToken.None);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var run = pipeline.RunAsync(source, content, CancellationToken.None);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(run.IsCompletedSuccessfully, "the in-memory pipeline should complete on this thread, or the count misses work");
        var result = await run;
        var perByte = (double)allocated / content.Length;
        Assert.True(perByte <= maxPerByte, $"{kind}: {allocated:N0} bytes allocated for {content.Length:N0} input bytes = {perByte:F1}× (bound {maxPerByte}×)");
        if (expectedCode.Length > 0)
            Assert.Equal(expectedCode, result.Rejection?.Code);
        else
            Assert.NotEqual(ReasonCodes.TooComplex, result.Rejection?.Code);
    }

    internal static (string Name, byte[] Content) Make(string kind) => kind switch
    {
        "a-lines" => ("a-lines.txt", Repeat("a\n", Size)),
        "word-lines" => ("word-lines.txt", WordLines(Size)),
        "word-lines-under-limit" => ("word-lines.txt", WordLines(PipelineOptions.DefaultMaxBlocks * 7)),
        "one-line" => ("one-line.txt", Repeat("lorem ", Size)),
        "tiny-html" => ("tiny-html.html", Html(Size)),
        "json-fields" => ("json-fields.json", Json(Size)),
        _ => throw new ArgumentException(kind),
    };

    private static byte[] Repeat(string unit, int size)
    {
        var text = new StringBuilder(size + unit.Length);
        while (text.Length + unit.Length <= size)
            text.Append(unit);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static byte[] WordLines(int size)
    {
        string[] words = ["river", "bridge", "market", "harbour", "council", "library", "station", "meadow"];
        var text = new StringBuilder(size + 16);
        for (var i = 0; text.Length < size - 16; i++)
            text.Append(words[i % words.Length]).Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static byte[] Html(int size)
    {
        var text = new StringBuilder(size + 64);
        text.Append("<html><head><title>t</title></head><body>");
        while (text.Length < size - 32)
            text.Append("<p>a</p>");
        text.Append("</body></html>");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static byte[] Json(int size)
    {
        var text = new StringBuilder(size + 64);
        text.Append("{\"title\":\"t\",\"text\":\"Some article text.\"");
        for (var i = 0; text.Length < size - 32; i++)
            text.Append(",\"f").Append(i).Append("\":\"a\"");
        text.Append('}');
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}

using System.Reflection;
using System.Text;
using System.Text.Json;
using IngestWorker.Text.Output;
using IngestWorker.Text.Pipeline;
using IngestWorker.Text.Quality;

namespace IngestWorker.Text.Tests.Output;

public sealed class OutputDocumentTests
{
    private static readonly JsonElement Schema =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "docs", "output.schema.json"))).RootElement;

    private static readonly DocumentSource Source = new("incoming", "news/a.txt", "\"0x8DC0\"", 64, DateTimeOffset.Parse("2026-11-22T10:00:00Z"));

    public static TheoryData<string, byte[]> Inputs => new()
    {
        { "accepted", File.ReadAllBytes(TestData.SeedPaths[0]) },
        { "quality", Encoding.UTF8.GetBytes("A perfectly fine sentence.\r\n\r\nBut far too short to be an article.") },
        { "legacy", Encoding.Latin1.GetBytes("Le café était fermé à cause de la grève générale.") },
        { "binary", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0] },
        { "empty", [] },
        { "blank", Encoding.UTF8.GetBytes(" \n\t ") },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task Every_kind_of_pipeline_outcome_matches_the_published_schema(string label, byte[] content)
    {
        var (pipeline, factory) = Create();
        var result = await pipeline.RunAsync(Source with { ContentLength = content.Length }, content, CancellationToken.None);
        var json = Serialize(factory.FromResult(result));

        Assert.True(MiniJsonSchema.Validate(Schema, json).Count == 0, label + ": " + string.Join("\n", MiniJsonSchema.Validate(Schema, json)));
    }

    [Fact]
    public async Task A_duplicate_and_a_failed_document_match_the_published_schema()
    {
        var (pipeline, factory) = Create();
        var text = File.ReadAllBytes(TestData.SeedPaths[1]);
        await pipeline.RunAsync(Source, text, CancellationToken.None);
        var copy = await pipeline.RunAsync(Source with { Name = "news/b.txt" }, text, CancellationToken.None);
        Assert.Equal(ReasonCodes.DuplicateExact, copy.Rejection?.Code);
        var failed = factory.Failed(Source, "System.InvalidOperationException", "boom", 5, DateTimeOffset.UtcNow);

        Assert.Empty(MiniJsonSchema.Validate(Schema, Serialize(factory.FromResult(copy))));
        Assert.Empty(MiniJsonSchema.Validate(Schema, Serialize(failed)));
    }

    [Fact]
    public void An_unsafe_name_document_matches_the_published_schema()
    {
        var (_, factory) = Create();
        var document = factory.UnsafeName(Source with { Name = "../../cleaned/x\u0001" }, "it has a '..' path segment");

        var json = Serialize(document);
        Assert.Empty(MiniJsonSchema.Validate(Schema, json));
        Assert.Equal([ReasonCodes.UnsafeName], json.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("../../cleaned/x\u0001", json.GetProperty("source").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Field_names_are_the_documented_camel_case_ones_and_sections_that_did_not_run_are_absent()
    {
        var (pipeline, factory) = Create();
        var result = await pipeline.RunAsync(Source, new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0 }, CancellationToken.None);
        var json = Serialize(factory.FromResult(result));

        Assert.Equal(["id", "source", "status", "reasons", "rejection", "title", "text", "pipeline"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, json.GetProperty("title").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("text").ValueKind);
        Assert.Equal("decode", json.GetProperty("rejection").GetProperty("stage").GetString());
        Assert.Equal(["size_limit", "detect_format", "decompress", "decode"], json.GetProperty("pipeline").GetProperty("stages").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public void Every_reason_code_is_listed_in_the_schema()
    {
        var codes = typeof(ReasonCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!)
            .Concat(QualityReasons.All);
        var listed = Schema.GetProperty("properties").GetProperty("reasons").GetProperty("items").GetProperty("enum").EnumerateArray().Select(e => e.GetString());
        Assert.Equal(codes.Order(), listed.Order());
    }

    [Fact]
    public void Every_flag_code_is_listed_in_the_schema()
    {
        var codes = typeof(FlagCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!);
        var listed = Schema.GetProperty("properties").GetProperty("flags").GetProperty("items").GetProperty("enum").EnumerateArray().Select(e => e.GetString());
        Assert.Equal(codes.Order(), listed.Order());
    }

    [Fact]
    public void Every_quality_signal_and_quality_reason_is_listed_in_the_schema()
    {
        var quality = Schema.GetProperty("properties").GetProperty("quality").GetProperty("properties");
        Assert.Equal(QualitySignals.All.Order(), quality.GetProperty("signals").GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(QualityReasons.All.Order(), quality.GetProperty("failed").GetProperty("items").GetProperty("enum").EnumerateArray().Select(e => e.GetString()).Order());
    }

    [Fact]
    public void Every_boilerplate_reason_code_is_listed_in_the_schema()
    {
        var codes = IngestWorker.Text.Cleaning.BoilerplateReasons.Precedence;
        var listed = Schema.GetProperty("properties").GetProperty("boilerplate").GetProperty("properties").GetProperty("removedLines")
            .GetProperty("items").GetProperty("properties").GetProperty("reason").GetProperty("enum").EnumerateArray().Select(e => e.GetString());
        Assert.Equal(codes.Order(), listed.Order());
    }

    [Fact]
    public void The_id_is_stable_per_container_and_name_and_ignores_the_version()
    {
        var a = OutputDocumentFactory.DocumentId(Source);
        Assert.Equal(a, OutputDocumentFactory.DocumentId(Source with { ETag = "\"0x9\"", ContentLength = 3 }));
        Assert.NotEqual(a, OutputDocumentFactory.DocumentId(Source with { Name = "news/b.txt" }));
        Assert.NotEqual(a, OutputDocumentFactory.DocumentId(Source with { Container = "other" }));
        Assert.Matches("^[0-9a-f]{32}$", a);
    }

    [Fact]
    public async Task Removed_lines_are_listed_up_to_the_cap_and_all_of_them_are_counted_per_reason()
    {
        var (pipeline, factory) = Create(new PipelineOptions { MaxRemovedLinesListed = 5 });
        var lines = string.Concat(Enumerable.Range(0, 3000).Select(i => i % 3 == 0 ? "Home\n" : "a\n"));
        var content = Encoding.UTF8.GetBytes(lines);
        var result = await pipeline.RunAsync(Source with { ContentLength = content.Length }, content, CancellationToken.None);
        var json = Serialize(factory.FromResult(result));

        var boilerplate = json.GetProperty("boilerplate");
        var listed = boilerplate.GetProperty("removedLines").EnumerateArray().ToList();
        var count = boilerplate.GetProperty("removedLineCount").GetInt32();
        var removed = result.Document.Cleaning!.Removed;
        Assert.True(count > 2900, $"{count}");
        Assert.Equal(removed.Count, count);
        Assert.Equal(removed.Take(5).Select(r => r.Text), listed.Select(l => l.GetProperty("text").GetString()));
        Assert.Equal(count - 5, boilerplate.GetProperty("removedLinesOmitted").GetInt32());
        var byReason = boilerplate.GetProperty("removedByReason").EnumerateObject().ToList();
        Assert.Equal(count, byReason.Sum(r => r.Value.GetProperty("lines").GetInt32()));
        Assert.Equal(boilerplate.GetProperty("removedChars").GetInt64(), byReason.Sum(r => r.Value.GetProperty("chars").GetInt64()));
        Assert.Equal(removed.Sum(r => (long)r.Text.Length), boilerplate.GetProperty("removedChars").GetInt64());
        Assert.Equal(removed.Count(r => r.Reason == "repeated"), byReason.Single(r => r.Name == "repeated").Value.GetProperty("lines").GetInt32());
        Assert.Empty(MiniJsonSchema.Validate(Schema, json));
    }

    [Fact]
    public async Task A_document_with_few_removed_lines_lists_them_all_and_notes_nothing_omitted()
    {
        var (pipeline, factory) = Create();
        var content = File.ReadAllBytes(TestData.SeedPaths[0]);
        var result = await pipeline.RunAsync(Source with { ContentLength = content.Length }, content, CancellationToken.None);
        var boilerplate = Serialize(factory.FromResult(result)).GetProperty("boilerplate");

        Assert.Equal(boilerplate.GetProperty("removedLineCount").GetInt32(), boilerplate.GetProperty("removedLines").GetArrayLength());
        Assert.False(boilerplate.TryGetProperty("removedLinesOmitted", out _));
    }

    [Fact]
    public void An_outcome_written_before_the_cap_round_trips_without_invented_counts()
    {
        const string before = """{"keptLines":1,"removedChars":4,"removedLines":[{"text":"Home","reason":"navigation"}]}""";
        var options = new JsonSerializerOptions(OutputJsonContext.Default.Options);
        var boilerplate = JsonSerializer.Deserialize<OutputBoilerplate>(before, options)!;
        var again = JsonDocument.Parse(JsonSerializer.Serialize(boilerplate, options)).RootElement;

        Assert.Equal(["keptLines", "removedChars", "removedLines"], again.EnumerateObject().Select(p => p.Name));
    }

    private static (TextPipeline, OutputDocumentFactory) Create(PipelineOptions? custom = null)
    {
        var options = custom ?? new PipelineOptions();
        return (new TextPipeline(TextPipelineBuilder.StandardStages(options, PipelineServices.InMemory())),
            new OutputDocumentFactory(options, TimeProvider.System));
    }

    private static JsonElement Serialize(OutputDocument document) =>
        JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(document, OutputJsonContext.Default.OutputDocument)).RootElement.Clone();
}

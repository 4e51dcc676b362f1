using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IngestWorker.IntegrationTests.Infrastructure;
using IngestWorker.Text.Pipeline;
using Microsoft.Extensions.DependencyInjection;

namespace IngestWorker.IntegrationTests;

public sealed class WorkerEndToEndTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task A_dropped_seed_becomes_a_cleaned_json_document_named_after_it()
    {
        var containers = new TestContainers(azurite);
        var seed = Directory.GetFiles(RepositoryPaths.Seeds, "*.txt").Order().First();
        var bytes = await File.ReadAllBytesAsync(seed);
        await using var worker = await TestWorker.StartAsync(containers);

        var uploaded = await containers.UploadAsync("news/2024/11/" + Path.GetFileName(seed), bytes);
        var outcome = await containers.WaitForOutcomeAsync("news/2024/11/" + Path.GetFileName(seed));

        Assert.True((await containers.Accepted.GetBlobClient("news/2024/11/" + Path.GetFileName(seed) + ".json").ExistsAsync()).Value);
        Assert.Equal("accepted", outcome.GetProperty("status").GetString());
        Assert.Empty(outcome.GetProperty("reasons").EnumerateArray());
        var source = outcome.GetProperty("source");
        Assert.Equal(containers.Input.Name, source.GetProperty("container").GetString());
        Assert.Equal("news/2024/11/" + Path.GetFileName(seed), source.GetProperty("name").GetString());
        Assert.Equal(uploaded.ETag.ToString("H"), source.GetProperty("etag").GetString());
        Assert.Equal(bytes.Length, source.GetProperty("contentLength").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), source.GetProperty("sha256").GetString());
        var text = outcome.GetProperty("text").GetString()!;
        Assert.Contains("Syrian President Bashar Assad", text);
        Assert.DoesNotContain("\r", text);
        Assert.Equal("Syria's Assad Ready to 'Negotiate Everything' with Rebels", outcome.GetProperty("title").GetString());
        // The site chrome above the headline and the doubled caption went, each with its reason.
        Assert.False(text.StartsWith("The News", StringComparison.Ordinal));
        var removed = outcome.GetProperty("boilerplate").GetProperty("removedLines").EnumerateArray()
            .Select(r => (Text: r.GetProperty("text").GetString()!, Reason: r.GetProperty("reason").GetString()!)).ToList();
        Assert.Contains(removed, r => r.Text == "The News");
        Assert.Contains(removed, r => r.Text.StartsWith("Syrian President Bashar Assad, left, speaks", StringComparison.Ordinal));
        Assert.Equal(64, outcome.GetProperty("dedup").GetProperty("contentHash").GetString()!.Length);
        Assert.Equal(JsonValueKind.Null, outcome.GetProperty("dedup").GetProperty("duplicateOf").ValueKind);
        Assert.Equal("1", outcome.GetProperty("pipeline").GetProperty("version").GetString());
        var language = outcome.GetProperty("language");
        Assert.Equal("en", language.GetProperty("code").GetString());
        Assert.True(language.GetProperty("confidence").GetDouble() > 0.9);
        Assert.False(language.GetProperty("mixed").GetBoolean());
        var quality = outcome.GetProperty("quality");
        Assert.Empty(quality.GetProperty("failed").EnumerateArray());
        Assert.InRange(quality.GetProperty("score").GetDouble(), 0.75, 1);
        Assert.True(quality.GetProperty("signals").GetProperty("gopher_word_count").GetDouble() > 300);
    }

    [Fact]
    public async Task A_document_outside_the_allowed_languages_is_rejected_with_its_language()
    {
        var containers = new TestContainers(azurite);
        await using var worker = await TestWorker.StartAsync(containers, new Dictionary<string, string?>
        {
            ["ingestWorker:pipeline:language:allowed:0"] = "de",
            ["ingestWorker:pipeline:language:allowed:1"] = "fr",
        });
        await containers.UploadAsync("english.txt", TestTexts.Article("english"));

        var outcome = await containers.WaitForOutcomeAsync("english.txt");
        Assert.Equal(["language"], outcome.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("en", outcome.GetProperty("language").GetProperty("code").GetString());
        Assert.Contains("not among the allowed languages (de, fr", outcome.GetProperty("rejection").GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_restarted_worker_does_not_process_finished_blobs_again()
    {
        var containers = new TestContainers(azurite);
        await using (var first = await TestWorker.StartAsync(containers))
        {
            for (var i = 0; i < 5; i++)
                await containers.UploadAsync($"doc-{i}.txt", TestTexts.Article($"doc-{i}"));
            await containers.WaitForOutcomesAsync(5);
        }
        var before = (await containers.OutcomesAsync()).ToDictionary(o => o.Name, o => o.ETag);

        await using var second = await TestWorker.StartAsync(containers);
        await second.WaitForScansAsync(3);
        await Task.Delay(500);

        Assert.Empty(second.OutcomeLines());
        var after = (await containers.OutcomesAsync()).ToDictionary(o => o.Name, o => o.ETag);
        Assert.Equal(before, after);

        // The content-hash index survived the restart too.
        await containers.UploadAsync("late-copy.txt", TestTexts.Article("doc-3"));
        var copy = await containers.WaitForOutcomeAsync("late-copy.txt");
        Assert.Equal("doc-3.txt", copy.GetProperty("dedup").GetProperty("duplicateOf").GetString());
    }

    [Fact]
    public async Task A_new_pipeline_version_reprocesses_everything_once()
    {
        var containers = new TestContainers(azurite);
        await using (var v1 = await TestWorker.StartAsync(containers))
        {
            await containers.UploadAsync("one.txt", TestTexts.Article("one"));
            await containers.UploadAsync("two.txt", TestTexts.Article("two"));
            await containers.WaitForOutcomesAsync(2);
        }

        await using var v2 = await TestWorker.StartAsync(containers, new Dictionary<string, string?> { ["ingestWorker:pipeline:version"] = "2" });
        foreach (var name in new[] { "one.txt", "two.txt" })
        {
            var outcome = await containers.WaitForOutcomeAsync(name, d => d.GetProperty("pipeline").GetProperty("version").GetString() == "2");
            // Still accepted: reprocessing a document does not make it a duplicate of itself.
            Assert.Equal("accepted", outcome.GetProperty("status").GetString());
        }
        await v2.WaitForScansAsync(3);
        Assert.Equal(2, (await v2.WaitForOutcomeLinesAsync(2)).Count);
        Assert.Equal(2, (await containers.OutcomesAsync()).Count);
    }

    [Fact]
    public async Task An_overwritten_blob_is_processed_again_and_its_outcome_replaced()
    {
        var containers = new TestContainers(azurite);
        await using var worker = await TestWorker.StartAsync(containers);

        var first = await containers.UploadAsync("story.txt", TestTexts.Article("first version"));
        await containers.WaitForOutcomeAsync("story.txt", d => d.GetProperty("source").GetProperty("etag").GetString() == first.ETag.ToString("H"));
        var corrected = TestTexts.Article("second version");
        var second = await containers.UploadAsync("story.txt", corrected);
        var outcome = await containers.WaitForOutcomeAsync("story.txt", d => d.GetProperty("source").GetProperty("etag").GetString() == second.ETag.ToString("H"));

        Assert.Equal("accepted", outcome.GetProperty("status").GetString());
        Assert.Contains(corrected.Split("\n\n")[1], outcome.GetProperty("text").GetString());
        Assert.Single(await containers.OutcomesAsync());
    }

    [Fact]
    public async Task An_exact_copy_under_another_name_is_rejected_and_names_the_first()
    {
        var containers = new TestContainers(azurite);
        await using var worker = await TestWorker.StartAsync(containers);

        var article = TestTexts.Article("rebels");
        await containers.UploadAsync("original.txt", article);
        var original = await containers.WaitForOutcomeAsync("original.txt");
        Assert.Equal("accepted", original.GetProperty("status").GetString());
        // The same text after normalisation: a BOM, Windows line endings, extra blank lines,
        // trailing spaces and no-break spaces.
        var disguised = "\uFEFF" + article.Replace(" council ", "\u00A0council ", StringComparison.Ordinal).Replace("\n\n", "  \r\n\r\n\r\n", StringComparison.Ordinal);
        await containers.UploadAsync("feeds/copy.txt", disguised);
        var copy = await containers.WaitForOutcomeAsync("feeds/copy.txt");

        Assert.Equal("rejected", copy.GetProperty("status").GetString());
        Assert.Equal(["duplicate_exact"], copy.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("original.txt", copy.GetProperty("dedup").GetProperty("duplicateOf").GetString());
        Assert.Equal(original.GetProperty("text").GetString(), copy.GetProperty("text").GetString());
        Assert.True((await containers.Rejected.GetBlobClient("feeds/copy.txt.json").ExistsAsync()).Value);
    }

    [Fact]
    public async Task Binary_empty_and_oversized_inputs_are_rejected_at_once_with_their_reason()
    {
        var containers = new TestContainers(azurite);
        await using var worker = await TestWorker.StartAsync(containers, new Dictionary<string, string?>
        {
            ["ingestWorker:pipeline:maxInputBytes"] = "1000",
        });

        await containers.UploadAsync("image.txt", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
        await containers.UploadAsync("empty.txt", []);
        await containers.UploadAsync("blank.txt", " \r\n\t\u00A0\r\n");
        await containers.UploadAsync("huge.txt", Encoding.UTF8.GetBytes(new string('a', 5000)));

        var expected = new Dictionary<string, string>
        {
            ["image.txt"] = ReasonCodes.BinaryContent,
            ["empty.txt"] = ReasonCodes.Empty,
            ["blank.txt"] = ReasonCodes.Empty,
            ["huge.txt"] = ReasonCodes.TooLarge,
        };
        foreach (var (name, reason) in expected)
        {
            var outcome = await containers.WaitForOutcomeAsync(name);
            Assert.Equal("rejected", outcome.GetProperty("status").GetString());
            Assert.Equal([reason], outcome.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
            Assert.False(string.IsNullOrWhiteSpace(outcome.GetProperty("rejection").GetProperty("message").GetString()));
        }
        // Rejections are decisions, not failures: each took exactly one attempt and nothing is poisoned.
        var lines = await worker.WaitForOutcomeLinesAsync(4);
        Assert.Equal(4, lines.Count);
        Assert.All(lines, line => Assert.Contains("attempt 1,", line.Message));
        Assert.False((await containers.Poison.GetBlobsAsync().GetAsyncEnumerator().MoveNextAsync()));
    }

    [Fact]
    public async Task A_stage_that_keeps_throwing_poisons_the_blob_after_the_threshold_and_leaves_it_alone()
    {
        var containers = new TestContainers(azurite);
        var stage = new ThrowingStage();
        await using var worker = await TestWorker.StartAsync(containers, new Dictionary<string, string?>
        {
            ["extensions:blobs:poisonBlobThreshold"] = "3",
        }, services => services.AddSingleton(new TextPipeline([stage])));

        var uploaded = await containers.UploadAsync("cursed.txt", "This text makes the pipeline throw.");
        var poison = await containers.WaitForOutcomeAsync("cursed.txt");

        Assert.True((await containers.Poison.GetBlobClient("cursed.txt.json").ExistsAsync()).Value);
        Assert.Equal("failed", poison.GetProperty("status").GetString());
        Assert.Equal(["processing_failed"], poison.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(uploaded.ETag.ToString("H"), poison.GetProperty("source").GetProperty("etag").GetString());
        var error = poison.GetProperty("error");
        Assert.Equal(3, error.GetProperty("attempts").GetInt32());
        Assert.Contains("the stage broke", error.GetProperty("message").GetString());
        Assert.Equal(typeof(InvalidOperationException).FullName, error.GetProperty("type").GetString());
        Assert.Equal(3, stage.Calls);

        // Not retried again while it stays the same...
        await worker.WaitForScansAsync(4);
        Assert.Equal(3, stage.Calls);

        // ...but a new version is a new blob with a fresh count.
        var changed = await containers.UploadAsync("cursed.txt", "A new version, still cursed.");
        await containers.WaitForOutcomeAsync("cursed.txt", d => d.GetProperty("source").GetProperty("etag").GetString() == changed.ETag.ToString("H"));
        Assert.Equal(6, stage.Calls);
    }

    [Fact]
    public async Task Every_log_line_of_a_blob_carries_its_name_etag_and_attempt()
    {
        var containers = new TestContainers(azurite);
        await using var worker = await TestWorker.StartAsync(containers);
        var uploaded = await containers.UploadAsync("scoped/blob.txt", "Some text to follow through the logs.");
        await containers.WaitForOutcomeAsync("scoped/blob.txt");

        var lines = worker.Logs.Entries.Where(e => e.Message.Contains("scoped/blob.txt", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, line =>
        {
            Assert.Equal("scoped/blob.txt", line.Scope["BlobName"]);
            Assert.Equal(uploaded.ETag.ToString("H"), line.Scope["ETag"]);
            Assert.Equal(1, line.Scope["Attempt"]);
        });
    }

    [Fact]
    public async Task A_document_over_its_time_budget_gets_one_rejected_outcome_too_complex_and_is_not_retried()
    {
        var containers = new TestContainers(azurite);
        var stage = new EndlessStage();
        await using var worker = await TestWorker.StartAsync(containers, new Dictionary<string, string?>(),
            services => services.AddSingleton(new TextPipeline([stage], TimeSpan.FromMilliseconds(200))));

        await containers.UploadAsync("endless.txt", "This text never finishes.");
        var outcome = await containers.WaitForOutcomeAsync("endless.txt");

        Assert.Equal("rejected", outcome.GetProperty("status").GetString());
        Assert.Equal(["too_complex"], outcome.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        var rejection = outcome.GetProperty("rejection");
        Assert.Equal("endless", rejection.GetProperty("stage").GetString());
        Assert.Contains("maxDocumentTime", rejection.GetProperty("message").GetString());
        await worker.WaitForScansAsync(3);
        Assert.Equal(1, stage.Calls);
        Assert.False(await containers.Poison.GetBlobsAsync().GetAsyncEnumerator().MoveNextAsync());
    }

    /// <summary>CPU work that never ends on its own but checks its token, as the real stages do.</summary>
    private sealed class EndlessStage : IPipelineStage
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public string Name => "endless";

        public ValueTask<StageVerdict> ProcessAsync(PipelineDocument document, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Thread.Sleep(5);
            }
        }
    }

    private sealed class ThrowingStage : IPipelineStage
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public string Name => "throws";

        public ValueTask<StageVerdict> ProcessAsync(PipelineDocument document, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            throw new InvalidOperationException("the stage broke on " + document.Source.Name);
        }
    }
}

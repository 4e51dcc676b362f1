using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Text.Json;
using IngestWorker.IntegrationTests.Infrastructure;
using IngestWorker.Text.Tests.Quality;

namespace IngestWorker.IntegrationTests;

/// <summary>The quality stage inside the worker, its settings, and the offline re-decide command.</summary>
public sealed class QualityTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Every_seed_is_accepted_with_its_score_and_every_signal()
    {
        var containers = new TestContainers(azurite);
        await using var worker = await TestWorker.StartAsync(containers);
        var seeds = Directory.GetFiles(RepositoryPaths.Seeds, "*.txt").Order(StringComparer.Ordinal).ToList();
        foreach (var seed in seeds)
            await containers.UploadAsync("seeds/" + Path.GetFileName(seed), await File.ReadAllBytesAsync(seed));

        foreach (var seed in seeds)
        {
            var outcome = await containers.WaitForOutcomeAsync("seeds/" + Path.GetFileName(seed));
            Assert.Equal("accepted", outcome.GetProperty("status").GetString());
            var quality = outcome.GetProperty("quality");
            Assert.Empty(quality.GetProperty("failed").EnumerateArray());
            Assert.InRange(quality.GetProperty("score").GetDouble(), 0.75, 1);
            var signals = quality.GetProperty("signals");
            Assert.Equal(1, signals.GetProperty("unicode_expected_script_frac").GetDouble(), 2);
            Assert.True(signals.GetProperty("gopher_distinct_stop_words").GetDouble() >= 2);
            Assert.Contains("quality", outcome.GetProperty("pipeline").GetProperty("stages").EnumerateArray().Select(s => s.GetString()));
        }
    }

    [Fact]
    public async Task Junk_that_survives_cleaning_is_rejected_by_quality_with_every_rule_it_fails()
    {
        var containers = new TestContainers(azurite);
        await using var worker = await TestWorker.StartAsync(containers);
        // A page published with its template's placeholder paragraph still in it (lorem ipsum alone
        // is rejected earlier, by the language stage: the model is not confident it is any language).
        await containers.UploadAsync("junk/lorem.txt", QualityTexts.ShortBrief + "\n\n" + QualityTexts.LoremIpsum.Split("\n\n")[0]);
        await containers.UploadAsync("junk/spam.txt", QualityTexts.KeywordSpam);
        await containers.UploadAsync("junk/repeated.txt", QualityTexts.RepeatedParagraphs);
        await containers.UploadAsync("junk/brief.txt", QualityTexts.TooShortBrief);

        await AssertQualityRejection("junk/lorem.txt", "c4_lorem_ipsum");
        await AssertQualityRejection("junk/spam.txt", "top_2_gram", "duplicated_5_n_grams");
        await AssertQualityRejection("junk/brief.txt", "c4_too_few_sentences");
        var brief = await containers.WaitForOutcomeAsync("junk/brief.txt");
        Assert.Equal(["c4_too_few_sentences"], brief.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains("c4_sentences = 4, threshold 5", brief.GetProperty("rejection").GetProperty("message").GetString());

        // The cleaner removes the repeated promotion before quality sees it; what is left is too short.
        var repeated = await containers.WaitForOutcomeAsync("junk/repeated.txt");
        Assert.Equal("rejected", repeated.GetProperty("status").GetString());
        Assert.DoesNotContain("Sign up for our free newsletter", repeated.GetProperty("text").GetString());

        async Task AssertQualityRejection(string name, params string[] reasons)
        {
            var outcome = await containers.WaitForOutcomeAsync(name);
            Assert.Equal("rejected", outcome.GetProperty("status").GetString());
            Assert.Equal("quality", outcome.GetProperty("rejection").GetProperty("stage").GetString());
            var listed = outcome.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).ToList();
            Assert.Equal(outcome.GetProperty("quality").GetProperty("failed").EnumerateArray().Select(r => r.GetString()), listed);
            foreach (var reason in reasons)
                Assert.Contains(reason, listed);
            Assert.InRange(outcome.GetProperty("quality").GetProperty("score").GetDouble(), 0, 0.45);
            Assert.False(outcome.TryGetProperty("dedup", out _)); // rejected before deduplication
        }
    }

    [Fact]
    public async Task A_chinese_article_is_accepted_although_it_has_no_spaces()
    {
        var containers = new TestContainers(azurite);
        await using var worker = await TestWorker.StartAsync(containers);
        await containers.UploadAsync("zh/metro.txt", "上海地铁十八号线二期工程开通\n\n" + QualityTexts.Chinese);
        await containers.UploadAsync("ja/snow.txt", "日本海側で大雪の見込み\n\n" + QualityTexts.Japanese);

        foreach (var (name, language) in new[] { ("zh/metro.txt", "zh"), ("ja/snow.txt", "ja") })
        {
            var outcome = await containers.WaitForOutcomeAsync(name);
            Assert.Equal("accepted", outcome.GetProperty("status").GetString());
            Assert.Equal(language, outcome.GetProperty("language").GetProperty("code").GetString());
            var signals = outcome.GetProperty("quality").GetProperty("signals");
            Assert.Equal(1, signals.GetProperty("text_spaceless_script").GetDouble());
            Assert.True(signals.GetProperty("gopher_word_count").GetDouble() > 300);
        }
    }

    [Fact]
    public async Task Thresholds_and_families_come_from_the_configuration()
    {
        var containers = new TestContainers(azurite);
        await using var worker = await TestWorker.StartAsync(containers, new Dictionary<string, string?>
        {
            ["ingestWorker:pipeline:quality:gopherQuality:minWords"] = "100000",
            ["ingestWorker:pipeline:quality:gopherQuality:maxWords"] = "200000",
            ["ingestWorker:pipeline:quality:c4:enabled"] = "false",
        });
        await containers.UploadAsync("strict/seed.txt", await File.ReadAllBytesAsync(Directory.GetFiles(RepositoryPaths.Seeds, "*.txt").Order().First()));
        await containers.UploadAsync("strict/brief.txt", QualityTexts.TooShortBrief);

        var seed = await containers.WaitForOutcomeAsync("strict/seed.txt");
        Assert.Equal(["gopher_short_doc"], seed.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains("threshold 100000", seed.GetProperty("rejection").GetProperty("message").GetString());
        // C4 is off, so the brief's four sentences no longer count against it; only its length does.
        var brief = await containers.WaitForOutcomeAsync("strict/brief.txt");
        Assert.Equal(["gopher_short_doc"], brief.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task The_redecide_command_re_thresholds_downloaded_outputs_without_reprocessing()
    {
        var containers = new TestContainers(azurite);
        await using (var worker = await TestWorker.StartAsync(containers))
        {
            foreach (var seed in Directory.GetFiles(RepositoryPaths.Seeds, "*.txt"))
                await containers.UploadAsync(Path.GetFileName(seed), await File.ReadAllBytesAsync(seed));
            await containers.UploadAsync("brief.txt", QualityTexts.TooShortBrief);
            await containers.UploadAsync("lorem.txt", QualityTexts.LoremIpsum);
            await containers.UploadAsync("image.txt", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]);
            await containers.WaitForOutcomesAsync(8);
        }

        var folder = Directory.CreateTempSubdirectory("redecide-");
        var outputs = Path.Combine(folder.FullName, "outputs");
        foreach (var outcome in await containers.OutcomesAsync())
        {
            var path = Path.Combine(outputs, outcome.Container, outcome.Name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await outcome.Client.GetBlobClient(outcome.Name).DownloadToAsync(path);
        }
        var seedWords = Directory.GetFiles(Path.Combine(outputs, containers.Accepted.Name))
            .Select(p => JsonDocument.Parse(File.ReadAllText(p)).RootElement.GetProperty("quality").GetProperty("signals").GetProperty("gopher_word_count").GetDouble())
            .ToList();
        Assert.Equal(5, seedWords.Count);
        var median = seedWords.Order().ElementAt(2);

        // Seeds shorter than the median now fail (a dry run: nothing is written).
        var (exitCode, output) = await RunCliAsync(containers,
            "redecide", outputs, $"--ingestWorker:pipeline:quality:gopherQuality:minWords={median}");
        Assert.True(exitCode == 0, output);
        Assert.Contains("dry run", output);
        Assert.True(Regex.IsMatch(output, @"accepted -> rejected\s+2\n"), output);
        Assert.True(Regex.IsMatch(output, @"accepted -> accepted\s+3\n"), output);
        Assert.True(Regex.IsMatch(output, @"rejected -> rejected\s+3\n"), output);
        Assert.True(Regex.IsMatch(output, @"gopher_short_doc\s+3\n"), output); // two seeds and the brief
        Assert.Contains("2 had no quality signals", output);          // lorem ipsum (language) and the image

        // Four sentences are now enough: the brief is accepted, written to --out.
        var redecided = Path.Combine(folder.FullName, "redecided");
        (exitCode, output) = await RunCliAsync(containers,
            "redecide", outputs, "--out", redecided, "--ingestWorker:pipeline:quality:c4:minSentences=4");
        Assert.True(exitCode == 0, output);
        Assert.True(Regex.IsMatch(output, @"rejected -> accepted\s+1\n"), output);
        Assert.True(Regex.IsMatch(output, @"accepted -> accepted\s+5\n"), output);
        Assert.True(Regex.IsMatch(output, @"rejected -> rejected\s+2\n"), output);

        JsonElement Read(string container, string name) =>
            JsonDocument.Parse(File.ReadAllText(Path.Combine(redecided, container, name + ".json"))).RootElement;
        var brief = Read(containers.Rejected.Name, "brief.txt");
        Assert.Equal("accepted", brief.GetProperty("status").GetString());
        Assert.Empty(brief.GetProperty("reasons").EnumerateArray());
        Assert.False(brief.TryGetProperty("rejection", out _));
        Assert.Equal(["dedup_not_checked"], brief.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.True(brief.GetProperty("quality").TryGetProperty("redecidedAt", out _));
        Assert.Equal(QualityTexts.TooShortBrief, brief.GetProperty("text").GetString(), ignoreLineEndingDifferences: true);
        var image = Read(containers.Rejected.Name, "image.txt");
        Assert.Equal(["binary_content"], image.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(8, Directory.GetFiles(redecided, "*.json", SearchOption.AllDirectories).Length);
        // The downloaded originals are untouched.
        var original = JsonDocument.Parse(File.ReadAllText(Path.Combine(outputs, containers.Rejected.Name, "brief.txt.json"))).RootElement;
        Assert.Equal("rejected", original.GetProperty("status").GetString());

        // A threshold out of range is refused, naming its key.
        var (badExit, bad) = await RunCliAsync(containers, "redecide", outputs, "--ingestWorker:pipeline:quality:fineWeb:maxShortLineFrac=7");
        Assert.Equal(2, badExit);
        Assert.Contains("ingestWorker:pipeline:quality:fineWeb:maxShortLineFrac", bad);
        folder.Delete(recursive: true);
    }

    private static async Task<(int ExitCode, string Output)> RunCliAsync(TestContainers containers, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        info.ArgumentList.Add(RepositoryPaths.CliDll);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        info.Environment["AzureWebJobsStorage"] = containers.ConnectionString;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}

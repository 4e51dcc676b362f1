using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using IngestWorker.IntegrationTests.Infrastructure;
using IngestWorker.Statistics;
using IngestWorker.Text.Tests.Quality;

namespace IngestWorker.IntegrationTests;

/// <summary>
/// Run statistics end to end: real workers count their outcomes and flush them when they stop, and
/// the real CLI merges the workers' hourly files and rolls them up.
/// </summary>
public sealed class RunStatisticsTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly string[] Seeds = Directory.GetFiles(RepositoryPaths.Seeds, "*.txt").Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task Stats_reports_per_filter_documents_and_characters_merged_across_workers_and_by_period()
    {
        var containers = new TestContainers(azurite);
        // Two worker processes' lives, one after the other: each flushes its own file when it stops.
        await using (var first = await TestWorker.StartAsync(containers))
        {
            await containers.UploadAsync("a.txt", await File.ReadAllBytesAsync(Seeds[0]));
            await containers.UploadAsync("b.txt", await File.ReadAllBytesAsync(Seeds[1]));
            await containers.UploadAsync("noextension", "no extension: unsupported_format");
            await containers.UploadAsync("brief.txt", QualityTexts.TooShortBrief);
            await containers.WaitForOutcomesAsync(4);
            await first.WaitForOutcomeLinesAsync(4);
        }
        await using (var second = await TestWorker.StartAsync(containers))
        {
            await containers.UploadAsync("c.txt", await File.ReadAllBytesAsync(Seeds[2]));
            await containers.UploadAsync("copy.txt", await File.ReadAllBytesAsync(Seeds[0]));
            await containers.UploadAsync("blank.txt", " \n\u200B\n ");
            await containers.WaitForOutcomesAsync(7);
            await second.WaitForOutcomeLinesAsync(3);
        }

        // What the statistics must say, from the outcome documents themselves.
        var documents = new List<JsonElement>();
        foreach (var outcome in await containers.OutcomesAsync())
            documents.Add(JsonDocument.Parse((await outcome.Client.GetBlobClient(outcome.Name).DownloadContentAsync()).Value.Content.ToMemory()).RootElement.Clone());
        var accepted = documents.Where(d => d.GetProperty("status").GetString() == "accepted").ToList();
        var rejected = documents.Where(d => d.GetProperty("status").GetString() == "rejected").ToList();
        Assert.Equal(7, accepted.Count + rejected.Count);
        Assert.True(rejected.Count >= 4, string.Join(", ", rejected.Select(d => d.GetProperty("reasons")[0].GetString())));
        var input = (await Task.WhenAll(new[] { "a.txt", "b.txt", "noextension", "brief.txt", "c.txt", "copy.txt", "blank.txt" }
            .Select(async n => (await containers.Input.GetBlobClient(n).GetPropertiesAsync()).Value.ContentLength))).Sum();

        var result = await CliProcess.RunAsync(containers, new Dictionary<string, string?>(), "stats", "--by", "total", "--json");
        Assert.True(result.ExitCode == 0, result.Output);
        var report = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal("total", report.GetProperty("by").GetString());
        var bucket = Assert.Single(report.GetProperty("buckets").EnumerateArray());
        Assert.Equal(2, bucket.GetProperty("workers").GetArrayLength());
        var totals = bucket.GetProperty("totals");
        Assert.Equal(7, totals.GetProperty("documents").GetInt64());
        Assert.Equal(accepted.Count, totals.GetProperty("accepted").GetInt64());
        Assert.Equal(rejected.Count, totals.GetProperty("rejected").GetInt64());
        Assert.Equal(0, totals.GetProperty("poisoned").GetInt64());
        Assert.Equal(input, totals.GetProperty("inputBytes").GetInt64());
        Assert.Equal(accepted.Sum(d => d.GetProperty("text").GetString()!.Length), totals.GetProperty("outputChars").GetInt64());

        var steps = bucket.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
        Assert.Equal("size_limit", bucket.GetProperty("steps")[0].GetProperty("name").GetString());
        Assert.Equal(7, steps["size_limit"].GetProperty("documentsIn").GetInt64());
        foreach (var group in rejected.GroupBy(d => d.GetProperty("rejection").GetProperty("stage").GetString()!))
        {
            var step = steps[group.Key];
            Assert.Equal(group.Count(), step.GetProperty("documentsDropped").GetInt64());
            foreach (var reason in group.GroupBy(d => d.GetProperty("rejection").GetProperty("code").GetString()!))
                Assert.Equal(reason.Count(), step.GetProperty("reasons").GetProperty(reason.Key).GetProperty("documents").GetInt64());
        }
        foreach (var step in steps.Values)
        {
            Assert.Equal(step.GetProperty("documentsIn").GetInt64() - step.GetProperty("documentsDropped").GetInt64(), step.GetProperty("documentsForwarded").GetInt64());
            Assert.Equal(step.GetProperty("reasons").EnumerateObject().Sum(r => r.Value.GetProperty("documents").GetInt64()), step.GetProperty("documentsDropped").GetInt64());
        }
        // Dropped before it had text: a document but no characters.
        Assert.Equal(1, steps["detect_format"].GetProperty("reasons").GetProperty("unsupported_format").GetProperty("documents").GetInt64());
        Assert.Equal(0, steps["detect_format"].GetProperty("charsRemoved").GetInt64());
        // A document dropped by a filter counts all of the text it reached the filter with.
        var brief = rejected.Single(d => d.GetProperty("source").GetProperty("name").GetString() == "brief.txt");
        Assert.Equal("quality", brief.GetProperty("rejection").GetProperty("stage").GetString());
        Assert.Equal(brief.GetProperty("text").GetString()!.Length,
            steps["quality"].GetProperty("reasons").GetProperty(brief.GetProperty("rejection").GetProperty("code").GetString()!).GetProperty("chars").GetInt64());
        Assert.Equal(1, steps["exact_dedup"].GetProperty("reasons").GetProperty("duplicate_exact").GetProperty("documents").GetInt64());
        Assert.Equal(1, steps["normalize"].GetProperty("reasons").GetProperty("empty").GetProperty("documents").GetInt64());
        // The seeds are scraped pages: cleaning cut lines from them, and the characters are counted.
        Assert.True(steps["boilerplate"].GetProperty("charsRemoved").GetInt64() > 0, steps["boilerplate"].ToString());
        // The accepted documents' text is what the last stage let through.
        var last = bucket.GetProperty("steps")[bucket.GetProperty("steps").GetArrayLength() - 1];
        Assert.Equal(totals.GetProperty("outputChars").GetInt64(), last.GetProperty("charsOut").GetInt64());

        // An older hour from another worker: its own day, and outside --from.
        var oldHour = new DateTimeOffset(2020, 1, 1, 5, 0, 0, TimeSpan.Zero);
        var old = new HourlyStatisticsFile { PipelineVersion = "1", Hour = oldHour, Worker = "old-1-00000000", UpdatedAt = oldHour.AddMinutes(59) };
        old.Statistics.Totals.Documents = old.Statistics.Totals.Accepted = 3;
        await containers.State.GetBlobClient(HourlyStatisticsFile.BlobName("1", oldHour, old.Worker))
            .UploadAsync(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(old, HourlyStatisticsFile.Json)), overwrite: true);
        // And a file of another pipeline version, which never counts.
        await containers.State.GetBlobClient(HourlyStatisticsFile.BlobName("2", oldHour, old.Worker))
            .UploadAsync(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(old, HourlyStatisticsFile.Json)), overwrite: true);

        result = await CliProcess.RunAsync(containers, new Dictionary<string, string?>(), "stats", "--by", "day", "--json");
        Assert.True(result.ExitCode == 0, result.Output);
        var days = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("buckets").EnumerateArray().ToList();
        Assert.Equal(2, days.Count);
        Assert.Equal(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), days[0].GetProperty("start").GetDateTimeOffset());
        Assert.Equal(3, days[0].GetProperty("totals").GetProperty("documents").GetInt64());
        Assert.Equal(7, days[1].GetProperty("totals").GetProperty("documents").GetInt64());

        result = await CliProcess.RunAsync(containers, new Dictionary<string, string?>(), "stats", "--json");
        var hours = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("buckets").EnumerateArray().ToList();
        Assert.Equal(oldHour, hours[0].GetProperty("start").GetDateTimeOffset());
        Assert.Equal(10, hours.Sum(h => h.GetProperty("totals").GetProperty("documents").GetInt64()));

        result = await CliProcess.RunAsync(containers, new Dictionary<string, string?>(), "stats", "--from", "2021-01-01T00:00:00Z", "--by", "total");
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Matches(new Regex(@"\n  detect_format\s+7\s+1\s+14\.3%\s+0\s+0  unsupported_format 1\n"), result.Stdout);
        Assert.Matches(new Regex(@"\n  total: 7 documents \(" + accepted.Count + " accepted, " + rejected.Count + " rejected, 0 poisoned\\)"), result.Stdout);

        result = await CliProcess.RunAsync(containers, new Dictionary<string, string?>(), "stats", "--by", "week");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--by takes hour, day or total", result.Output);
    }
}

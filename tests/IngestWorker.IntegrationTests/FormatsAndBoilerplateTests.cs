using System.IO.Compression;
using System.Text;
using System.Text.Json;
using IngestWorker.IntegrationTests.Infrastructure;

namespace IngestWorker.IntegrationTests;

public sealed class FormatsAndBoilerplateTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Story =
        "The city council approved the new budget on Tuesday after a debate that lasted well into the night. " +
        "Members argued over road repairs, school funding and the cost of the new library.";

    private const string Story2 =
        "Residents who spoke at the meeting said they were worried about rising property taxes, " +
        "and several asked the council to delay the vote until the spring. " +
        "The mayor said she would answer their letters within a week. A final vote is expected in January.";

    [Fact]
    public async Task Html_markdown_json_and_gzip_inputs_are_read_by_their_format_and_cleaned()
    {
        var containers = new TestContainers(azurite);
        // The same story in four formats is, rightly, four near duplicates; here only reading counts.
        await using var worker = await TestWorker.StartAsync(containers, new Dictionary<string, string?>
        {
            ["ingestWorker:pipeline:nearDuplicates:enabled"] = "false",
        });

        var html = $"""
            <!DOCTYPE html><html><head><title>Council passes budget - City News</title>
            <meta property="og:site_name" content="City News"><meta property="og:url" content="https://citynews.example/budget">
            <meta property="article:published_time" content="2024-11-19T09:00:00Z"></head>
            <body><nav><a href="/">Home</a> <a href="/politics">Politics</a> <a href="/sport">Sport</a></nav>
            <article><h1>Council passes budget</h1><p>{Story}</p><p>{Story2}</p></article>
            <footer>© 2024 City News. All rights reserved.</footer></body></html>
            """;
        await containers.UploadAsync("web/budget.html", html);
        // Each copy has a sentence of its own, or exact deduplication would reject all but the first.
        await containers.UploadAsync("md/budget.md", $"# Council passes budget\n\n{Story}\n\n{Story2}\n\n{Own("Markdown")}\n");
        await containers.UploadAsync("json/budget.json", JsonSerializer.Serialize(new { title = "Council passes budget", url = "https://other.example/b", text = $"{Story}\n\n{Story2}\n\n{Own("JSON")}" }));
        await containers.UploadAsync("gz/budget.txt.gz", Gzip($"Council passes budget\n\n{Story}\n\n{Story2}\n\n{Own("gzip")}\n"));

        var fromHtml = await containers.WaitForOutcomeAsync("web/budget.html");
        Assert.Equal("accepted", fromHtml.GetProperty("status").GetString());
        Assert.Equal("html", fromHtml.GetProperty("source").GetProperty("format").GetString());
        Assert.Equal("Council passes budget", fromHtml.GetProperty("title").GetString());
        var text = fromHtml.GetProperty("text").GetString()!;
        Assert.Contains(Story, text);
        Assert.Contains(Story2, text);
        Assert.DoesNotContain("Politics", text);
        Assert.DoesNotContain("All rights reserved", text);
        var removed = fromHtml.GetProperty("boilerplate").GetProperty("removedLines").EnumerateArray().ToList();
        Assert.Contains(removed, r => r.GetProperty("text").GetString()!.Contains("Politics"));
        Assert.All(removed, r => Assert.False(string.IsNullOrEmpty(r.GetProperty("reason").GetString())));
        Assert.Equal("https://citynews.example/budget", fromHtml.GetProperty("metadata").GetProperty("url").GetString());
        Assert.Equal("City News", fromHtml.GetProperty("metadata").GetProperty("site").GetString());

        foreach (var (name, format) in new[] { ("md/budget.md", "markdown"), ("json/budget.json", "json"), ("gz/budget.txt.gz", "text") })
        {
            var outcome = await containers.WaitForOutcomeAsync(name);
            Assert.Equal(format, outcome.GetProperty("source").GetProperty("format").GetString());
            Assert.Equal("accepted", outcome.GetProperty("status").GetString());
            Assert.Contains(Story, outcome.GetProperty("text").GetString());
            Assert.Equal("Council passes budget", outcome.GetProperty("title").GetString());
        }
        var gz = await containers.WaitForOutcomeAsync("gz/budget.txt.gz");
        Assert.Equal("gzip", gz.GetProperty("source").GetProperty("compression").GetString());
    }

    private static string Own(string format) =>
        $"This copy of the report arrived as {format}, and the clerk filed it with the other minutes of the meeting.";

    [Fact]
    public async Task Unknown_and_mismatched_types_are_rejected_with_a_clear_reason()
    {
        var containers = new TestContainers(azurite);
        await using var worker = await TestWorker.StartAsync(containers);
        await containers.UploadAsync("report.docx", "not really a docx");
        await containers.UploadAsync("data.json", "this is not JSON at all");

        var docx = await containers.WaitForOutcomeAsync("report.docx");
        Assert.Equal(["unsupported_format"], docx.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        var json = await containers.WaitForOutcomeAsync("data.json");
        Assert.Equal(["format_mismatch"], json.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains("not valid JSON", json.GetProperty("rejection").GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_line_recurring_across_a_folder_is_learned_as_the_site_template_and_removed()
    {
        var containers = new TestContainers(azurite);
        await using var worker = await TestWorker.StartAsync(containers, new Dictionary<string, string?>
        {
            ["ingestWorker:pipeline:siteTemplates:minDocuments"] = "3",
        });
        // Reads like prose, so only its recurrence gives it away as the site's furniture.
        const string footer = "This story was produced by the regional desk of our newsroom in Springfield.";
        var outcomes = new List<JsonElement>();
        for (var i = 0; i < 4; i++)
        {
            await containers.UploadAsync($"springfield/story-{i}.txt",
                $"Story number {i} about the harvest\n\nFarmers in district {i} brought in {i + 3} thousand tonnes of wheat this year, more than they had expected after the dry spring.\n\nPrices at the market held steady, traders in district {i} said on Monday.\n\n{footer}\n");
            outcomes.Add(await containers.WaitForOutcomeAsync($"springfield/story-{i}.txt"));
        }

        // Documents 1 and 2 keep it (seen in fewer than 3 documents so far); from the third on it is template.
        Assert.Contains(footer, outcomes[0].GetProperty("text").GetString());
        Assert.Contains(footer, outcomes[1].GetProperty("text").GetString());
        foreach (var later in outcomes[2..])
        {
            Assert.DoesNotContain(footer, later.GetProperty("text").GetString());
            Assert.Contains(later.GetProperty("boilerplate").GetProperty("removedLines").EnumerateArray(),
                r => r.GetProperty("text").GetString() == footer && r.GetProperty("reason").GetString() == "site_template");
            Assert.Equal($"folder:{containers.Input.Name}/springfield", later.GetProperty("boilerplate").GetProperty("siteKey").GetString());
        }
    }

    private static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            gzip.Write(Encoding.UTF8.GetBytes(text));
        return output.ToArray();
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs.Models;
using IngestWorker.IntegrationTests.Infrastructure;
using IngestWorker.Storage;
using IngestWorker.Text.Tests.Quality;

namespace IngestWorker.IntegrationTests;

/// <summary>The operator commands <c>status</c> and <c>prune-receipts</c>, run as the real CLI process against storage a real worker left.</summary>
public sealed class OperatorCommandTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly string[] Seeds = Directory.GetFiles(RepositoryPaths.Seeds, "*.txt").Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task Status_counts_outcomes_and_inputs_and_names_the_oldest_unprocessed()
    {
        var containers = new TestContainers(azurite);
        await using (var worker = await TestWorker.StartAsync(containers))
        {
            // Names whose receipts list in another order than the names ('@' sorts between '.' and
            // the letters), and one with an '@' of its own.
            await containers.UploadAsync("a.txt", await File.ReadAllBytesAsync(Seeds[0]));
            await containers.UploadAsync("a/b.txt", await File.ReadAllBytesAsync(Seeds[1]));
            await containers.UploadAsync("mail@example.txt", await File.ReadAllBytesAsync(Seeds[2]));
            await containers.UploadAsync("news/1.txt", await File.ReadAllBytesAsync(Seeds[3]));
            await containers.UploadAsync("a", "no extension: unsupported_format");
            await containers.UploadAsync("a/b.txt2", "no extension we read: unsupported_format");
            await containers.UploadAsync("ab.txt", QualityTexts.TooShortBrief);
            await containers.WaitForOutcomesAsync(7);
            await worker.WaitForOutcomeLinesAsync(7);
        }
        var overwritten = await containers.UploadAsync("a.txt", await File.ReadAllBytesAsync(Seeds[4]));
        // Last-Modified has whole seconds: the two unprocessed inputs must not tie.
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        await containers.UploadAsync("late.txt", "not processed yet");

        var (exitCode, output, json) = await RunCliAsync(containers, "status", "--json");
        Assert.True(exitCode == 0, output);
        var status = JsonDocument.Parse(json).RootElement;
        Assert.Equal("1", status.GetProperty("pipelineVersion").GetString());
        var outcomes = status.GetProperty("outcomes");
        Assert.Equal(containers.Accepted.Name, outcomes.GetProperty("accepted").GetProperty("container").GetString());
        Assert.Equal(4, outcomes.GetProperty("accepted").GetProperty("count").GetInt64());
        Assert.Equal(3, outcomes.GetProperty("rejected").GetProperty("count").GetInt64());
        Assert.Equal(0, outcomes.GetProperty("poison").GetProperty("count").GetInt64());
        var inputs = status.GetProperty("inputs");
        Assert.Equal(containers.Input.Name, inputs.GetProperty("container").GetString());
        Assert.Equal(8, inputs.GetProperty("total").GetInt64());
        Assert.Equal(6, inputs.GetProperty("withReceipt").GetInt64());
        Assert.Equal(2, inputs.GetProperty("unprocessed").GetInt64());
        var oldest = inputs.GetProperty("oldestUnprocessed");
        Assert.Equal("a.txt", oldest.GetProperty("name").GetString());
        Assert.Equal(overwritten.LastModified, oldest.GetProperty("lastModified").GetDateTimeOffset());

        // Ages are measured from --now when it is given.
        var anHourLater = overwritten.LastModified.AddHours(1).ToString("o", CultureInfo.InvariantCulture);
        (exitCode, output, json) = await RunCliAsync(containers, "status", "--json", "--now", anHourLater);
        Assert.True(exitCode == 0, output);
        Assert.Equal(3600, JsonDocument.Parse(json).RootElement.GetProperty("inputs").GetProperty("oldestUnprocessed").GetProperty("ageSeconds").GetInt64());

        (exitCode, output, json) = await RunCliAsync(containers, "status", "--now", anHourLater);
        Assert.True(exitCode == 0, output);
        Assert.Matches(new Regex(@"accepted \(" + containers.Accepted.Name + @"\)\s+4\n"), output);
        Assert.Matches(new Regex(@"rejected \(" + containers.Rejected.Name + @"\)\s+3\n"), output);
        Assert.Matches(new Regex(@"total\s+8\n"), output);
        Assert.Matches(new Regex(@"with a receipt under version 1\s+6\n"), output);
        Assert.Matches(new Regex(@"unprocessed\s+2\n"), output);
        Assert.Matches(new Regex(@"oldest unprocessed\s+a\.txt, last modified \S+Z \(1h 0m ago\)"), output);

        // Under a prefix only the names starting with it count, inputs and outcomes alike.
        (exitCode, output, json) = await RunCliAsync(containers, "status", "--prefix", "a/", "--json");
        Assert.True(exitCode == 0, output);
        status = JsonDocument.Parse(json).RootElement;
        Assert.Equal("a/", status.GetProperty("prefix").GetString());
        Assert.Equal(1, status.GetProperty("outcomes").GetProperty("accepted").GetProperty("count").GetInt64());
        Assert.Equal(1, status.GetProperty("outcomes").GetProperty("rejected").GetProperty("count").GetInt64());
        inputs = status.GetProperty("inputs");
        Assert.Equal(2, inputs.GetProperty("total").GetInt64());
        Assert.Equal(2, inputs.GetProperty("withReceipt").GetInt64());
        Assert.Equal(0, inputs.GetProperty("unprocessed").GetInt64());
        Assert.Equal(JsonValueKind.Null, inputs.GetProperty("oldestUnprocessed").ValueKind);

        var (badExit, bad, _) = await RunCliAsync(containers, "status", "--prefixes", "a/");
        Assert.Equal(1, badExit);
        Assert.Contains("status: unknown option --prefixes", bad);
    }

    [Fact]
    public async Task Prune_receipts_deletes_old_receipts_of_gone_input_versions_and_other_pipeline_versions_and_nothing_is_reprocessed()
    {
        var containers = new TestContainers(azurite);
        var uploaded = new Dictionary<string, BlobContentInfo>(StringComparer.Ordinal);
        await using (var worker = await TestWorker.StartAsync(containers, Version("0")))
        {
            uploaded["a.txt"] = await containers.UploadAsync("a.txt", await File.ReadAllBytesAsync(Seeds[0]));
            uploaded["b.txt"] = await containers.UploadAsync("b.txt", await File.ReadAllBytesAsync(Seeds[1]));
            await containers.WaitForOutcomesAsync(2);
            await worker.WaitForOutcomeLinesAsync(2);
        }
        BlobContentInfo overwritten;
        await using (var worker = await TestWorker.StartAsync(containers, Version("1")))
        {
            uploaded["c.txt"] = await containers.UploadAsync("c.txt", await File.ReadAllBytesAsync(Seeds[2]));
            uploaded["d.txt"] = await containers.UploadAsync("d.txt", await File.ReadAllBytesAsync(Seeds[3]));
            uploaded["e@mail.txt"] = await containers.UploadAsync("e@mail.txt", await File.ReadAllBytesAsync(Seeds[4]));
            foreach (var name in uploaded.Keys)
                await containers.WaitForOutcomeAsync(name, d => d.GetProperty("pipeline").GetProperty("version").GetString() == "1");
            overwritten = await containers.UploadAsync("c.txt", QualityTexts.TooShortBrief);
            await containers.WaitForOutcomeAsync("c.txt", d => d.GetProperty("source").GetProperty("etag").GetString() == overwritten.ETag.ToString("H"));
            await worker.WaitForOutcomeLinesAsync(6);
        }
        await containers.Input.DeleteBlobAsync("d.txt");
        await containers.Input.DeleteBlobAsync("e@mail.txt");

        string Receipt(string version, string name, BlobContentInfo info) => BlobNames.Receipt(version, containers.Input.Name, name, info.ETag.ToString("H"));
        string[] current = [Receipt("1", "a.txt", uploaded["a.txt"]), Receipt("1", "b.txt", uploaded["b.txt"]), Receipt("1", "c.txt", overwritten)];
        string[] gone =
        [
            Receipt("0", "a.txt", uploaded["a.txt"]), Receipt("0", "b.txt", uploaded["b.txt"]),
            Receipt("1", "c.txt", uploaded["c.txt"]), Receipt("1", "d.txt", uploaded["d.txt"]), Receipt("1", "e@mail.txt", uploaded["e@mail.txt"]),
        ];
        Assert.Equal(current.Concat(gone).Order(StringComparer.Ordinal), await ReceiptsAsync(containers));
        var processedAt = await ProcessedAtAsync(containers, "a.txt", "b.txt", "c.txt");

        // Today every receipt is younger than a day: nothing goes.
        var (exitCode, output, json) = await RunCliAsync(containers, "prune-receipts", "--older-than", "1");
        Assert.True(exitCode == 0, output);
        Assert.Matches(new Regex(@"examined\s+8\n"), output);
        Assert.Matches(new Regex(@"deleted\s+0\n"), output);
        Assert.Matches(new Regex(@"younger than 1 day\s+8\n"), output);

        // Two days on, the dry run names what would go and deletes nothing.
        var twoDaysOn = DateTimeOffset.UtcNow.AddDays(2).ToString("o", CultureInfo.InvariantCulture);
        (exitCode, output, json) = await RunCliAsync(containers, "prune-receipts", "--older-than", "1", "--now", twoDaysOn, "--dry-run");
        Assert.True(exitCode == 0, output);
        AssertPruneCounts(output, "to delete \\(dry run\\)");
        Assert.Contains("Dry run: nothing was deleted.", output);
        Assert.Equal(current.Concat(gone).Order(StringComparer.Ordinal), await ReceiptsAsync(containers));

        (exitCode, output, json) = await RunCliAsync(containers, "prune-receipts", "--older-than", "1", "--now", twoDaysOn);
        Assert.True(exitCode == 0, output);
        AssertPruneCounts(output, "deleted");
        Assert.Equal(current.Order(StringComparer.Ordinal), await ReceiptsAsync(containers));
        // Receipts only: the claim records of every name are still there.
        Assert.Equal(5, await containers.State.GetBlobsAsync(prefix: "claims/").CountAsync());

        // A worker started now finds every current input done: nothing is processed again.
        await using (var worker = await TestWorker.StartAsync(containers, Version("1")))
        {
            await worker.WaitForScansAsync(3);
            Assert.Empty(worker.OutcomeLines());
        }
        Assert.Equal(processedAt, await ProcessedAtAsync(containers, "a.txt", "b.txt", "c.txt"));
        (exitCode, output, json) = await RunCliAsync(containers, "status", "--json");
        Assert.True(exitCode == 0, output);
        Assert.Equal(0, JsonDocument.Parse(json).RootElement.GetProperty("inputs").GetProperty("unprocessed").GetInt64());

        var (badExit, bad, _) = await RunCliAsync(containers, "prune-receipts", "--older-than", "0.5");
        Assert.Equal(1, badExit);
        Assert.Contains("prune-receipts: --older-than takes a number of days, at least 1 (got '0.5').", bad);
        (badExit, bad, _) = await RunCliAsync(containers, "prune-receipts", "--dry-run");
        Assert.Equal(1, badExit);
        Assert.Contains("prune-receipts: --older-than <days> is required", bad);
        (badExit, bad, _) = await RunCliAsync(containers, "prune-receipts", "--older-than", "1", "--now", "next tuesday");
        Assert.Equal(1, badExit);
        Assert.Contains("prune-receipts: --now takes an ISO 8601 date and time", bad);
        Assert.Equal(current.Order(StringComparer.Ordinal), await ReceiptsAsync(containers));
    }

    private static void AssertPruneCounts(string output, string deletedLabel)
    {
        Assert.Matches(new Regex(@"examined\s+8\n"), output);
        Assert.Matches(new Regex(deletedLabel + @"\s+5\n"), output);
        Assert.Matches(new Regex(@"other pipeline version\s+2\n"), output);
        Assert.Matches(new Regex(@"input overwritten\s+1\n"), output);
        Assert.Matches(new Regex(@"input deleted\s+2\n"), output);   // d.txt by the listing, e@mail.txt by a direct look-up
        Assert.Matches(new Regex(@"kept\s+3\n"), output);
        Assert.Matches(new Regex(@"input current\s+3\n"), output);
    }

    private static Dictionary<string, string?> Version(string version) => new() { ["ingestWorker:pipeline:version"] = version };

    private static async Task<List<string>> ReceiptsAsync(TestContainers containers) =>
        await containers.State.GetBlobsAsync(prefix: BlobNames.ReceiptsRoot).Select(b => b.Name).ToListAsync();

    private static async Task<List<string>> ProcessedAtAsync(TestContainers containers, params string[] names)
    {
        var processedAt = new List<string>();
        foreach (var name in names)
            processedAt.Add((await containers.WaitForOutcomeAsync(name)).GetProperty("pipeline").GetProperty("processedAt").GetString()!);
        return processedAt;
    }

    /// <summary>Runs ingestworker-cli as its own process, configured for this test's containers through the environment.</summary>
    /// <returns>The exit code, stdout and stderr together (for messages and failures), and stdout alone (for JSON).</returns>
    [Theory]
    [InlineData("ingestWorker:http:enabled", "yes", "ingestWorker:http:enabled: 'yes' is not true or false.")]
    [InlineData("ingestWorker:pipeline:legacyEncodings", "windows-1252", "ingestWorker:pipeline:legacyEncodings is a list, but it is given one value ('windows-1252')")]
    // (The CLI sets logging:logLevel:default itself.)
    [InlineData("logging:logLevel:Azure", "loud", "logging:logLevel:Azure: 'loud' is not a log level")]
    public async Task The_cli_refuses_the_same_bad_values_as_the_worker_with_exit_code_2_and_the_key(string key, string value, string message)
    {
        var containers = new TestContainers(azurite);
        var result = await CliProcess.RunAsync(containers, new Dictionary<string, string?> { [key] = value }, "status");
        Assert.True(result.ExitCode == 2, result.Output);
        Assert.Contains("  - " + message, result.Output);
        Assert.DoesNotContain("   at ", result.Output);
    }

    private static async Task<(int ExitCode, string Output, string Stdout)> RunCliAsync(TestContainers containers, params string[] args)
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
        foreach (var (key, value) in containers.Settings())
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        info.Environment["ingestWorker__pipeline__version"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await stdout + await stderr, await stdout);
    }
}

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
            // Names whose outcomes list in another order than the names ("a-b.json" before
            // "a.json", "a.b.json" before "a.json"), and one with an '@' of its own.
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
        Assert.Matches(new Regex(@"with an outcome under version 1\s+6\n"), output);
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
    public async Task A_store_of_the_receipt_layout_is_finished_for_the_new_worker_and_prune_receipts_removes_its_receipt_blobs()
    {
        var containers = new TestContainers(azurite);
        var uploaded = new Dictionary<string, BlobContentInfo>(StringComparer.Ordinal);
        string[] names = ["a.txt", "a-b.txt", "b.txt", "e@mail.txt", "short.txt"];
        await using (var worker = await TestWorker.StartAsync(containers, Version("1")))
        {
            for (var i = 0; i < names.Length - 1; i++)
                uploaded[names[i]] = await containers.UploadAsync(names[i], await File.ReadAllBytesAsync(Seeds[i]));
            uploaded["short.txt"] = await containers.UploadAsync("short.txt", QualityTexts.TooShortBrief);
            await containers.WaitForOutcomesAsync(names.Length);
            await worker.WaitForOutcomeLinesAsync(names.Length);
        }
        Assert.Empty(await ReceiptsAsync(containers));

        // The layout before outcomes were receipts: the same outcomes (their metadata keys have not
        // changed since the first worker, only the write id is new), and a receipt blob per
        // finished input version, plus receipts of an earlier pipeline version.
        var receipts = await ToReceiptLayoutAsync(containers, uploaded);
        Assert.Equal(2 * names.Length, receipts.Count);
        Assert.Equal(receipts.Order(StringComparer.Ordinal), await ReceiptsAsync(containers));
        var processedAt = await ProcessedAtAsync(containers, names);

        // The new worker over that store: every input is finished, nothing is processed again.
        await using (var worker = await TestWorker.StartAsync(containers, Version("1")))
        {
            await worker.WaitForScansAsync(3);
            Assert.Empty(worker.OutcomeLines());
        }
        Assert.Equal(processedAt, await ProcessedAtAsync(containers, names));
        var (exitCode, output, json) = await RunCliAsync(containers, "status", "--json");
        Assert.True(exitCode == 0, output);
        Assert.Equal(0, JsonDocument.Parse(json).RootElement.GetProperty("inputs").GetProperty("unprocessed").GetInt64());
        Assert.Equal(names.Length, JsonDocument.Parse(json).RootElement.GetProperty("inputs").GetProperty("withReceipt").GetInt64());

        // Today every receipt is younger than a day: with --older-than 1 nothing goes.
        (exitCode, output, json) = await RunCliAsync(containers, "prune-receipts", "--older-than", "1");
        Assert.True(exitCode == 0, output);
        Assert.Contains("the worker no longer writes or reads them", output);
        Assert.Matches(new Regex(@"examined\s+10\n"), output);
        Assert.Matches(new Regex(@"deleted\s+0\n"), output);
        Assert.Matches(new Regex(@"younger than 1 day\s+10\n"), output);

        // Two days on, the dry run names what would go and deletes nothing.
        var twoDaysOn = DateTimeOffset.UtcNow.AddDays(2).ToString("o", CultureInfo.InvariantCulture);
        (exitCode, output, json) = await RunCliAsync(containers, "prune-receipts", "--older-than", "1", "--now", twoDaysOn, "--dry-run");
        Assert.True(exitCode == 0, output);
        Assert.Matches(new Regex(@"to delete \(dry run\)\s+10\n"), output);
        Assert.Contains("Dry run: nothing was deleted.", output);
        Assert.Equal(receipts.Order(StringComparer.Ordinal), await ReceiptsAsync(containers));

        // Without --older-than every one goes.
        (exitCode, output, json) = await RunCliAsync(containers, "prune-receipts");
        Assert.True(exitCode == 0, output);
        Assert.Matches(new Regex(@"deleted\s+10\n"), output);
        Assert.Matches(new Regex(@"receipt of an earlier layout\s+10\n"), output);
        Assert.Empty(await ReceiptsAsync(containers));
        // Receipt blobs only: the outcomes of every name and the scan partitions' records are still there.
        Assert.Equal(names.Length, (await containers.OutcomesAsync()).Count);
        Assert.NotEmpty(await containers.State.GetBlobsAsync(new GetBlobsOptions { Prefix = "inflight/" }).ToListAsync());
        Assert.Empty(await containers.State.GetBlobsAsync(new GetBlobsOptions { Prefix = "claims/" }).ToListAsync());

        // A worker started now still finds every input done: nothing is processed again.
        await using (var worker = await TestWorker.StartAsync(containers, Version("1")))
        {
            await worker.WaitForScansAsync(3);
            Assert.Empty(worker.OutcomeLines());
        }
        Assert.Equal(processedAt, await ProcessedAtAsync(containers, names));

        var (badExit, bad, _) = await RunCliAsync(containers, "prune-receipts", "--older-than", "0.5");
        Assert.Equal(1, badExit);
        Assert.Contains("prune-receipts: --older-than takes a number of days, at least 1 (got '0.5').", bad);
        (badExit, bad, _) = await RunCliAsync(containers, "prune-receipts", "--older-than", "1", "--now", "next tuesday");
        Assert.Equal(1, badExit);
        Assert.Contains("prune-receipts: --now takes an ISO 8601 date and time", bad);
    }

    /// <summary>
    /// Turns what the worker left into what a worker of the receipt layout left for the same inputs:
    /// its outcomes carried the same metadata but no write id, and it wrote
    /// <c>receipts/{version}/{container}/{name}@{etag}</c> (JSON, as its <c>Receipt</c> record) after
    /// each outcome. Receipts of pipeline version 0 stand for an earlier version's work.
    /// </summary>
    /// <returns>The receipt blobs' names.</returns>
    private static async Task<List<string>> ToReceiptLayoutAsync(TestContainers containers, Dictionary<string, BlobContentInfo> inputs)
    {
        var receipts = new List<string>();
        foreach (var outcome in await containers.OutcomesAsync())
        {
            var blob = outcome.Client.GetBlobClient(outcome.Name);
            var metadata = (await blob.GetPropertiesAsync()).Value.Metadata;
            Assert.True(metadata.Remove(BlobOutcomeWriter.WriteIdKey));
            await blob.SetMetadataAsync(metadata);
            var inputName = outcome.Name[..^".json".Length];
            var etag = inputs[inputName].ETag.ToString("H");
            foreach (var version in new[] { "1", "0" })
            {
                var name = BlobNames.Receipt(version, containers.Input.Name, inputName, etag);
                var receipt = new
                {
                    container = containers.Input.Name, name = inputName, etag, pipelineVersion = version, status = metadata[BlobOutcomeWriter.StatusKey],
                    reasons = metadata[BlobOutcomeWriter.ReasonsKey].Split(',', StringSplitOptions.RemoveEmptyEntries), outputContainer = outcome.Container,
                    outputName = outcome.Name, completedAt = DateTimeOffset.UtcNow,
                };
                await containers.State.GetBlobClient(name).UploadAsync(BinaryData.FromObjectAsJson(receipt));
                receipts.Add(name);
            }
        }
        return receipts;
    }

    private static Dictionary<string, string?> Version(string version) => new() { ["ingestWorker:pipeline:version"] = version };

    private static async Task<List<string>> ReceiptsAsync(TestContainers containers) =>
        await containers.State.GetBlobsAsync(new GetBlobsOptions { Prefix = BlobNames.ReceiptsRoot }).Select(b => b.Name).ToListAsync();

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

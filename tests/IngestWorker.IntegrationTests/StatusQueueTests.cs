using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Queues;
using IngestWorker.IntegrationTests.Infrastructure;
using IngestWorker.Options;
using IngestWorker.Triggers;

namespace IngestWorker.IntegrationTests;

/// <summary>The queue lines of the operator command <c>status</c>, run as the real CLI process.</summary>
public sealed class StatusQueueTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Status_shows_the_depths_of_the_work_and_poison_queues_in_the_queue_modes_only()
    {
        var containers = new TestContainers(azurite);
        await containers.CreateInputAsync();
        var queues = new QueueServiceClient(containers.ConnectionString);
        var work = queues.GetQueueClient(containers.Input.Name + "-work");
        var poison = queues.GetQueueClient(containers.Input.Name + "-work-poison");
        await work.CreateIfNotExistsAsync();
        await poison.CreateIfNotExistsAsync();
        for (var i = 0; i < 3; i++)
            await work.SendMessageAsync(WorkMessage.For(containers.Input.Name, $"queued/{i}.txt", "\"0x1\"", 1, null));
        for (var i = 0; i < 2; i++)
            await poison.SendMessageAsync("this is not an event");

        foreach (var mode in new[] { TriggerOptions.QueueMode, TriggerOptions.EventGridMode })
        {
            var result = await CliProcess.RunAsync(containers, Mode(mode), "status");
            Assert.True(result.ExitCode == 0, result.Output);
            Assert.Contains("Queues (approximate depth)", result.Output);
            Assert.Matches(new Regex(@"\n  work \(" + Regex.Escape(work.Name) + @"\)\s+3\n"), result.Output);
            Assert.Matches(new Regex(@"\n  poison \(" + Regex.Escape(poison.Name) + @"\)\s+2\n"), result.Output);
            // One column of counts, however long the queue names: every count ends where the others do.
            var countLines = result.Stdout.Split('\n').Where(l => Regex.IsMatch(l, @"^  \S.*\s\d+$")).ToList();
            Assert.True(countLines.Count >= 8, result.Stdout);
            Assert.Single(countLines.Select(l => l.Length).Distinct());

            result = await CliProcess.RunAsync(containers, Mode(mode), "status", "--json");
            Assert.True(result.ExitCode == 0, result.Output);
            var depths = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("queues");
            Assert.Equal(work.Name, depths.GetProperty("work").GetProperty("queue").GetString());
            Assert.Equal(3, depths.GetProperty("work").GetProperty("approximateDepth").GetInt64());
            Assert.Equal(poison.Name, depths.GetProperty("poison").GetProperty("queue").GetString());
            Assert.Equal(2, depths.GetProperty("poison").GetProperty("approximateDepth").GetInt64());
        }

        // Scan mode has no queues, whatever the account holds.
        var scan = await CliProcess.RunAsync(containers, Mode(TriggerOptions.ScanMode), "status");
        Assert.True(scan.ExitCode == 0, scan.Output);
        Assert.DoesNotContain("Queues", scan.Output);
        scan = await CliProcess.RunAsync(containers, Mode(TriggerOptions.ScanMode), "status", "--json");
        Assert.Empty(JsonDocument.Parse(scan.Stdout).RootElement.GetProperty("queues").EnumerateObject());
    }

    private static Dictionary<string, string?> Mode(string mode) => new() { ["ingestWorker:trigger:mode"] = mode };
}

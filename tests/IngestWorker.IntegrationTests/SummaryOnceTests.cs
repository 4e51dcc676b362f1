using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using IngestWorker.Dashboard;
using IngestWorker.IntegrationTests.Infrastructure;
using IngestWorker.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace IngestWorker.IntegrationTests;

/// <summary>
/// A finished input's summary line, outcome metric and dashboard entry come exactly once, also when
/// storage carried out the write of the outcome (the input's receipt, its last write) but its answer
/// was lost (through <see cref="FaultProxy"/> in front of Azurite), so that the attempt failed and
/// the input is found finished afterwards: the outcome's write id tells whose write it was.
/// </summary>
public sealed class SummaryOnceTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Theory]
    // Storage stays away after the lost answer: the next attempt finds the outcome.
    [InlineData(false)]
    // Storage answers again at once: the failing attempt finds its own outcome.
    [InlineData(true)]
    public async Task An_outcome_written_although_its_answer_was_lost_still_gets_one_summary_and_a_restarted_worker_adds_none(bool storageBackAtOnce)
    {
        var containers = new TestContainers(azurite);
        await containers.CreateInputAsync();
        await using var proxy = FaultProxy.Start(azurite.ConnectionString, seed: 16);
        // Every outcome write is carried out and its answer lost; unless storage is back at once, every
        // later look at an outcome so written fails too, until the faults are switched off. (The
        // outcome containers' listings are not touched: their path names no blob.)
        var written = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var outcomeFolders = new[] { containers.Accepted, containers.Rejected, containers.Poison }.Select(c => $"/devstoreaccount1/{c.Name}/").ToArray();
        proxy.Targets = (method, path) =>
        {
            if (!outcomeFolders.Any(folder => path.StartsWith(folder, StringComparison.Ordinal)))
                return false;
            if (method == "PUT")
                return written[path] = true;
            return !storageBackAtOnce && written.ContainsKey(path);
        };
        proxy.Kinds = [FaultKind.ResponseLost];
        proxy.FaultRate = 1;
        var settings = HealthEndpointTests.HttpSettings(HealthEndpointTests.FreePort(), dashboard: true);
        settings["AzureWebJobsStorage"] = proxy.ConnectionString;
        settings["retry:maxRetryCount"] = "0";
        settings["ingestWorker:trigger:failedBlobRetryDelay"] = "00:00:00.500";
        var names = new[] { "once/a.txt", "once/b.txt", "once/c.txt" };
        await using (var worker = await TestWorker.StartAsync(containers, settings, RecordMetrics))
        {
            foreach (var name in names)
                await containers.UploadAsync(name, TestTexts.Article(name));

            if (!storageBackAtOnce)
            {
                // Each input's attempt fails after its outcome reached storage, without a summary.
                await WaitUntilAsync(() => names.All(n => worker.Logs.Entries.Any(e => e.Message.StartsWith($"Storage was unavailable while processing {n}", StringComparison.Ordinal))));
                Assert.Equal(names.Length, written.Count);
                Assert.Empty(worker.OutcomeLines());
                proxy.FaultRate = 0;
            }
            await worker.WaitForOutcomeLinesAsync(names.Length);
            // A few more scans: a second summary for any of them would come now.
            await worker.WaitForScansAsync(3);
            await Task.Delay(TimeSpan.FromSeconds(2));
            await worker.WaitForScansAsync(2);

            // The scenario happened: every outcome write reached storage and its answer was lost.
            var outcomeWrites = proxy.Requests.Where(r => r.Method == "PUT" && outcomeFolders.Any(f => r.Path.StartsWith(f, StringComparison.Ordinal))).ToList();
            Assert.All(outcomeWrites, r => Assert.Equal((FaultKind?)FaultKind.ResponseLost, r.Fault));
            Assert.Equal(names.Order(), outcomeWrites.Select(r => NameOf(r.Path)).Distinct().Order());
            Assert.DoesNotContain(proxy.Requests, r => r.Path.Contains("/receipts/", StringComparison.Ordinal));
            Assert.Equal(names.Select(n => n + ".json").Order(), (await containers.OutcomesAsync()).Select(o => o.Name).Order());

            Assert.Equal(names.Order(), worker.OutcomeLines().Select(l => (string)l.Scope["BlobName"]!).Order());
            var metrics = worker.Services.GetRequiredService<MetricsRecorder>();
            Assert.Equal(names.Length, metrics.Sum(IngestWorkerMetrics.BlobAcceptedName) + metrics.Sum(IngestWorkerMetrics.BlobRejectedName));
            Assert.Equal(names.Order(), worker.Services.GetRequiredService<DecisionLog>().Recent(100).Select(d => d.BlobName).Order());
            await worker.StopAsync();
        }

        // A restarted worker lists them all as finished and says nothing more about them.
        proxy.FaultRate = 0;
        settings["ingestWorker:http:port"] = HealthEndpointTests.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var restarted = await TestWorker.StartAsync(containers, settings, RecordMetrics);
        await restarted.WaitForScansAsync(3);
        Assert.Empty(restarted.OutcomeLines());
        Assert.Empty(restarted.Services.GetRequiredService<DecisionLog>().Recent(100));

        string NameOf(string outcomePath) => names.Single(n => outcomePath.EndsWith("/" + n + ".json", StringComparison.Ordinal));
    }

    private static void RecordMetrics(IServiceCollection services)
    {
        services.AddSingleton(sp => new MetricsRecorder(sp.GetRequiredService<IMeterFactory>()));
        services.AddSingleton(sp =>
        {
            sp.GetRequiredService<MetricsRecorder>();
            return new IngestWorkerMetrics(sp.GetRequiredService<IMeterFactory>());
        });
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("The condition did not hold within 60 s.");
            await Task.Delay(50);
        }
    }
}

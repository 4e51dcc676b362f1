using System.Text.Json;
using IngestWorker.IntegrationTests.Infrastructure;

namespace IngestWorker.IntegrationTests;

public sealed class ScaleAndCrashTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Three_hundred_files_dropped_at_once_get_three_hundred_outcomes_none_missing_none_doubled()
    {
        var containers = new TestContainers(azurite);
        await using var worker = await TestWorker.StartAsync(containers);

        var names = Enumerable.Range(0, 300).Select(i => $"batch/{i % 7}/file-{i:D3}.txt").ToList();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (name, _) =>
            await containers.UploadAsync(name, UniqueText(name)));

        var outcomes = await containers.WaitForOutcomesAsync(300, TimeSpan.FromSeconds(120));
        await worker.WaitForScansAsync(2);
        outcomes = await containers.OutcomesAsync();

        Assert.Equal(300, outcomes.Count);
        Assert.Equal(names.Select(n => n + ".json").Order(), outcomes.Select(o => o.Name).Order());
        Assert.All(outcomes, o => Assert.Equal(containers.Accepted.Name, o.Container));
        // Each blob was finished once: one summary line per input.
        Assert.Equal(300, (await worker.WaitForOutcomeLinesAsync(300)).Count);
    }

    [Fact]
    public async Task Two_worker_processes_on_one_account_handle_every_blob_exactly_once()
    {
        var containers = new TestContainers(azurite);
        await containers.CreateInputAsync();
        var settings = WorkerSettings(containers);
        using var a = WorkerProcess.Start(settings);
        using var b = WorkerProcess.Start(settings);
        await a.WaitForOutputAsync("Watching container", TimeSpan.FromSeconds(60));
        await b.WaitForOutputAsync("Watching container", TimeSpan.FromSeconds(60));

        var names = Enumerable.Range(0, 200).Select(i => $"shared/file-{i:D3}.txt").ToList();
        // 20 stories arrive three times each under different names, all at once, so both workers
        // race to claim the same content hashes.
        var copies = Enumerable.Range(0, 60).Select(i => $"copies/story-{i % 20:D2}-copy-{i / 20}.txt").ToList();
        // And 10 more stories as three near copies each (a word changed, a sentence added), so the
        // workers also race to claim the same near-duplicate bands.
        var nearCopies = Enumerable.Range(0, 30).Select(i => $"near/story-{i % 10:D2}-variant-{i / 10}.txt").ToList();
        await Parallel.ForEachAsync(names.Concat(copies).Concat(nearCopies), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (name, _) =>
            await containers.UploadAsync(name, name switch
            {
                _ when name.StartsWith("copies/", StringComparison.Ordinal) => UniqueText(name[..16]),
                _ when name.StartsWith("near/", StringComparison.Ordinal) => NearCopy(UniqueText(name[..13]), name[^5] - '0'),
                _ => UniqueText(name),
            }));
        await containers.WaitForOutcomesAsync(290, TimeSpan.FromSeconds(120));
        await Task.Delay(1500);
        a.Terminate();
        b.Terminate();
        await a.WaitForExitAsync(TimeSpan.FromSeconds(30));
        await b.WaitForExitAsync(TimeSpan.FromSeconds(30));

        var outcomes = await containers.OutcomesAsync();
        Assert.Equal(names.Concat(copies).Concat(nearCopies).Select(n => n + ".json").Order(), outcomes.Select(o => o.Name).Order());
        // The JSON logs of both processes together hold exactly one finished line per blob.
        var finished = a.SummaryLines().Concat(b.SummaryLines()).Select(l => l.BlobName).ToList();
        Assert.Equal(names.Concat(copies).Concat(nearCopies).Order(), finished.Order());
        // Of each story's three copies exactly one was accepted, and the other two name it.
        foreach (var story in copies.GroupBy(c => c[..16]))
        {
            var accepted = outcomes.Where(o => o.Container == containers.Accepted.Name && o.Name.StartsWith(story.Key, StringComparison.Ordinal)).ToList();
            var original = Assert.Single(accepted).Name[..^".json".Length];
            foreach (var copy in story.Where(c => c != original))
            {
                var document = await containers.WaitForOutcomeAsync(copy, timeout: TimeSpan.Zero);
                Assert.Equal("rejected", document.GetProperty("status").GetString());
                Assert.Equal(original, document.GetProperty("dedup").GetProperty("duplicateOf").GetString());
            }
        }
        // Of each story's three near copies exactly one was accepted, and the other two name it.
        foreach (var story in nearCopies.GroupBy(c => c[..13]))
        {
            var accepted = outcomes.Where(o => o.Container == containers.Accepted.Name && o.Name.StartsWith(story.Key, StringComparison.Ordinal)).ToList();
            var original = Assert.Single(accepted).Name[..^".json".Length];
            foreach (var copy in story.Where(c => c != original))
            {
                var document = await containers.WaitForOutcomeAsync(copy, timeout: TimeSpan.Zero);
                Assert.Equal(["duplicate_near"], document.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
                Assert.Equal(original, document.GetProperty("dedup").GetProperty("nearDuplicateOf").GetString());
            }
        }
        Assert.True(a.SummaryLines().Count > 0 && b.SummaryLines().Count > 0, "both workers should have done some of the work");
        // The account key never reaches the logs.
        var key = containers.ConnectionString.Split(';').FirstOrDefault(p => p.StartsWith("AccountKey=", StringComparison.Ordinal))?["AccountKey=".Length..];
        if (!string.IsNullOrEmpty(key))
            Assert.DoesNotContain(a.Output.Concat(b.Output), line => line.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_worker_killed_mid_run_leaves_no_blob_without_an_outcome_after_the_next_start()
    {
        var containers = new TestContainers(azurite);
        await containers.CreateInputAsync();
        var settings = WorkerSettings(containers);
        // Slow the first worker down (one blob at a time) so the kill lands mid-run.
        settings["extensions:blobs:maxDegreeOfParallelism"] = "1";
        var names = Enumerable.Range(0, 120).Select(i => $"crash/file-{i:D3}.txt").ToList();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (name, _) =>
            await containers.UploadAsync(name, UniqueText(name)));

        using (var doomed = WorkerProcess.Start(settings))
        {
            await containers.WaitForOutcomesAsync(1, TimeSpan.FromSeconds(60));
            doomed.Kill();
        }
        var afterKill = (await containers.OutcomesAsync()).Count;
        Assert.InRange(afterKill, 1, 119);

        settings["extensions:blobs:maxDegreeOfParallelism"] = "8";
        using var survivor = WorkerProcess.Start(settings);
        // The killed worker's claim lapses after claimDuration (15 s here); then its blob is retried.
        await containers.WaitForOutcomesAsync(120, TimeSpan.FromSeconds(90));
        survivor.Terminate();
        await survivor.WaitForExitAsync(TimeSpan.FromSeconds(30));

        var outcomes = await containers.OutcomesAsync();
        Assert.Equal(names.Select(n => n + ".json").Order(), outcomes.Select(o => o.Name).Order());
        Assert.All(outcomes, o => Assert.Equal(containers.Accepted.Name, o.Container));
    }

    private static Dictionary<string, string?> WorkerSettings(TestContainers containers)
    {
        var settings = containers.Settings();
        settings["logging:console:formatterName"] = "json";
        settings["logging:console:formatterOptions:includeScopes"] = "true";
        settings["logging:console:formatterOptions:singleLine"] = "true";
        return settings;
    }

    private static string UniqueText(string name) => TestTexts.Article(name);

    // Variant 0 is the article; 1 has a word changed; 2 has a sentence added.
    private static string NearCopy(string article, int variant) => variant switch
    {
        0 => article,
        1 => article.Replace("Councillors in", "Council members in", StringComparison.Ordinal),
        _ => article.TrimEnd() + " Officials did not say when work would begin.\n",
    };
}

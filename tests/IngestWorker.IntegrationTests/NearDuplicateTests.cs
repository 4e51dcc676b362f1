using System.Text.Json;
using IngestWorker.IntegrationTests.Infrastructure;
using IngestWorker.Text.Tests.Dedup;

namespace IngestWorker.IntegrationTests;

/// <summary>Near-duplicate detection in the worker, with its band index in Azurite.</summary>
public sealed class NearDuplicateTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Syndicated_copies_of_a_seed_are_rejected_naming_it_and_the_seeds_stay_apart()
    {
        var containers = new TestContainers(azurite);
        var seeds = Directory.GetFiles(RepositoryPaths.Seeds, "*.txt").Order(StringComparer.Ordinal).ToList();
        await using (var worker = await TestWorker.StartAsync(containers))
        {
            foreach (var seed in seeds)
                await containers.UploadAsync("wire/" + Path.GetFileName(seed), await File.ReadAllBytesAsync(seed));
            await containers.WaitForOutcomesAsync(seeds.Count);
        }

        var clusters = new List<string>();
        foreach (var seed in seeds)
        {
            var outcome = await containers.WaitForOutcomeAsync("wire/" + Path.GetFileName(seed), timeout: TimeSpan.Zero);
            Assert.Equal("accepted", outcome.GetProperty("status").GetString());
            var dedup = outcome.GetProperty("dedup");
            Assert.Equal(outcome.GetProperty("id").GetString(), dedup.GetProperty("clusterId").GetString());
            Assert.False(dedup.TryGetProperty("nearDuplicateOf", out _));
            Assert.Equal(112 * 8, Convert.FromBase64String(dedup.GetProperty("minhash").GetString()!).Length);
            clusters.Add(dedup.GetProperty("clusterId").GetString()!);
        }
        Assert.Equal(5, clusters.Distinct().Count());

        // A restarted worker (new process state, same index in storage) checks copies against them.
        await using var restarted = await TestWorker.StartAsync(containers);
        // Copies of the story as the worker kept it, as other sites would publish it. (Each in a
        // folder of its own: four copies of one story in one folder would teach site-template
        // learning that the story's lines are that site's furniture.)
        var kept = await containers.WaitForOutcomeAsync("wire/" + Path.GetFileName(seeds[2]), timeout: TimeSpan.Zero);
        var original = kept.GetProperty("title").GetString() + "\n\n" + kept.GetProperty("text").GetString();
        var kinds = new[] { SyndicatedVariants.ParagraphDropped, SyndicatedVariants.WordsChanged, SyndicatedVariants.QuotesChanged, SyndicatedVariants.Combined };
        foreach (var kind in kinds)
            await containers.UploadAsync($"{kind}-site/story.txt", SyndicatedVariants.Make(original, kind));

        var seedOutcome = await containers.WaitForOutcomeAsync("wire/" + Path.GetFileName(seeds[2]), timeout: TimeSpan.Zero);
        foreach (var kind in kinds)
        {
            var copy = await containers.WaitForOutcomeAsync($"{kind}-site/story.txt");
            Assert.True(copy.GetProperty("status").GetString() == "rejected", $"{kind}: {copy.GetProperty("dedup")}");
            Assert.Equal(["duplicate_near"], copy.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
            Assert.Equal("near_dedup", copy.GetProperty("rejection").GetProperty("stage").GetString());
            var dedup = copy.GetProperty("dedup");
            Assert.Equal("wire/" + Path.GetFileName(seeds[2]), dedup.GetProperty("nearDuplicateOf").GetString());
            Assert.Equal(seedOutcome.GetProperty("id").GetString(), dedup.GetProperty("clusterId").GetString());
            Assert.InRange(dedup.GetProperty("similarity").GetDouble(), 0.8, 1);
            Assert.Equal(JsonValueKind.Null, dedup.GetProperty("duplicateOf").ValueKind);
        }
    }

    [Fact]
    public async Task Near_duplicate_detection_can_be_switched_off()
    {
        var containers = new TestContainers(azurite);
        await using var worker = await TestWorker.StartAsync(containers, new Dictionary<string, string?>
        {
            ["ingestWorker:pipeline:nearDuplicates:enabled"] = "false",
        });
        var original = await File.ReadAllTextAsync(Directory.GetFiles(RepositoryPaths.Seeds, "*.txt").Order().First());
        await containers.UploadAsync("a.txt", original);
        var kept = await containers.WaitForOutcomeAsync("a.txt");
        await containers.UploadAsync("b.txt", SyndicatedVariants.Make(kept.GetProperty("title").GetString() + "\n\n" + kept.GetProperty("text").GetString(), SyndicatedVariants.WordsChanged));

        foreach (var name in new[] { "a.txt", "b.txt" })
        {
            var outcome = await containers.WaitForOutcomeAsync(name);
            Assert.Equal("accepted", outcome.GetProperty("status").GetString());
            Assert.False(outcome.GetProperty("dedup").TryGetProperty("minhash", out _));
            Assert.DoesNotContain("near_dedup", outcome.GetProperty("pipeline").GetProperty("stages").EnumerateArray().Select(s => s.GetString()));
        }
    }
}

using System.Diagnostics.Metrics;
using IngestWorker.IntegrationTests.Infrastructure;
using IngestWorker.Text.Tests.Dedup;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace IngestWorker.IntegrationTests;

/// <summary>
/// Storage calls per document, counted where they leave the worker (the blob client's pipeline,
/// <c>ingestworker.storage.requests</c>): the cost model of a worker whose storage is its bottleneck.
/// </summary>
public sealed class StorageCallTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private const int Bands = 14;

    [Fact]
    public async Task Near_duplicate_lookups_cost_a_bounded_number_of_storage_calls_per_document()
    {
        var containers = new TestContainers(azurite);
        await using var worker = await TestWorker.StartAsync(containers);
        using var calls = new StorageCallRecorder(worker.Services.GetRequiredService<IMeterFactory>());
        var seeds = Directory.GetFiles(RepositoryPaths.Seeds, "*.txt").Order(StringComparer.Ordinal).ToList();

        foreach (var seed in seeds)
            await containers.UploadAsync("wire/" + Path.GetFileName(seed), await File.ReadAllBytesAsync(seed));
        await containers.WaitForOutcomesAsync(seeds.Count);
        var originals = calls.TakeSnapshot();

        var kinds = new[] { SyndicatedVariants.ParagraphDropped, SyndicatedVariants.WordsChanged, SyndicatedVariants.QuotesChanged, SyndicatedVariants.Combined, SyndicatedVariants.WordsChanged };
        for (var i = 0; i < seeds.Count; i++)
        {
            var kept = await containers.WaitForOutcomeAsync("wire/" + Path.GetFileName(seeds[i]), timeout: TimeSpan.Zero);
            var text = kept.GetProperty("title").GetString() + "\n\n" + kept.GetProperty("text").GetString();
            await containers.UploadAsync($"copy-{i}/story.txt", SyndicatedVariants.Make(text, kinds[i]));
        }
        await containers.WaitForOutcomesAsync(2 * seeds.Count);
        var copies = calls.TakeSnapshot();

        for (var i = 0; i < seeds.Count; i++)
        {
            var copy = await containers.WaitForOutcomeAsync($"copy-{i}/story.txt", timeout: TimeSpan.Zero);
            Assert.Equal("duplicate_near", copy.GetProperty("reasons")[0].GetString());
        }

        output.WriteLine("storage requests per document, by area and operation (scans' list calls excluded):");
        output.WriteLine($"{"area / operation / status",-40} {"original",9} {"near copy",9}");
        foreach (var key in originals.Keys.Union(copies.Keys).Where(k => k.Operation != "list").Order())
            output.WriteLine($"{key,-40} {originals.GetValueOrDefault(key) / (double)seeds.Count,9:F1} {copies.GetValueOrDefault(key) / (double)seeds.Count,9:F1}");
        output.WriteLine($"{"total",-40} {PerDocument(originals, _ => true),9:F1} {PerDocument(copies, _ => true),9:F1}");

        // An original claims every band once (a create each) and writes its cluster record.
        Assert.Equal(Bands + 1, PerDocument(originals, k => k.Area.StartsWith("near/", StringComparison.Ordinal)));
        Assert.Equal(Bands, PerDocument(originals, k => k.Area == "near/bands" && k.Status == 201));
        // A copy stops at the first band it shares (band k): k - 1 creates that succeed, then for
        // band k either a refused create and a read of its owner or, when this process has seen
        // the owner, nothing; then one read of the owner's cluster record and one write of its own.
        var nearCallsOfCopies = PerDocument(copies, k => k.Area.StartsWith("near/", StringComparison.Ordinal));
        Assert.InRange(nearCallsOfCopies, 2, Bands + 3);
        Assert.True(PerDocument(copies, k => k.Area == "near/bands") < Bands, "copies should stop before walking every band");
        Assert.Equal(1, PerDocument(copies, k => k.Area == "near/clusters" && k.Operation == "write"));
        // Whatever the stage, a document never costs more than this many calls end to end.
        Assert.InRange(PerDocument(originals, _ => true), 1, 30);
        Assert.InRange(PerDocument(copies, _ => true), 1, 30);

        double PerDocument(IReadOnlyDictionary<RequestKind, long> counts, Func<RequestKind, bool> which) =>
            counts.Where(c => c.Key.Operation != "list" && which(c.Key)).Sum(c => c.Value) / (double)seeds.Count;
    }

    [Fact]
    public async Task Listings_of_finished_blobs_cost_no_call_per_blob()
    {
        var containers = new TestContainers(azurite);
        for (var i = 0; i < 60; i++)
            await containers.UploadAsync($"old/{i % 3}/{i:D2}.txt", TestTexts.Article($"listing-{i}"));
        await using var worker = await TestWorker.StartAsync(containers);
        using var calls = new StorageCallRecorder(worker.Services.GetRequiredService<IMeterFactory>());
        await containers.WaitForOutcomesAsync(60);
        await worker.WaitForScansAsync(2);
        calls.TakeSnapshot();

        await worker.WaitForScansAsync(5);
        var idle = calls.TakeSnapshot().Where(c => c.Value > 0).ToList();
        Assert.NotEmpty(idle);
        Assert.All(idle, c => Assert.True(c.Key.Operation == "list", $"an idle scan made {c.Value} × {c.Key}"));
    }
}

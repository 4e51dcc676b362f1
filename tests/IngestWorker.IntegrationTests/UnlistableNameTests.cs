using IngestWorker.IntegrationTests.Infrastructure;
using IngestWorker.Storage;
using Microsoft.Extensions.Logging;

namespace IngestWorker.IntegrationTests;

/// <summary>
/// Azurite stores a blob whose name holds a character XML cannot carry (NUL, U+0001–U+0008,
/// U+000B, U+000C, U+000E–U+001F, U+FFFE, U+FFFF) but answers every listing page that would hold
/// it with HTTP 500 and an empty body. One such name must not stall the worker: the names around
/// it get their outcomes, the worker says which name it cannot list, and once the name is deleted
/// listings are whole again.
/// </summary>
public sealed class UnlistableNameTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly string[] Ordinary = ["a-1.txt", "a-2.txt", "n-1.txt", "z-1.txt", "z-2.txt"];
    private const string WithNul = "m\0bad.txt";
    private const string WithNonCharacter = "q\uFFFEodd.txt";

    [Theory]
    [InlineData("scan")]
    [InlineData("queue")]
    public async Task Names_storage_cannot_list_are_reported_and_every_other_blob_gets_its_outcome(string mode)
    {
        var containers = new TestContainers(azurite);
        foreach (var name in Ordinary)
            await containers.UploadAsync(name, TestTexts.Article(name));
        await containers.UploadAsync(WithNul, TestTexts.Article("nul"));
        await containers.UploadAsync(WithNonCharacter, TestTexts.Article("fffe"));
        await using var worker = await TestWorker.StartAsync(containers, new Dictionary<string, string?>
        {
            ["ingestWorker:trigger:mode"] = mode,
        });

        try
        {
            await containers.WaitForOutcomesAsync(Ordinary.Length, TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + "\n" + string.Join("\n", worker.Logs.Entries.Select(l => l.Category + ": " + XmlNameChars.Escape(l.Message)).Take(80)));
        }
        foreach (var name in Ordinary)
            await containers.WaitForOutcomeAsync(name);
        var warnings = await WaitForWarningsAsync(worker, 2);
        Assert.Contains(warnings, w => w.Contains("right after 'a-2.txt'", StringComparison.Ordinal)
            && w.Contains("'m' followed by a character in U+0000–U+0008", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("right after 'n-1.txt'", StringComparison.Ordinal)
            && w.Contains("'q' followed by a character in U+FFFE–U+FFFF", StringComparison.Ordinal));
        Assert.DoesNotContain(worker.Logs.Entries, e => e.Message.Contains("failed", StringComparison.OrdinalIgnoreCase) && e.Category.Contains("Trigger", StringComparison.Ordinal));

        // Once the names are gone, blobs dropped later (anywhere in name order) are picked up.
        await containers.Input.GetBlobClient(WithNul).DeleteAsync();
        await containers.Input.GetBlobClient(WithNonCharacter).DeleteAsync();
        await containers.UploadAsync("b-late.txt", TestTexts.Article("b-late"));
        await containers.UploadAsync("y-late.txt", TestTexts.Article("y-late"));
        await containers.WaitForOutcomeAsync("b-late.txt");
        await containers.WaitForOutcomeAsync("y-late.txt");
        Assert.Equal(Ordinary.Length + 2, (await containers.OutcomesAsync()).Count);
    }

    private static async Task<List<string>> WaitForWarningsAsync(TestWorker worker, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var warnings = worker.Logs.Entries
                .Where(e => e.Category == typeof(UnlistableNames).FullName && e.Level == LogLevel.Warning)
                .Select(e => e.Message).Distinct().ToList();
            if (warnings.Count >= count)
                return warnings;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Expected {count} warnings about unlistable names, saw: {string.Join(" | ", warnings)}");
            await Task.Delay(50);
        }
    }
}

using IngestWorker.Options;
using IngestWorker.State;
using IngestWorker.Text.Pipeline;

namespace IngestWorker.Tests.State;

/// <summary>
/// Which decision of a name is its first in the log (<see cref="StateBatches.IsFirstDecision"/>): the
/// queue modes write that one's outcome without looking for an older one, so only the earliest
/// decision of a name in log order may be first, whichever worker made it.
/// </summary>
public sealed class FirstDecisionTests
{
    private const string Container = "incoming";

    [Fact]
    public async Task Only_a_names_earliest_decision_is_first_a_duplicate_and_a_new_version_are_not()
    {
        var batches = Batches(new InMemoryStateLog());

        var first = await batches.RunAsync(Source("a.txt", "\"1\""), Article(1), CancellationToken.None);
        var duplicate = await batches.RunAsync(Source("a.txt", "\"1\""), Article(1), CancellationToken.None);
        var newVersion = await batches.RunAsync(Source("a.txt", "\"2\""), Article(2), CancellationToken.None);
        var other = await batches.RunAsync(Source("b.txt", "\"1\""), Article(3), CancellationToken.None);

        Assert.True(batches.IsFirstDecision(first));
        Assert.False(batches.IsFirstDecision(duplicate));
        Assert.False(batches.IsFirstDecision(newVersion));
        Assert.True(batches.IsFirstDecision(other));
    }

    [Fact]
    public async Task A_decision_made_by_another_worker_that_this_one_has_not_seen_makes_its_own_not_first()
    {
        var log = new InMemoryStateLog();
        var mine = Batches(log);
        var theirs = Batches(log);
        await mine.EnsureLoadedAsync(CancellationToken.None);

        // Their version 1 is committed; this worker's index has not caught up when it decides version 2.
        Assert.True(theirs.IsFirstDecision(await theirs.RunAsync(Source("a.txt", "\"1\""), Article(1), CancellationToken.None)));
        var second = await mine.RunAsync(Source("a.txt", "\"2\""), Article(2), CancellationToken.None);

        // Its commit lost the race for segment 1, caught up and decided again: version 1 came first.
        Assert.False(mine.IsFirstDecision(second));
        Assert.Equal("\"2\"", mine.Index!.DocumentOf(Container, "a.txt")?.ETag);
    }

    [Fact]
    public async Task A_poison_decision_recorded_without_the_pipeline_makes_a_later_version_not_first()
    {
        var batches = Batches(new InMemoryStateLog());

        await batches.RecordDecisionAsync(Source("killer.txt", "\"1\""), "failed", CancellationToken.None);
        Assert.Equal("failed", batches.Index!.DocumentOf(Container, "killer.txt")?.Status);
        var next = await batches.RunAsync(Source("killer.txt", "\"2\""), Article(4), CancellationToken.None);

        Assert.False(batches.IsFirstDecision(next));
        Assert.Equal(2, batches.Index!.Sequence);
    }

    [Fact]
    public void In_one_batch_the_first_of_two_versions_of_a_name_is_first_and_the_second_is_not()
    {
        var overlay = new StateOverlay(new StateIndex(100));

        Assert.True(overlay.Decided(Container, "a.txt", "\"1\"", "accepted"));
        Assert.False(overlay.Decided(Container, "a.txt", "\"2\"", "rejected"));
        Assert.True(overlay.Decided(Container, "b.txt", "\"1\"", "accepted"));
        Assert.Equal(3, overlay.Ops.Count);
    }

    private static StateBatches Batches(IStateLog log)
    {
        var options = new IngestWorkerOptions();
        options.Pipeline.Language.Enabled = false;
        options.Pipeline.Quality.Enabled = false;
        var indexes = new LogBackedIndexes();
        var stages = TextPipelineBuilder.StandardStages(options.Pipeline, new PipelineServices(indexes, indexes, null, indexes));
        return new StateBatches(log, new TextPipeline([.. stages]), indexes, Microsoft.Extensions.Options.Options.Create(options));
    }

    private static DocumentSource Source(string name, string etag) => new(Container, name, etag, 0);

    // Words drawn at random per seed: distinct articles share no shingles.
    private static ReadOnlyMemory<byte> Article(int seed)
    {
        var random = new Random(seed);
        var text = new System.Text.StringBuilder();
        for (var sentence = 0; sentence < 8; sentence++)
        {
            for (var word = 0; word < 12; word++)
                text.Append(word == 0 ? "" : " ").Append(string.Concat(Enumerable.Range(0, random.Next(3, 9)).Select(_ => (char)('a' + random.Next(26)))));
            text.Append(". ");
        }
        return System.Text.Encoding.UTF8.GetBytes(text.ToString());
    }
}

using System.Text;
using Azure.Storage.Blobs.Models;
using IngestWorker.IntegrationTests.Infrastructure;
using IngestWorker.Options;
using IngestWorker.State;
using IngestWorker.Storage;
using IngestWorker.Text.Dedup;
using IngestWorker.Text.Pipeline;
using IngestWorker.Triggers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace IngestWorker.IntegrationTests;

/// <summary>
/// The shared state log in blob storage, written by separate worker processes (separate
/// <see cref="BlobStateLog"/> instances here): put-if-absent decides every segment number once.
/// </summary>
public sealed class StateLogTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Version = "1";
    private static readonly StateLogSchema Schema = StateLogSchema.From(new PipelineOptions());

    [Fact]
    public async Task Of_two_writers_racing_for_one_segment_number_exactly_one_wins_and_the_other_catches_up_on_its_segment()
    {
        var containers = new TestContainers(azurite);
        await containers.State.CreateIfNotExistsAsync();
        var logs = new[] { Log(containers, "first/1"), Log(containers, "second/2") };
        var indexes = await Task.WhenAll(logs.Select(l => l.LoadAsync(CancellationToken.None).AsTask()));
        var segments = new[] { Claim("h1", "a.txt"), Claim("h1", "b.txt") };

        var won = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => logs[i].TryAppendAsync(1, segments[i], CancellationToken.None).AsTask()));

        Assert.Single(won, true);
        var (winner, loser) = won[0] ? (0, 1) : (1, 0);
        Assert.Equal(1, await logs[loser].CatchUpAsync(indexes[loser], CancellationToken.None));
        Assert.Equal(winner == 0 ? "a.txt" : "b.txt", indexes[loser].OwnerOfHash("h1")?.Name);
        // Caught up, the loser appends after the winner.
        Assert.True(await logs[loser].TryAppendAsync(2, Claim("h2", "c.txt"), CancellationToken.None));
        Assert.Equal(2, await logs[winner].CatchUpAsync(indexes[winner], CancellationToken.None));
        Assert.Equal(winner == 0 ? "a.txt" : "b.txt", indexes[winner].OwnerOfHash("h1")?.Name);
    }

    [Fact]
    public async Task A_batch_that_lost_its_segment_number_is_decided_again_and_a_copy_of_the_winners_document_is_a_duplicate()
    {
        var containers = new TestContainers(azurite);
        await containers.State.CreateIfNotExistsAsync();
        var mine = Batches(Log(containers, "mine/1"));
        var theirs = Batches(Log(containers, "theirs/2"));
        await mine.EnsureLoadedAsync(CancellationToken.None);

        var original = await theirs.RunAsync(Source("theirs.txt"), Article("race"), CancellationToken.None);
        var copy = await mine.RunAsync(Source("mine.txt"), Article("race"), CancellationToken.None);

        Assert.True(original.IsAccepted, original.Rejection?.Message);
        Assert.Equal(ReasonCodes.DuplicateExact, copy.Rejection?.Code);
        Assert.Equal([BlobNames.StateSegment(Version, 1), BlobNames.StateSegment(Version, 2)], await NamesAsync(containers, BlobNames.StateSegmentPrefix(Version)));
    }

    [Fact]
    public async Task A_retried_create_whose_first_try_landed_is_refused_and_deciding_again_finds_every_document_its_own()
    {
        var containers = new TestContainers(azurite);
        await containers.State.CreateIfNotExistsAsync();
        var retried = new RetriedAfterLanding(Log(containers, "retry/1"));
        var batches = Batches(retried);

        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => batches.RunAsync(Source($"doc-{i}.txt"), Article($"retry-{i}"), CancellationToken.None)));

        Assert.All(results, r => Assert.True(r.IsAccepted, r.Rejection?.Message));
        Assert.True(retried.Refusals > 0, "the retried create should have been refused with 409");
        // Each batch wrote one segment; the decisions taken again after the refusal wrote nothing.
        var segments = await NamesAsync(containers, BlobNames.StateSegmentPrefix(Version));
        Assert.Equal(retried.Refusals, segments.Count);
        Assert.Equal(3, batches.Index!.DocumentCount);
    }

    [Fact]
    public async Task Loading_from_a_checkpoint_and_the_segments_after_it_gives_the_index_the_writer_holds()
    {
        var containers = new TestContainers(azurite);
        await containers.State.CreateIfNotExistsAsync();
        var live = Batches(Log(containers, "live/1"), state => state.CheckpointEvery = 3);
        var results = new List<PipelineResult>();
        for (var i = 0; i < 5; i++)
            results.Add(await live.RunAsync(Source($"news/{i}.txt"), Article(i == 4 ? "checkpoint-0" : $"checkpoint-{i}"), CancellationToken.None));
        var checkpoint = containers.State.GetBlobClient(BlobNames.StateCheckpoint(Version, 3));
        for (var wait = 0; wait < 200 && !(await checkpoint.ExistsAsync()).Value; wait++)
            await Task.Delay(50);
        // Without the segments it covers, only the checkpoint can supply them.
        for (var sequence = 1; sequence <= 3; sequence++)
            await containers.State.DeleteBlobAsync(BlobNames.StateSegment(Version, sequence));

        var loaded = await Log(containers, "starting/2").LoadAsync(CancellationToken.None);

        var index = live.Index!;
        Assert.Equal(5, loaded.Sequence);
        Assert.Equal(index.DocumentCount, loaded.DocumentCount);
        Assert.Equal(ReasonCodes.DuplicateExact, results[4].Rejection?.Code);
        foreach (var (result, i) in results.Select((r, i) => (r, i)))
        {
            var source = result.Document.Source;
            Assert.Equal(index.DocumentOf(source.Container, source.Name), loaded.DocumentOf(source.Container, source.Name));
            Assert.Equal(index.OwnerOfHash(result.Document.Dedup!.ContentHash), loaded.OwnerOfHash(result.Document.Dedup.ContentHash));
            Assert.Equal(index.RepresentativeOf(source.Container, source.Name), loaded.RepresentativeOf(source.Container, source.Name));
            Assert.True(loaded.HasObserved(result.Document.SiteKey!, $"{source.Container}/{source.Name}"));
        }
        Assert.NotNull(loaded.OwnerOfHash(results[0].Document.Dedup!.ContentHash));
    }

    [Fact]
    public async Task Pruning_deletes_covered_segments_and_old_checkpoints_and_a_starting_and_a_lagging_worker_both_find_the_whole_index()
    {
        var containers = new TestContainers(azurite);
        await containers.State.CreateIfNotExistsAsync();
        // Every segment covered by a checkpoint may go at once; a worker looks for a pruned gap
        // before every commit (resyncAfter 0), so the one behind finds it at its next batch.
        void Pruning(StateOptions state)
        {
            state.CheckpointEvery = 2;
            state.KeepCheckpoints = 1;
            state.PruneAfter = TimeSpan.Zero;
            state.ResyncAfter = TimeSpan.Zero;
        }
        var writer = Batches(Log(containers, "writer/1", configure: Pruning), Pruning);
        var behind = Batches(Log(containers, "behind/2", configure: Pruning), Pruning);
        await behind.EnsureLoadedAsync(CancellationToken.None);

        var results = new List<PipelineResult>();
        for (var i = 0; i < 6; i++)
            results.Add(await writer.RunAsync(Source($"news/{i}.txt"), Article($"pruned-{i}"), CancellationToken.None));
        // Checkpoint 6's writer prunes after writing it (in the background): wait for the log to settle.
        List<string> segments = [], checkpoints = [];
        for (var wait = 0; wait < 400; wait++)
        {
            segments = await NamesAsync(containers, BlobNames.StateSegmentPrefix(Version));
            checkpoints = await NamesAsync(containers, BlobNames.StateCheckpointPrefix(Version));
            if (segments.Count == 0 && checkpoints.Count == 1)
                break;
            await Task.Delay(50);
        }

        Assert.All(results, r => Assert.True(r.IsAccepted, r.Rejection?.Message));
        Assert.Empty(segments);
        Assert.Equal([BlobNames.StateCheckpoint(Version, 6)], checkpoints);

        // A new worker starts from the one checkpoint left.
        var started = await Log(containers, "starting/3", configure: Pruning).LoadAsync(CancellationToken.None);
        Assert.Equal(6, started.Sequence);
        Assert.Equal(6, started.DocumentCount);
        Assert.NotNull(started.OwnerOfHash(results[0].Document.Dedup!.ContentHash));

        // The worker loaded before any of it holds an empty index at segment 0. Its next commit
        // finds segment 1 pruned, reloads from the checkpoint, and sees the writer's document.
        var copy = await behind.RunAsync(Source("behind/copy.txt"), Article("pruned-0"), CancellationToken.None);

        Assert.Equal(ReasonCodes.DuplicateExact, copy.Rejection?.Code);
        Assert.Equal(7, behind.Index!.Sequence);
        // It wrote after the checkpoint, not into the pruned numbers that nobody reads any more.
        Assert.Equal([BlobNames.StateSegment(Version, 7)], await NamesAsync(containers, BlobNames.StateSegmentPrefix(Version)));
        var restarted = await Log(containers, "restarted/4", configure: Pruning).LoadAsync(CancellationToken.None);
        Assert.Equal("rejected", restarted.DocumentOf("incoming", "behind/copy.txt")?.Status);
    }

    [Fact]
    public async Task A_worker_whose_minhash_settings_differ_from_the_logs_is_refused_by_segment_and_by_checkpoint()
    {
        var containers = new TestContainers(azurite);
        await containers.State.CreateIfNotExistsAsync();
        var writer = Log(containers, "old/1");
        var index = await writer.LoadAsync(CancellationToken.None);
        Assert.True(await writer.TryAppendAsync(1, Claim("h1", "a.txt"), CancellationToken.None));
        var other = Log(containers, "new/2", Schema with { MinHashScheme = "w5-b20x5-s1" });

        var bySegment = await Assert.ThrowsAsync<StateLogSchemaException>(async () => await other.LoadAsync(CancellationToken.None));
        Assert.Contains("w5-b14x8-s1", bySegment.Message);
        Assert.Contains("ingestWorker:pipeline:version", bySegment.Message);

        await writer.CatchUpAsync(index, CancellationToken.None);
        await writer.WriteCheckpointAsync(index, CancellationToken.None);
        await containers.State.DeleteBlobAsync(BlobNames.StateSegment(Version, 1));
        var byCheckpoint = await Assert.ThrowsAsync<StateLogSchemaException>(async () => await other.LoadAsync(CancellationToken.None));
        Assert.Contains("checkpoint", byCheckpoint.Message);
        Assert.Equal(1, (await Log(containers, "same/3").LoadAsync(CancellationToken.None)).Sequence);
    }

    [Fact]
    public async Task A_worker_started_with_other_minhash_settings_than_its_logs_stops_before_taking_a_blob()
    {
        var containers = new TestContainers(azurite);
        await containers.State.CreateIfNotExistsAsync();
        Assert.True(await Log(containers, "old/1").TryAppendAsync(1, Claim("h1", "a.txt"), CancellationToken.None));
        await containers.UploadAsync("news/waiting.txt", TestTexts.Article("waiting"));
        var settings = containers.Settings();
        settings["ingestWorker:pipeline:nearDuplicates:bands"] = "20";
        settings["ingestWorker:pipeline:nearDuplicates:rowsPerBand"] = "5";
        using var host = IngestWorkerHost.CreateBuilder([], config => config.AddInMemoryCollection(settings)).Build();

        await host.StartAsync();
        var trigger = host.Services.GetRequiredService<IWorkerTrigger>();
        for (var wait = 0; wait < 600 && trigger.StartupFailure is null; wait++)
            await Task.Delay(50);
        await host.StopAsync();

        var failure = Assert.IsType<StateLogSchemaException>(trigger.StartupFailure);
        Assert.Contains("w5-b20x5-s1", failure.Message);
        Assert.Empty(await containers.OutcomesAsync());
    }

    private static StateSegment Claim(string hash, string name) => new(
    [
        new HashClaimed(hash, new HashOwner("incoming", name, "0x1")),
        new DocumentDecided("incoming", name, "0x1", "accepted"),
    ]);

    private static BlobStateLog Log(TestContainers containers, string writer, StateLogSchema? schema = null, Action<StateOptions>? configure = null)
    {
        var retry = Microsoft.Extensions.Options.Options.Create(new RetryOptions { MinimumInterval = TimeSpan.FromMilliseconds(10) });
        var state = new StateOptions();
        configure?.Invoke(state);
        return new BlobStateLog(containers.State, new StorageResilience(retry, NullLogger<StorageResilience>.Instance), Version, schema ?? Schema, writer,
            NullLogger<BlobStateLog>.Instance, state);
    }

    private static StateBatches Batches(IStateLog log, Action<StateOptions>? configure = null)
    {
        var options = new IngestWorkerOptions();
        options.Pipeline.Language.Enabled = false;
        configure?.Invoke(options.State);
        var indexes = new LogBackedIndexes();
        var pipeline = new TextPipeline(TextPipelineBuilder.StandardStages(options.Pipeline, new PipelineServices(indexes, indexes, null, indexes)));
        return new StateBatches(log, pipeline, indexes, Microsoft.Extensions.Options.Options.Create(options));
    }

    private static DocumentSource Source(string name) => new("incoming", name, "\"0x8DC" + name.Length + "\"", 0);

    private static ReadOnlyMemory<byte> Article(string key) => Encoding.UTF8.GetBytes(TestTexts.Article(key));

    private static async Task<List<string>> NamesAsync(TestContainers containers, string prefix)
    {
        var names = new List<string>();
        await foreach (var item in containers.State.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, CancellationToken.None))
            names.Add(item.Name);
        return names;
    }

    /// <summary>
    /// A create retried after its first try landed but its answer was lost (a timeout, a reset):
    /// the retry is refused with 409 as if a rival had the number.
    /// </summary>
    private sealed class RetriedAfterLanding(BlobStateLog inner) : IStateLog
    {
        public int Refusals;

        public ValueTask<StateIndex> LoadAsync(CancellationToken cancellationToken) => inner.LoadAsync(cancellationToken);

        public async ValueTask<bool> TryAppendAsync(long sequence, StateSegment segment, CancellationToken cancellationToken)
        {
            Assert.True(await inner.TryAppendAsync(sequence, segment, cancellationToken));
            var retry = await inner.TryAppendAsync(sequence, segment, cancellationToken);
            Assert.False(retry);
            Interlocked.Increment(ref Refusals);
            return retry;
        }

        public ValueTask<int> CatchUpAsync(StateIndex index, CancellationToken cancellationToken) => inner.CatchUpAsync(index, cancellationToken);

        public ValueTask WriteCheckpointAsync(StateIndex index, CancellationToken cancellationToken) => inner.WriteCheckpointAsync(index, cancellationToken);
    }
}

using System.Collections.Concurrent;
using System.Text;
using IngestWorker.Options;
using IngestWorker.State;
using IngestWorker.Text.Pipeline;

namespace IngestWorker.Tests.State;

/// <summary>The group commit over a process-local log: how batches form, and what a lost commit does.</summary>
public sealed class StateBatchesTests
{
    private const string Container = "incoming";

    [Fact]
    public async Task A_lone_document_is_a_batch_of_its_own_and_the_documents_of_a_burst_share_one_commit()
    {
        var log = new InMemoryStateLog();
        var hooks = new Hooks();
        var held = hooks.Hold("first.txt");
        var batches = Batches(log, hooks);

        var first = batches.RunAsync(Source("first.txt"), Article(0), CancellationToken.None);
        await held.Entered;
        // Arriving while the first batch runs, they wait for it and then go together.
        var burst = Enumerable.Range(1, 30).Select(i => batches.RunAsync(Source($"burst-{i}.txt"), Article(i), CancellationToken.None)).ToList();
        held.Release();
        var results = await Task.WhenAll([first, .. burst]);

        Assert.All(results, r => Assert.True(r.IsAccepted, r.Rejection?.Message));
        Assert.Equal(2, log.SegmentCount);
        Assert.Equal(31, batches.Index!.DocumentCount);

        // A trickle: each document alone, one commit each.
        await batches.RunAsync(Source("later-1.txt"), Article(100), CancellationToken.None);
        await batches.RunAsync(Source("later-2.txt"), Article(101), CancellationToken.None);
        Assert.Equal(4, log.SegmentCount);
    }

    [Fact]
    public async Task A_batch_that_lost_its_segment_number_is_decided_again_against_the_winners_segment()
    {
        var log = new InMemoryStateLog();
        var mine = Batches(log);
        var theirs = Batches(log);
        await mine.EnsureLoadedAsync(CancellationToken.None);

        // Another worker commits the text first; this one's index has not seen it.
        var original = await theirs.RunAsync(Source("theirs.txt"), Article(7), CancellationToken.None);
        var copy = await mine.RunAsync(Source("mine.txt"), Article(7), CancellationToken.None);

        Assert.True(original.IsAccepted);
        Assert.Equal(ReasonCodes.DuplicateExact, copy.Rejection?.Code);
        Assert.Contains("theirs.txt", copy.Rejection!.Message);
        Assert.Equal(2, log.SegmentCount);
        Assert.Equal(2, mine.Index!.Sequence);
        Assert.Equal("rejected", mine.Index.DocumentOf(Container, "mine.txt")?.Status);
    }

    [Fact]
    public async Task A_worker_whose_next_segments_were_pruned_reloads_from_the_newest_checkpoint_and_decides_against_it()
    {
        var log = new PrunedLog();
        var behind = Batches(log);
        var theirs = Batches(log);
        await behind.EnsureLoadedAsync(CancellationToken.None);
        var original = await theirs.RunAsync(Source("theirs.txt"), Article(7), CancellationToken.None);
        await theirs.RunAsync(Source("later.txt"), Article(8), CancellationToken.None);
        // A checkpoint at 2 stands in for segments 1 and 2, which are gone.
        log.PruneUpTo(2);

        var copy = await behind.RunAsync(Source("mine.txt"), Article(7), CancellationToken.None);

        Assert.True(original.IsAccepted);
        Assert.Equal(ReasonCodes.DuplicateExact, copy.Rejection?.Code);
        Assert.Equal(3, behind.Index!.Sequence);
        Assert.Equal(1, log.Reloads);
        Assert.Equal("rejected", behind.Index.DocumentOf(Container, "mine.txt")?.Status);
    }

    [Fact]
    public async Task A_retried_append_whose_first_try_landed_finds_its_own_segment_and_writes_nothing_more()
    {
        var inner = new InMemoryStateLog();
        var batches = Batches(new LandedButRefused(inner));

        var result = await batches.RunAsync(Source("a.txt"), Article(3), CancellationToken.None);
        var again = await batches.RunAsync(Source("b.txt"), Article(3), CancellationToken.None);

        // Not a duplicate of itself: its own claims are in the segment it caught up on.
        Assert.True(result.IsAccepted, result.Rejection?.Message);
        Assert.Equal(ReasonCodes.DuplicateExact, again.Rejection?.Code);
        Assert.Equal(2, inner.SegmentCount);
        Assert.Equal("accepted", batches.Index!.DocumentOf(Container, "a.txt")?.Status);
    }

    [Fact]
    public async Task A_document_given_up_before_its_batch_is_left_out_and_one_given_up_during_it_stops_alone()
    {
        var log = new InMemoryStateLog();
        var hooks = new Hooks();
        var held = hooks.Hold("first.txt");
        var stuck = hooks.Stick("stuck.txt");
        var batches = Batches(log, hooks);

        var first = batches.RunAsync(Source("first.txt"), Article(0), CancellationToken.None);
        await held.Entered;
        using var early = new CancellationTokenSource();
        using var late = new CancellationTokenSource();
        var gaveUpEarly = batches.RunAsync(Source("early.txt"), Article(1), early.Token);
        var gaveUpLate = batches.RunAsync(Source("stuck.txt"), Article(2), late.Token);
        var kept = batches.RunAsync(Source("kept.txt"), Article(3), CancellationToken.None);
        await early.CancelAsync();
        held.Release();
        await stuck;
        await late.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gaveUpEarly);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gaveUpLate);
        Assert.True((await kept).IsAccepted);
        Assert.True((await first).IsAccepted);
        Assert.Null(batches.Index!.DocumentOf(Container, "early.txt"));
        Assert.Null(batches.Index.DocumentOf(Container, "stuck.txt"));
        Assert.Equal("accepted", batches.Index.DocumentOf(Container, "kept.txt")?.Status);
        Assert.Equal(2, log.SegmentCount);
    }

    [Fact]
    public async Task Commits_that_keep_losing_give_the_batch_up_as_storage_unavailable()
    {
        var batches = Batches(new AlwaysTaken(), configure: o => { o.MaxCommitAttempts = 3; o.MaxConflictPause = TimeSpan.FromMilliseconds(1); });

        var failure = await Assert.ThrowsAsync<IngestWorker.Storage.StorageUnavailableException>(
            () => batches.RunAsync(Source("a.txt"), Article(5), CancellationToken.None));
        Assert.IsType<StateLogContentionException>(failure.InnerException);
    }

    private static StateBatches Batches(IStateLog log, Hooks? hooks = null, Action<StateOptions>? configure = null)
    {
        var options = new IngestWorkerOptions();
        options.Pipeline.Language.Enabled = false;
        options.Pipeline.Quality.Enabled = false;
        configure?.Invoke(options.State);
        var indexes = new LogBackedIndexes();
        var stages = TextPipelineBuilder.StandardStages(options.Pipeline, new PipelineServices(indexes, indexes, null, indexes));
        var pipeline = new TextPipeline([hooks ?? new Hooks(), .. stages]);
        return new StateBatches(log, pipeline, indexes, Microsoft.Extensions.Options.Options.Create(options));
    }

    private static DocumentSource Source(string name) => new(Container, name, "\"0x" + name.Length + "\"", 0);

    // Words drawn at random per seed: distinct articles share no shingles; equal seeds give equal texts.
    private static ReadOnlyMemory<byte> Article(int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        for (var sentence = 0; sentence < 8; sentence++)
        {
            for (var word = 0; word < 12; word++)
                text.Append(word == 0 ? "" : " ").Append(string.Concat(Enumerable.Range(0, random.Next(3, 9)).Select(_ => (char)('a' + random.Next(26)))));
            text.Append(". ");
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>A first stage that holds chosen documents, so a test decides what is in flight when.</summary>
    private sealed class Hooks : IPipelineStage
    {
        private readonly ConcurrentDictionary<string, Func<CancellationToken, Task>> _hooks = new();

        public string Name => "hooks";

        public Gate Hold(string name)
        {
            var gate = new Gate();
            _hooks[name] = gate.WaitAsync;
            return gate;
        }

        /// <summary>The document waits until its caller gives it up; the task completes once it waits.</summary>
        public Task Stick(string name)
        {
            var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _hooks[name] = ct =>
            {
                entered.TrySetResult();
                return Task.Delay(Timeout.Infinite, ct);
            };
            return entered.Task;
        }

        public async ValueTask<StageVerdict> ProcessAsync(PipelineDocument document, CancellationToken cancellationToken)
        {
            if (_hooks.TryGetValue(document.Source.Name, out var hook))
                await hook(cancellationToken);
            return StageVerdict.Continue;
        }
    }

    private sealed class Gate
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public void Release() => _released.TrySetResult();

        public Task WaitAsync(CancellationToken cancellationToken)
        {
            _entered.TrySetResult();
            return _released.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>What a retried create looks like when its first try landed but its answer was lost: 409 for our own segment.</summary>
    private sealed class LandedButRefused(InMemoryStateLog inner) : IStateLog
    {
        public ValueTask<StateIndex> LoadAsync(CancellationToken cancellationToken) => inner.LoadAsync(cancellationToken);

        public async ValueTask<bool> TryAppendAsync(long sequence, StateSegment segment, CancellationToken cancellationToken)
        {
            await inner.TryAppendAsync(sequence, segment, cancellationToken);
            return await inner.TryAppendAsync(sequence, segment, cancellationToken);
        }

        public ValueTask<int> CatchUpAsync(StateIndex index, CancellationToken cancellationToken) => inner.CatchUpAsync(index, cancellationToken);

        public ValueTask WriteCheckpointAsync(StateIndex index, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    /// <summary>
    /// A log pruned as <see cref="BlobStateLog"/> prunes: the numbers up to the newest checkpoint
    /// count as taken, and catching up across them meets the gap; loading replays everything, as
    /// reading the checkpoint and the segments after it would.
    /// </summary>
    private sealed class PrunedLog : IStateLog
    {
        private readonly InMemoryStateLog _all = new();
        private long _prunedUpTo;

        public int Reloads;

        public void PruneUpTo(long sequence) => _prunedUpTo = sequence;

        public async ValueTask<StateIndex> LoadAsync(CancellationToken cancellationToken)
        {
            if (_prunedUpTo > 0)
                Interlocked.Increment(ref Reloads);
            return await _all.LoadAsync(cancellationToken);
        }

        public ValueTask<bool> TryAppendAsync(long sequence, StateSegment segment, CancellationToken cancellationToken) =>
            sequence <= _prunedUpTo ? ValueTask.FromResult(false) : _all.TryAppendAsync(sequence, segment, cancellationToken);

        public ValueTask<int> CatchUpAsync(StateIndex index, CancellationToken cancellationToken) =>
            index.Sequence < _prunedUpTo ? throw new StateLogGapException(index.Sequence + 1, _prunedUpTo) : _all.CatchUpAsync(index, cancellationToken);

        public ValueTask WriteCheckpointAsync(StateIndex index, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    private sealed class AlwaysTaken : IStateLog
    {
        public ValueTask<StateIndex> LoadAsync(CancellationToken cancellationToken) => ValueTask.FromResult(new StateIndex(4096));

        public ValueTask<bool> TryAppendAsync(long sequence, StateSegment segment, CancellationToken cancellationToken) => ValueTask.FromResult(false);

        public ValueTask<int> CatchUpAsync(StateIndex index, CancellationToken cancellationToken) => ValueTask.FromResult(0);

        public ValueTask WriteCheckpointAsync(StateIndex index, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}

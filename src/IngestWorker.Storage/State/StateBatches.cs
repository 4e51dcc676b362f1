using System.Runtime.CompilerServices;
using IngestWorker.Options;
using IngestWorker.Storage;
using IngestWorker.Telemetry;
using IngestWorker.Text.Pipeline;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace IngestWorker.State;

/// <summary>
/// Runs the text pipeline on documents a batch at a time and commits each batch's changes to the
/// shared state as one segment of the log (a group commit). One batch runs at a time per process;
/// the documents that arrive meanwhile wait and form the next batch, so a trickle commits one
/// document at a time and a burst up to <see cref="StateOptions.MaxBatchDocuments"/>.
/// </summary>
/// <remarks>
/// A batch is decided against the committed index plus its own changes (<see cref="StateOverlay"/>,
/// through <see cref="LogBackedIndexes"/>). When another worker took the segment number first, the
/// batch catches up and is decided again from scratch, so no decision made against a stale index is
/// ever committed; a caller gets its result only once its batch's segment is in storage (or when
/// the batch changed nothing). A document whose pipeline stops early (its caller gave up, it threw)
/// leaves its changes so far in the batch: they are the same as a crash after the commit leaves,
/// and its next attempt finds them as its own.
/// </remarks>
public sealed class StateBatches
{
    private readonly IStateLog _log;
    private readonly TextPipeline _pipeline;
    private readonly LogBackedIndexes _indexes;
    private readonly StateOptions _options;
    private readonly IngestWorkerMetrics? _metrics;
    private readonly ILogger<StateBatches> _logger;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly int _parallelism;
    private readonly LegacyStateCheck? _legacy;

    private readonly object _gate = new();
    // The results whose decision was their name's first in the log (StateOverlay.Decided); weak, so
    // a result nobody asks about costs nothing once it is dropped.
    private readonly ConditionalWeakTable<PipelineResult, object> _firstDecisions = new();
    private readonly Queue<Pending> _waiting = new();
    private bool _committing;
    private Task<StateIndex>? _loading;

    public StateBatches(IStateLog log, TextPipeline pipeline, LogBackedIndexes indexes, IOptions<IngestWorkerOptions> options,
        ILogger<StateBatches>? logger = null, IngestWorkerMetrics? metrics = null, IHostApplicationLifetime? lifetime = null, int? parallelism = null,
        LegacyStateCheck? legacy = null)
    {
        _legacy = legacy;
        _log = log;
        _pipeline = pipeline;
        _indexes = indexes;
        _options = options.Value.State;
        _metrics = metrics;
        _logger = logger ?? NullLogger<StateBatches>.Instance;
        _lifetime = lifetime;
        _parallelism = parallelism ?? Environment.ProcessorCount;
    }

    /// <summary>The committed index, once loaded; read it only between batches (tests, diagnostics).</summary>
    public StateIndex? Index => _loading is { IsCompletedSuccessfully: true } loaded ? loaded.Result : null;

    /// <summary>Whether the log has been loaded; false while it loads and after a failed load.</summary>
    public bool IsLoaded => _loading is { IsCompletedSuccessfully: true };

    /// <summary>Why the last load failed, if it did.</summary>
    public Exception? LoadFailure => _loading is { IsFaulted: true } failed ? failed.Exception?.InnerException : null;

    /// <summary>
    /// Loads the log (newest checkpoint and the segments after it) unless that is done or under way.
    /// The first batch does so by itself; the trigger calls it at start so that a worker takes no
    /// blob before its index is there, and a log written under other settings stops it at once.
    /// </summary>
    /// <exception cref="StateLogSchemaException">The log was written under other settings.</exception>
    /// <exception cref="StorageUnavailableException">Storage could not be read; calling again tries again.</exception>
    public Task EnsureLoadedAsync(CancellationToken cancellationToken) => LoadOnceAsync().WaitAsync(cancellationToken);

    private Task<StateIndex> LoadOnceAsync()
    {
        lock (_gate)
        {
            // Not under any caller's token: the index is shared, and every storage call is bounded by the retry policy.
            if (_loading is null || _loading.IsFaulted || _loading.IsCanceled)
                _loading = Task.Run(LoadAsync);
            return _loading;
        }
    }

    private async Task<StateIndex> LoadAsync()
    {
        var index = await _log.LoadAsync(CancellationToken.None).ConfigureAwait(false);
        // An empty log may be an upgrade from the per-record layout, whose records it does not hold.
        if (index.Sequence == 0 && _legacy is not null)
            await _legacy.WarnIfPresentAsync(CancellationToken.None).ConfigureAwait(false);
        return index;
    }

    // Replaces the index that every later batch starts from; called between batches only.
    private async Task<StateIndex> ReloadAsync()
    {
        var index = await _log.LoadAsync(CancellationToken.None).ConfigureAwait(false);
        lock (_gate)
            _loading = Task.FromResult(index);
        return index;
    }

    /// <summary>Runs the pipeline on one document in the next batch, and returns its result once the batch is committed.</summary>
    /// <param name="cancellationToken">Cancelled to give the document up: before its batch starts it is left out; during the run only its own pipeline stops.</param>
    /// <exception cref="StorageUnavailableException">The batch could not be committed (storage down, or too many conflicts): not the document's fault.</exception>
    public async Task<PipelineResult> RunAsync(DocumentSource source, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        (await EnqueueAsync(new Pending(source, content, null, cancellationToken)).ConfigureAwait(false))!;

    /// <summary>
    /// True when <paramref name="result"/>'s decision was the first of its name in the log: no
    /// decision of the name was committed before it, so no outcome of the name can stem from the log.
    /// False for a name decided before (another version, or this one: a duplicate or a retry).
    /// </summary>
    public bool IsFirstDecision(PipelineResult result) => _firstDecisions.TryGetValue(result, out _);

    /// <summary>
    /// Records a decision made without the pipeline (a poison outcome, status <c>failed</c>) in the
    /// next batch, and returns once it is committed: every outcome then has its name in the log.
    /// </summary>
    /// <exception cref="StorageUnavailableException">The batch could not be committed.</exception>
    public async Task RecordDecisionAsync(DocumentSource source, string status, CancellationToken cancellationToken) =>
        await EnqueueAsync(new Pending(source, ReadOnlyMemory<byte>.Empty, status, cancellationToken)).ConfigureAwait(false);

    private async Task<PipelineResult?> EnqueueAsync(Pending pending)
    {
        var cancellationToken = pending.Cancellation;
        cancellationToken.ThrowIfCancellationRequested();
        bool start;
        lock (_gate)
        {
            _waiting.Enqueue(pending);
            start = !_committing;
            _committing = true;
        }
        if (start)
            _ = Task.Run(CommitWhileWaitingAsync, CancellationToken.None);
        return await pending.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task CommitWhileWaitingAsync()
    {
        while (true)
        {
            var batch = new List<Pending>();
            lock (_gate)
            {
                while (batch.Count < _options.MaxBatchDocuments && _waiting.TryDequeue(out var next))
                {
                    if (next.Cancellation.IsCancellationRequested)
                        next.Done.TrySetCanceled(next.Cancellation);
                    else
                        batch.Add(next);
                }
                if (batch.Count == 0 && _waiting.Count == 0)
                {
                    _committing = false;
                    return;
                }
            }
            if (batch.Count == 0)
                continue;
            try
            {
                await DecideAndCommitAsync(batch).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                var failure = Failure(e);
                foreach (var pending in batch)
                    pending.Done.TrySetException(failure);
            }
        }
    }

    private async Task DecideAndCommitAsync(List<Pending> batch)
    {
        var index = await LoadOnceAsync().ConfigureAwait(false);
        _metrics?.StateBatch(batch.Count);
        for (var attempt = 1; ; attempt++)
        {
            var overlay = new StateOverlay(index);
            var decided = await DecideAsync(batch, overlay).ConfigureAwait(false);
            var ops = overlay.Ops;
            if (ops.Count == 0)
            {
                Deliver(batch, decided);
                return;
            }
            var sequence = index.Sequence + 1;
            if (await _log.TryAppendAsync(sequence, new StateSegment(ops), CancellationToken.None).ConfigureAwait(false))
            {
                index.Apply(sequence, ops);
                _metrics?.StateCommitted();
                if (sequence % _options.CheckpointEvery == 0)
                    StartCheckpoint(index);
                Deliver(batch, decided);
                return;
            }

            _metrics?.StateConflict();
            if (attempt >= _options.MaxCommitAttempts)
                throw new StorageUnavailableException(
                    $"Segment after {index.Sequence} of the state log was taken by other workers {attempt} times in a row (setting ingestWorker:state:maxCommitAttempts); the batch's {batch.Count} documents will be tried again.",
                    new StateLogContentionException(attempt));
            // A random pause, growing with the losses, so that rivals fall out of step; then the
            // segments they wrote, and the batch decided again against them.
            var ceiling = Math.Min(_options.MaxConflictPause.TotalMilliseconds, 10 * Math.Pow(2, attempt - 1));
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling)).ConfigureAwait(false);
            int caughtUp;
            try
            {
                caughtUp = await _log.CatchUpAsync(index, CancellationToken.None).ConfigureAwait(false);
            }
            catch (StateLogGapException gap)
            {
                // Behind by more than pruning left: the newest checkpoint stands in for the segments.
                _logger.LogInformation("{Gap}", gap.Message);
                index = await ReloadAsync().ConfigureAwait(false);
                caughtUp = 0;
            }
            _logger.LogDebug("Segment {Sequence} of the state log was taken; caught up {Segments} segments and deciding the batch of {Documents} again.",
                sequence, caughtUp, batch.Count);
            foreach (var gaveUp in batch.Where(p => p.Cancellation.IsCancellationRequested))
                gaveUp.Done.TrySetCanceled(gaveUp.Cancellation);
            batch.RemoveAll(p => p.Cancellation.IsCancellationRequested);
            if (batch.Count == 0)
                return;
        }
    }

    /// <summary>Runs every document's pipeline against <paramref name="overlay"/>, several at once.</summary>
    private async Task<Decision[]> DecideAsync(List<Pending> batch, StateOverlay overlay)
    {
        var decided = new Decision[batch.Count];
        _indexes.Current = overlay;
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, batch.Count), new ParallelOptions { MaxDegreeOfParallelism = _parallelism }, async (i, _) =>
            {
                var pending = batch[i];
                try
                {
                    if (pending.Status is { } status)
                    {
                        overlay.Decided(pending.Source.Container, pending.Source.Name, pending.Source.ETag, status);
                        decided[i] = new Decision(null, null);
                        return;
                    }
                    var result = await _pipeline.RunAsync(pending.Source, pending.Content, pending.Cancellation).ConfigureAwait(false);
                    if (overlay.Decided(pending.Source.Container, pending.Source.Name, pending.Source.ETag, result.IsAccepted ? "accepted" : "rejected"))
                        _firstDecisions.AddOrUpdate(result, result);
                    decided[i] = new Decision(result, null);
                }
                catch (Exception e)
                {
                    decided[i] = new Decision(null, e);
                }
            }).ConfigureAwait(false);
        }
        finally
        {
            _indexes.Current = null;
        }
        return decided;
    }

    private static void Deliver(List<Pending> batch, Decision[] decided)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            var (pending, (result, error)) = (batch[i], decided[i]);
            if (result is not null || error is null)
                pending.Done.TrySetResult(result);
            else if (error is OperationCanceledException && pending.Cancellation.IsCancellationRequested)
                pending.Done.TrySetCanceled(pending.Cancellation);
            else
                pending.Done.TrySetException(error!);
        }
    }

    // The index is copied before this returns (IStateLog's contract); only the upload runs on.
    private void StartCheckpoint(StateIndex index)
    {
        ValueTask upload;
        try
        {
            upload = _log.WriteCheckpointAsync(index, CancellationToken.None);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "The state checkpoint at segment {Sequence} could not be written; the next one will be.", index.Sequence);
            return;
        }
        var sequence = index.Sequence;
        _ = Task.Run(async () =>
        {
            try
            {
                await upload.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Nothing depends on it: starting workers read an older checkpoint and more segments.
                _logger.LogWarning("The state checkpoint at segment {Sequence} could not be written ({Error}); the next one will be.", sequence, e.Message);
            }
        });
    }

    // What the batch's callers are told when it could not be committed. A log written under other
    // settings is the operator's to fix: the worker stops, and the blobs' attempts do not count.
    private Exception Failure(Exception e)
    {
        switch (e)
        {
            case StorageUnavailableException:
                return e;
            case StateLogSchemaException schema:
                _logger.LogCritical("{Error}", schema.Message);
                _lifetime?.StopApplication();
                return new StorageUnavailableException("The shared state cannot be used: " + schema.Message, schema);
            default:
                _logger.LogError(e, "A batch of the shared state failed.");
                return e;
        }
    }

    /// <param name="Status">Set for a decision recorded without the pipeline (<see cref="RecordDecisionAsync"/>).</param>
    private sealed record Pending(DocumentSource Source, ReadOnlyMemory<byte> Content, string? Status, CancellationToken Cancellation)
    {
        public TaskCompletionSource<PipelineResult?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private readonly record struct Decision(PipelineResult? Result, Exception? Error);
}

/// <summary>Other workers kept taking the state log's next segment number (the inner cause of a <see cref="StorageUnavailableException"/>).</summary>
public sealed class StateLogContentionException(int attempts) : Exception($"The state log's next segment was taken by another worker {attempts} times in a row.");

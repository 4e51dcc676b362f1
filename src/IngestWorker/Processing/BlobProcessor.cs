using System.Diagnostics;
using IngestWorker.Dashboard;
using IngestWorker.Options;
using IngestWorker.State;
using IngestWorker.Statistics;
using IngestWorker.Storage;
using IngestWorker.Telemetry;
using IngestWorker.Text.Output;
using IngestWorker.Text.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestWorker.Processing;

/// <summary>
/// Takes one input version from "seen" to "has exactly one recorded outcome":
/// claim → (a name claimed before: look for its outcome) → count the attempt → read → text
/// pipeline → write outcome → drop the claim. The outcome is the input version's receipt
/// (<see cref="IOutcomeReceipts"/>): it is the last write, and nothing else records that the input
/// is done. Each step is safe to repeat, so a crash anywhere only means the next worker repeats
/// some of it.
/// </summary>
public sealed class BlobProcessor
{
    private readonly IInputStore _inputs;
    private readonly IOutcomeReceipts _done;
    private readonly IOutcomeWriter _outcomes;
    private readonly StateBatches _pipeline;
    private readonly OutputDocumentFactory _documents;
    private readonly TimeProvider _clock;
    private readonly ILogger<BlobProcessor> _logger;
    private readonly IngestWorkerMetrics _metrics;
    private readonly StatisticsRecorder? _statistics;
    private readonly DecisionLog? _decisions;
    private readonly ListingPace? _pace;
    private readonly OwedSummaries _owed;
    private readonly int _poisonThreshold;
    private readonly TimeSpan _claimDuration;
    private readonly long _maxInputBytes;
    private readonly string _pipelineVersion;
    private readonly string _worker = $"{Environment.MachineName}/{Environment.ProcessId}";

    public BlobProcessor(
        IInputStore inputs,
        IOutcomeReceipts done,
        IOutcomeWriter outcomes,
        StateBatches pipeline,
        OutputDocumentFactory documents,
        TimeProvider clock,
        IOptions<BlobsOptions> blobs,
        IOptions<IngestWorkerOptions> options,
        IngestWorkerMetrics metrics,
        ILogger<BlobProcessor> logger,
        StatisticsRecorder? statistics = null,
        DecisionLog? decisions = null,
        ListingPace? pace = null)
    {
        _pace = pace;
        _inputs = inputs;
        _done = done;
        _outcomes = outcomes;
        _pipeline = pipeline;
        _documents = documents;
        _clock = clock;
        _logger = logger;
        _metrics = metrics;
        _statistics = statistics;
        _decisions = decisions;
        _poisonThreshold = blobs.Value.PoisonBlobThreshold;
        _maxInputBytes = options.Value.Pipeline.MaxInputBytes;
        _pipelineVersion = options.Value.Pipeline.Version;
        _claimDuration = options.Value.Trigger.ClaimDuration;
        // At most one owed summary per blob in flight when storage went away, and each is settled by
        // its blob's next attempt; only a blob deleted or overwritten meanwhile leaves one behind.
        _owed = new OwedSummaries(blobs.Value.MaxDegreeOfParallelism);
    }

    /// <summary>
    /// The work after the claim, for a trigger whose own mechanism is the claim (a partition this
    /// worker owns, a work message hidden from the others): <paramref name="claim"/> carries the
    /// attempts made so far, is saved with each attempt counted and released at the end.
    /// The caller disposes the claim.
    /// </summary>
    public async Task<ProcessingResult> ProcessClaimedAsync(InputBlob input, IBlobClaim claim, CancellationToken cancellationToken)
    {
        using var blobScope = _logger.BeginScope(LogScopes.Blob(_inputs.ContainerName, input.Name, input.ETag));
        _metrics.BlobSeen();
        using var inFlight = _metrics.BlobInFlight();
        using var givingWay = _pace?.BlobStarted();
        return await ProcessUnderClaimAsync(input, claim, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ProcessingResult> ProcessUnderClaimAsync(InputBlob input, IBlobClaim claim, CancellationToken cancellationToken)
    {
        ClaimState before;
        if (claim.IsFirst)
        {
            // Created with its first attempt already counted; a never-claimed name has no outcome,
            // so there is nothing to look for: a new document costs no look-up at all.
            before = ClaimState.Fresh(input.ETag, _pipelineVersion);
        }
        else
        {
            // Looked for under the claim, so no other worker is writing the outcome meanwhile.
            if (await _done.FindAsync(input, cancellationToken).ConfigureAwait(false) is { } found)
                return SettleOwedSummary(input, found) ?? ProcessingResult.AlreadyDone;
            // No outcome: an attempt of this process that could not confirm its outcome did not write it.
            _owed.Take(input);
            before = claim.State;
            if (before.IsUnstartedFirstAttempt(_clock.GetUtcNow(), _claimDuration))
                before = before with { Attempts = 0 };
            if (before.Attempts >= _poisonThreshold)
            {
                // The attempts were used up by workers that died mid-blob without recording an error.
                await PoisonAsync(input, claim, before.LastErrorType ?? "WorkerStopped",
                    before.LastError ?? "A worker stopped (crashed or was killed) while processing this blob, every time it was tried.",
                    before.Attempts, cancellationToken).ConfigureAwait(false);
                return ProcessingResult.Poisoned;
            }
            // Counted before the work starts: if this process dies mid-blob, the attempt still counts.
            await claim.SaveAsync(before with { Attempts = before.Attempts + 1, LastAttemptAt = _clock.GetUtcNow(), Worker = _worker }, cancellationToken).ConfigureAwait(false);
        }

        var attempt = before.Attempts + 1;
        if (attempt > 1)
            _metrics.BlobRetried();
        using var attemptScope = _logger.BeginScope(LogScopes.Attempt(attempt));
        using var work = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, claim.Lost);
        try
        {
            var result = await ProduceOutcomeAsync(input, attempt, claim.IsFirst, work.Token, cancellationToken).ConfigureAwait(false);
            if (result == ProcessingResult.Superseded)
                await RollBackAttemptAsync(claim, before).ConfigureAwait(false);
            else
                await claim.ReleaseAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
        catch (OperationCanceledException) when (work.IsCancellationRequested)
        {
            _logger.LogWarning("Abandoned {BlobName} before it had an outcome ({Why}); it will be processed again.",
                input.Name, claim.Lost.IsCancellationRequested ? "claim lost" : "worker stopping");
            await RollBackAttemptAsync(claim, before).ConfigureAwait(false);
            return ProcessingResult.Abandoned;
        }
        catch (StorageUnavailableException e)
        {
            if (await SettleOwedSummaryQuietlyAsync(input).ConfigureAwait(false) is { } settled)
            {
                // The outcome's write failed, but storage had carried it out: the input is finished.
                _logger.LogInformation("The outcome of {BlobName} was written although storage did not confirm it ({Error}); it stands.", input.Name, e.Message);
                await claim.ReleaseAsync(cancellationToken).ConfigureAwait(false);
                return settled;
            }
            // Storage stayed unreachable through every retry: not the blob's fault, so the attempt
            // does not count towards poisoning it.
            _logger.LogWarning("Storage was unavailable while processing {BlobName} ({Error}); it will be tried again.", input.Name, e.Message);
            _metrics.BlobFailed(e.GetType().FullName!);
            await RollBackAttemptAsync(claim, before).ConfigureAwait(false);
            return ProcessingResult.Failed;
        }
        catch (Exception e)
        {
            var failed = claim.State with { Attempts = attempt, LastErrorType = e.GetType().FullName, LastError = e.Message, LastAttemptAt = _clock.GetUtcNow() };
            if (attempt >= _poisonThreshold)
            {
                _logger.LogError(e, "Processing {BlobName} failed on attempt {Attempt} of {Threshold}; writing it to poison.", input.Name, attempt, _poisonThreshold);
                await PoisonAsync(input, claim, failed.LastErrorType!, failed.LastError!, attempt, cancellationToken).ConfigureAwait(false);
                return ProcessingResult.Poisoned;
            }
            _logger.LogWarning(e, "Processing {BlobName} failed on attempt {Attempt} of {Threshold}; it will be tried again.", input.Name, attempt, _poisonThreshold);
            _metrics.BlobFailed(e.GetType().FullName!);
            await claim.SaveAsync(failed, cancellationToken).ConfigureAwait(false);
            await claim.ReleaseAsync(cancellationToken).ConfigureAwait(false);
            return ProcessingResult.Failed;
        }
    }

    /// <param name="outcomeWrite">
    /// Cancels the outcome's write: only abandonment, not a lost claim. Once the outcome is decided
    /// it is written (writes are effectively-once); cut off mid-write, the write might land with
    /// its summary owed to a process that no longer looks at the blob (a partition handed over).
    /// </param>
    private async Task<ProcessingResult> ProduceOutcomeAsync(InputBlob input, int attempt, bool firstForName, CancellationToken cancellationToken, CancellationToken outcomeWrite)
    {
        if (BlobNameSafety.Problem(input.Name) is { } problem)
            return await RejectUnsafeNameAsync(input, problem, attempt, firstForName, outcomeWrite).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        // Inputs over the limit are not downloaded at all; the pipeline rejects them by their declared size.
        var content = ReadOnlyMemory<byte>.Empty;
        if (input.ContentLength <= _maxInputBytes)
        {
            var read = await _inputs.ReadAsync(input, cancellationToken).ConfigureAwait(false);
            switch (read.Status)
            {
                case InputReadStatus.Changed:
                    _logger.LogInformation("{BlobName} changed since it was seen; its new version will be processed instead.", input.Name);
                    return ProcessingResult.Superseded;
                case InputReadStatus.Deleted:
                    _logger.LogInformation("{BlobName} was deleted before it was read; there is nothing to record.", input.Name);
                    return ProcessingResult.InputDeleted;
            }
            content = read.Content;
        }
        var downloaded = Stopwatch.GetElapsedTime(started);

        var source = new DocumentSource(_inputs.ContainerName, input.Name, input.ETag, input.ContentLength, input.LastModified);
        var result = await _pipeline.RunAsync(source, content, cancellationToken).ConfigureAwait(false);
        if (firstForName && !_pipeline.IsFirstDecision(result))
        {
            // The claim took the name for new, but the log holds an earlier decision of it (a
            // duplicate message, another version, a retry): its outcome may exist, as after a
            // repeat claim. Decided in log order, so two writers never both take a name for new.
            if (await _done.FindAsync(input, cancellationToken).ConfigureAwait(false) is { } found)
                return SettleOwedSummary(input, found) ?? ProcessingResult.AlreadyDone;
            firstForName = false;
        }
        var document = _documents.FromResult(result);
        var writing = Stopwatch.GetTimestamp();
        // Evaluated once the write has ended, so that times and latency include it.
        BlobSummary Summary(OutcomeLocation location) => new(input.Name, result.IsAccepted ? BlobSummary.Accepted : BlobSummary.Rejected, document.Reasons,
            location.Container, location.Name, attempt)
        {
            RejectionStage = result.Rejection?.Stage,
            InputBytes = content.Length,
            OutputBytes = location.Bytes,
            Total = Stopwatch.GetElapsedTime(started),
            Steps = [new("download", downloaded), .. result.StageTimings, new("write_outcome", Stopwatch.GetElapsedTime(writing))],
            Latency = _clock.GetUtcNow() - input.LastModified,
        };
        return await WriteOutcomeAsync(input, document, firstForName, Summary, LogLevel.Information, result, outcomeWrite).ConfigureAwait(false)
            ? ProcessingResult.Completed
            : ProcessingResult.AlreadyDone;
    }

    /// <summary>
    /// An input whose name the SDK would turn into another blob's (<see cref="BlobNameSafety"/>) is
    /// not read: it gets one rejected outcome, named by the hash of its name like its claim
    /// (<see cref="BlobNames.Key"/>), that records the name as it is.
    /// </summary>
    private async Task<ProcessingResult> RejectUnsafeNameAsync(InputBlob input, string problem, int attempt, bool firstForName, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var source = new DocumentSource(_inputs.ContainerName, input.Name, input.ETag, input.ContentLength, input.LastModified);
        var document = _documents.UnsafeName(source, problem);
        // Evaluated once the write has ended, so that times and latency include it.
        BlobSummary Summary(OutcomeLocation location) => new(input.Name, BlobSummary.Rejected, document.Reasons, location.Container, location.Name, attempt)
        {
            RejectionStage = OutputDocumentFactory.UnsafeNameStage,
            OutputBytes = location.Bytes,
            Total = Stopwatch.GetElapsedTime(started),
            Latency = _clock.GetUtcNow() - input.LastModified,
        };
        return await WriteOutcomeAsync(input, document, firstForName, Summary, LogLevel.Warning, null, cancellationToken).ConfigureAwait(false)
            ? ProcessingResult.Completed
            : ProcessingResult.AlreadyDone;
    }

    private async Task PoisonAsync(InputBlob input, IBlobClaim claim, string errorType, string error, int attempts, CancellationToken cancellationToken)
    {
        var source = new DocumentSource(_inputs.ContainerName, input.Name, input.ETag, input.ContentLength, input.LastModified);
        var document = _documents.Failed(source, errorType, error, attempts, claim.State.LastAttemptAt ?? _clock.GetUtcNow());
        // In the log before the outcome, like every decision: a later version of the name then
        // knows that an outcome of it may exist (in the poison container).
        await _pipeline.RecordDecisionAsync(source, OutputStatus.Failed, cancellationToken).ConfigureAwait(false);
        // Evaluated once the write has ended, so that times and latency include it.
        BlobSummary Summary(OutcomeLocation location) => new(input.Name, BlobSummary.Poisoned, document.Reasons, location.Container, location.Name, attempts)
        {
            ErrorType = errorType,
            Error = error,
            OutputBytes = location.Bytes,
            Latency = _clock.GetUtcNow() - input.LastModified,
        };
        await WriteOutcomeAsync(input, document, claim.IsFirst, Summary, LogLevel.Error, null, cancellationToken).ConfigureAwait(false);
        await claim.ReleaseAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The input's one summary line, and the metrics (and the dashboard's decisions) recorded from the same facts.</summary>
    private void Finished(BlobSummary summary, LogLevel level, OutputDocument document, PipelineResult? result = null)
    {
        _metrics.BlobFinished(summary);
        _statistics?.Record(summary, result);
        _decisions?.Record(summary, document);
        _logger.Log(level, BlobSummary.EventId, summary, null, static (s, _) => s.ToString());
    }

    /// <summary>
    /// Writes the outcome (the input version's receipt), then emits the summary: the summary of a
    /// finished input, exactly once. A write that fails may still have been carried out, so its
    /// summary is then owed (<see cref="OwedSummaries"/>), and the next look that finds the outcome
    /// with this write's id emits it, rather than reporting the input as done already.
    /// </summary>
    /// <returns>
    /// False when the same outcome stood already: another attempt (a duplicate work message in
    /// flight at the same time) wrote it and emits its summary, so this one emits none.
    /// </returns>
    private async Task<bool> WriteOutcomeAsync(InputBlob input, OutputDocument document, bool firstForName, Func<OutcomeLocation, BlobSummary> summary,
        LogLevel level, PipelineResult? result, CancellationToken cancellationToken)
    {
        var writeId = Guid.NewGuid().ToString("N");
        OutcomeLocation location;
        try
        {
            location = await _outcomes.WriteAsync(document, firstForName, writeId, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Owed only once the write has failed: while it is in flight nobody else may settle it.
            // Where the outcome is, is known once it is found.
            _owed.Add(input, new OwedSummary(writeId, summary(new OutcomeLocation("", BlobNames.Output(input.Name), WrittenBefore: false)), level, document, result));
            throw;
        }
        if (location.WrittenBefore)
        {
            _logger.LogInformation("{BlobName} had its outcome written by another attempt meanwhile; it stands.", input.Name);
            return false;
        }
        Finished(summary(location), level, document, result);
        return true;
    }

    /// <summary>
    /// Emits the summary this process owes for the input if the outcome found is the one it wrote;
    /// null when it owes none, or when the outcome is another attempt's (which emitted its own).
    /// </summary>
    private ProcessingResult? SettleOwedSummary(InputBlob input, FoundOutcome found)
    {
        if (_owed.Take(input) is not { } owed || owed.WriteId != found.WriteId)
            return null;
        var summary = owed.Summary.WithOutput(found.Container, found.Name, found.Bytes);
        using var attemptScope = _logger.BeginScope(LogScopes.Attempt(summary.Attempt));
        Finished(summary, owed.Level, owed.Document, owed.Result);
        return owed.Outcome;
    }

    /// <summary>
    /// A listing found the input finished: if its outcome is the one an attempt of this process wrote
    /// without confirmation, the summary that attempt owes is emitted now. A listing that finds the
    /// input done hands it out no more, so no later attempt would look the outcome up and settle it.
    /// </summary>
    public void SettleOwedSummary(InputBlob input, ListedOutcome listed)
    {
        if (_owed.Count == 0 || listed.WriteId is null)
            return;
        var found = new FoundOutcome(listed.Container, listed.Name, listed.Status ?? "", listed.WriteId, listed.Bytes, default);
        // The blob's scope, as on every line about it: a listing runs outside any blob's.
        using var blobScope = _logger.BeginScope(LogScopes.Blob(_inputs.ContainerName, input.Name, input.ETag));
        if (SettleOwedSummary(input, found) is not null)
            _logger.LogInformation("The outcome of {BlobName} was written although storage did not confirm it; a listing found it.", input.Name);
    }

    /// <summary>Right after a failed attempt: storage may be back already. Never throws; what is not settled stays owed.</summary>
    private async Task<ProcessingResult?> SettleOwedSummaryQuietlyAsync(InputBlob input)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            if (await _done.FindAsync(input, timeout.Token).ConfigureAwait(false) is not { } found)
            {
                _owed.Take(input);
                return null;
            }
            return SettleOwedSummary(input, found);
        }
        catch (Exception e)
        {
            _logger.LogDebug("Could not look for the outcome of {BlobName} yet ({Error}); the next attempt will.", input.Name, e.Message);
            return null;
        }
    }

    /// <summary>An attempt that ended through no fault of the blob's should not count towards poisoning it.</summary>
    private async Task RollBackAttemptAsync(IBlobClaim claim, ClaimState before)
    {
        if (claim.Lost.IsCancellationRequested)
            return;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await claim.SaveAsync(before, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogDebug("Could not roll back the attempt count ({Error}); it will count as a failed attempt.", e.Message);
        }
        await claim.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
    }
}

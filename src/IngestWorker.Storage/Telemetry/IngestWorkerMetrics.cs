using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using IngestWorker.Text.Pipeline;
using IngestWorker.Text.Quality;

namespace IngestWorker.Telemetry;

/// <summary>
/// The worker's instruments, all under one meter, <see cref="MeterName"/>. The meter comes from
/// the host's <see cref="IMeterFactory"/>, so each host (and each test's host) has its own.
/// Names, units and tags follow the OpenTelemetry conventions and are listed in docs/operations.md
/// (Monitoring); they are a contract for dashboards, so they are added to, never renamed. Tags are
/// closed sets (outcomes, reason codes, stage names, error types): never a blob name, so a
/// metrics backend's series count does not grow with the data.
/// </summary>
public sealed class IngestWorkerMetrics
{
    public const string MeterName = "IngestWorker";

    public const string StorageRequestsName = "ingestworker.storage.requests";
    public const string StorageDurationName = "ingestworker.storage.duration";
    public const string StorageRetriesName = "ingestworker.storage.retries";
    public const string ListingPausedName = "ingestworker.listing.paused";
    public const string ListingUnlistableName = "ingestworker.listing.unlistable";
    public const string BlobSeenName = "ingestworker.blob.seen";
    public const string BlobAcceptedName = "ingestworker.blob.accepted";
    public const string BlobRejectedName = "ingestworker.blob.rejected";
    public const string BlobFailedName = "ingestworker.blob.failed";
    public const string BlobPoisonedName = "ingestworker.blob.poisoned";
    public const string BlobRetriesName = "ingestworker.blob.retries";
    public const string BlobInFlightName = "ingestworker.blob.in_flight";
    public const string BlobIoName = "ingestworker.blob.io";
    public const string BlobDurationName = "ingestworker.blob.duration";
    public const string BlobLatencyName = "ingestworker.blob.latency";
    public const string StageDurationName = "ingestworker.stage.duration";
    public const string QueueDepthName = "ingestworker.queue.depth";
    public const string WorkIgnoredName = "ingestworker.work.ignored";
    public const string StateCommitsName = "ingestworker.state.commits";
    public const string StateConflictsName = "ingestworker.state.conflicts";
    public const string StateBatchDocumentsName = "ingestworker.state.batch.documents";

    /// <summary>The <c>reason</c> tag of a code outside the published set (a custom stage's).</summary>
    public const string OtherReason = "other";

    // Stages take milliseconds to a few seconds (storage-backed ones wait for storage); the SDK's
    // default boundaries are meant for milliseconds and would put every second-valued record in
    // the first bucket.
    private static readonly IReadOnlyList<double> StageBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    // From upload to outcome: about a second when the worker keeps up, hours when it is behind.
    private static readonly IReadOnlyList<double> LatencyBuckets =
        [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400];

    // Documents per batch: one in a trickle, up to state:maxBatchDocuments in a burst.
    private static readonly IReadOnlyList<int> BatchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

    private static readonly HashSet<string> KnownReasons = [.. PublishedReasonCodes()];

    private readonly Counter<long> _storageRequests;
    private readonly Histogram<double> _storageDuration;
    private readonly Counter<long> _storageRetries;
    private readonly Counter<double> _listingPaused;
    private readonly Counter<long> _listingUnlistable;
    private readonly Counter<long> _seen;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _poisoned;
    private readonly Counter<long> _retries;
    private readonly UpDownCounter<long> _inFlight;
    private readonly Counter<long> _io;
    private readonly Histogram<double> _blobDuration;
    private readonly Histogram<double> _latency;
    private readonly Histogram<double> _stageDuration;
    private readonly Counter<long> _workIgnored;
    private readonly Counter<long> _stateCommits;
    private readonly Counter<long> _stateConflicts;
    private readonly Histogram<int> _stateBatchDocuments;

    public IngestWorkerMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(MeterName);
        _storageRequests = Meter.CreateCounter<long>(StorageRequestsName, "{request}",
            "Requests sent to blob storage, tagged by container role, state area, operation and HTTP status (0 = no response).");
        _storageDuration = Meter.CreateHistogram(StorageDurationName, "s",
            "Time one storage request took, from sending to the end of its response or to its abandonment (status 0), tagged like ingestworker.storage.requests.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = StageBuckets });
        _storageRetries = Meter.CreateCounter<long>(StorageRetriesName, "{retry}",
            "Storage calls tried again after a transient failure, tagged by error.type (HTTP status, 'timeout' or the exception type).");
        _listingPaused = Meter.CreateCounter<double>(ListingPausedName, "s",
            "Time scanner listings waited between pages for this worker's blobs in processing to finish.");
        _listingUnlistable = Meter.CreateCounter<long>(ListingUnlistableName, "{name}",
            "Names a listing could not list (a character its XML cannot carry), each time a listing met one; tagged by listing (input, outcomes) and skipped (true: the listing went on past it; false: it stopped there).");
        _seen = Meter.CreateCounter<long>(BlobSeenName, "{blob}",
            "Input blob versions handed to the processor, including ones it then finds done or claimed by another worker.");
        _accepted = Meter.CreateCounter<long>(BlobAcceptedName, "{blob}",
            "Inputs whose outcome was written as accepted.");
        _rejected = Meter.CreateCounter<long>(BlobRejectedName, "{blob}",
            "Inputs whose outcome was written as rejected, tagged by reason (the first reason code) and the stage that rejected them.");
        _failed = Meter.CreateCounter<long>(BlobFailedName, "{attempt}",
            "Processing attempts that failed and will be tried again, tagged by error.type (the exception type).");
        _poisoned = Meter.CreateCounter<long>(BlobPoisonedName, "{blob}",
            "Inputs written to poison after poisonBlobThreshold failed attempts (or maxDequeueCount receptions), tagged by error.type.");
        _retries = Meter.CreateCounter<long>(BlobRetriesName, "{attempt}",
            "Processing attempts that are not an input's first: an earlier attempt failed or its worker died.");
        _inFlight = Meter.CreateUpDownCounter<long>(BlobInFlightName, "{blob}",
            "Inputs the processor is handling right now.");
        _io = Meter.CreateCounter<long>(BlobIoName, "By",
            "Bytes of input read for inputs that reached an outcome (direction=read) and bytes of outcome documents written (direction=write), tagged by outcome.");
        _blobDuration = Meter.CreateHistogram(BlobDurationName, "s",
            "Time from the start of the attempt that reached an outcome (download) to its outcome written, tagged by outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = StageBuckets });
        _latency = Meter.CreateHistogram(BlobLatencyName, "s",
            "End-to-end latency: from the input's last modification (its upload) to its outcome written, tagged by outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _stageDuration = Meter.CreateHistogram(StageDurationName, "s",
            "Time one step took on one input, tagged by stage: download, each pipeline stage that ran, write_outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = StageBuckets });
        _workIgnored = Meter.CreateCounter<long>(WorkIgnoredName, "{item}",
            "Work-queue events and items acknowledged without processing, by kind: other_event_type (a deletion…), other_container, unusable, duplicate (the blob version has its outcome or is in flight).");
        _stateCommits = Meter.CreateCounter<long>(StateCommitsName, "{segment}",
            "Segments this worker appended to the shared state log (one per batch of documents that changed the state).");
        _stateConflicts = Meter.CreateCounter<long>(StateConflictsName, "{conflict}",
            "Commits of a batch that found their segment number taken by another worker; the batch was decided again after catching up.");
        _stateBatchDocuments = Meter.CreateHistogram(StateBatchDocumentsName, "{document}",
            "Documents decided together in one batch of the shared state.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = BatchBuckets });
    }

    public Meter Meter { get; }

    public void StorageRequest(string role, string area, string operation, int status, TimeSpan duration)
    {
        var tags = new TagList
        {
            { "role", role },
            { "area", area },
            { "operation", operation },
            { "status", status },
        };
        _storageRequests.Add(1, tags);
        _storageDuration.Record(duration.TotalSeconds, tags);
    }

    public void StorageRetry(string errorType) => _storageRetries.Add(1, new KeyValuePair<string, object?>("error.type", errorType));

    public void ListingPaused(TimeSpan paused) => _listingPaused.Add(paused.TotalSeconds);

    public void ListingUnlistable(string listing, bool skipped) => _listingUnlistable.Add(1,
        new KeyValuePair<string, object?>("listing", listing), new KeyValuePair<string, object?>("skipped", skipped));

    public void BlobSeen() => _seen.Add(1);

    /// <summary>Counts the input in flight until the returned handle is disposed.</summary>
    public InFlight BlobInFlight()
    {
        _inFlight.Add(1);
        return new InFlight(_inFlight);
    }

    public void BlobRetried() => _retries.Add(1);

    public void BlobFailed(string errorType) => _failed.Add(1, new KeyValuePair<string, object?>("error.type", errorType));

    /// <summary>Everything known once an input has its outcome: the counters, the bytes and the timings.</summary>
    public void BlobFinished(BlobSummary summary)
    {
        var outcome = new KeyValuePair<string, object?>("outcome", summary.Outcome);
        switch (summary.Outcome)
        {
            case BlobSummary.Accepted:
                _accepted.Add(1);
                break;
            case BlobSummary.Rejected:
                _rejected.Add(1,
                    new KeyValuePair<string, object?>("reason", ReasonTag(summary.Reasons.FirstOrDefault())),
                    new KeyValuePair<string, object?>("stage", summary.RejectionStage ?? ""));
                break;
            case BlobSummary.Poisoned:
                _poisoned.Add(1, new KeyValuePair<string, object?>("error.type", summary.ErrorType ?? ""));
                break;
        }
        _io.Add(summary.InputBytes, new KeyValuePair<string, object?>("direction", "read"), outcome);
        _io.Add(summary.OutputBytes, new KeyValuePair<string, object?>("direction", "write"), outcome);
        if (summary.Total is { } total)
            _blobDuration.Record(total.TotalSeconds, outcome);
        if (summary.Latency is { } latency)
            _latency.Record(Math.Max(0, latency.TotalSeconds), outcome);
        foreach (var step in summary.Steps)
            _stageDuration.Record(step.Elapsed.TotalSeconds, new KeyValuePair<string, object?>("stage", step.Stage));
    }

    public void WorkIgnored(string kind) => _workIgnored.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void StateCommitted() => _stateCommits.Add(1);

    public void StateConflict() => _stateConflicts.Add(1);

    public void StateBatch(int documents) => _stateBatchDocuments.Record(documents);

    /// <summary>The work and poison queue depths, observed through <paramref name="observe"/> (queue and Event Grid modes only).</summary>
    public ObservableGauge<long> CreateQueueDepthGauge(Func<IEnumerable<Measurement<long>>> observe) =>
        Meter.CreateObservableGauge(QueueDepthName, observe, "{message}",
            "Approximate number of messages in the work queue (queue=work) and its poison queue (queue=poison), as storage last reported it.");

    /// <summary>A reason code as a tag value: one of the published codes, else <see cref="OtherReason"/>.</summary>
    public static string ReasonTag(string? code) => code is not null && KnownReasons.Contains(code) ? code : OtherReason;

    private static IEnumerable<string> PublishedReasonCodes() =>
        typeof(ReasonCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Concat(QualityReasons.All);

    public readonly struct InFlight(UpDownCounter<long> counter) : IDisposable
    {
        public void Dispose() => counter.Add(-1);
    }
}

using IngestWorker.Text.Pipeline;

namespace IngestWorker.Options;

/// <summary><c>ingestWorker</c> in host.json: everything that is ours rather than Functions'.</summary>
public sealed class IngestWorkerOptions
{
    public const string Section = "ingestWorker";

    public ContainerOptions Containers { get; set; } = new();

    public TriggerOptions Trigger { get; set; } = new();

    public PartitionOptions Partitions { get; set; } = new();

    public PipelineOptions Pipeline { get; set; } = new();

    public TelemetryOptions Telemetry { get; set; } = new();

    public StatisticsOptions Statistics { get; set; } = new();

    public HttpOptions Http { get; set; } = new();

    public MemoryOptions Memory { get; set; } = new();

    public StateOptions State { get; set; } = new();

    /// <summary>
    /// How long a stopping worker waits for blobs in flight before it abandons them (they are
    /// picked up again on the next start; nothing is lost either way).
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// <c>ingestWorker:telemetry</c>. The OTLP exporter is configured with the standard
/// <c>OTEL_EXPORTER_OTLP_*</c> settings instead (docs/operations.md, Monitoring).
/// </summary>
public sealed class TelemetryOptions
{
    /// <summary>
    /// How often the work and poison queue depths are asked of storage (queue and Event Grid modes),
    /// and only while something reads the <c>ingestworker.queue.depth</c> gauge.
    /// </summary>
    public TimeSpan QueueDepthInterval { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary><c>ingestWorker:memory</c>: giving memory back once a burst is over (docs/operations.md, Memory).</summary>
public sealed class MemoryOptions
{
    /// <summary>
    /// Once no blob has been in flight for this long after some were, the worker runs one
    /// compacting, decommitting garbage collection: without it a heap grown by a burst of large
    /// inputs stays at its peak while idle, since an idle worker allocates too little to trigger a
    /// full collection. <c>00:00:00</c> turns it off.
    /// </summary>
    public TimeSpan ReleaseAfterIdle { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary><c>ingestWorker:statistics</c>: the per-stage run statistics (docs/operations.md, Run statistics).</summary>
public sealed class StatisticsOptions
{
    /// <summary>
    /// How often a worker writes its counts of the current hour to the state container. A crash
    /// loses at most this much of the statistics (never an outcome).
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class ContainerOptions
{
    /// <summary>Where inputs are dropped.</summary>
    public string Input { get; set; } = "incoming";

    /// <summary>Outputs of accepted documents.</summary>
    public string Accepted { get; set; } = "cleaned";

    /// <summary>Outputs of rejected documents, with their reasons.</summary>
    public string Rejected { get; set; } = "rejected";

    /// <summary>Records of inputs that failed <c>poisonBlobThreshold</c> times.</summary>
    public string Poison { get; set; } = "poison";

    /// <summary>The worker's own bookkeeping: claims and the shared state log (the outcomes are the receipts).</summary>
    public string State { get; set; } = "ingestworker-state";
}

public sealed class TriggerOptions
{
    public const string ScanMode = "scan";
    public const string QueueMode = "queue";
    public const string EventGridMode = "eventGrid";

    /// <summary>
    /// How new blobs are found. <c>scan</c>: every worker lists the input container and processes
    /// what it finds. <c>queue</c>: one worker at a time (holding a blob lease) lists the container
    /// and enqueues work to <see cref="Queue"/>; every worker consumes the queue. <c>eventGrid</c>:
    /// no listing at all; workers consume <c>Microsoft.Storage.BlobCreated</c> events that an Event
    /// Grid subscription delivers to <see cref="Queue"/>.
    /// </summary>
    public string Mode { get; set; } = ScanMode;

    /// <summary>The work queue (modes <c>queue</c> and <c>eventGrid</c>); empty = <c>{input container}-work</c>. Its poison queue is <c>{queue}-poison</c>.</summary>
    public string Queue { get; set; } = "";

    /// <summary>Messages received per call (1–32).</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>
    /// Blobs the <c>queue</c>-mode scanner names in one work message (1–32): one send, receive and
    /// delete for all of them. A message that comes back (its worker died or gave it back) is split
    /// into one message per blob, so that a blob that kills its worker uses up only its own attempts.
    /// </summary>
    public int WorkItemsPerMessage { get; set; } = 16;

    /// <summary>Longest pause between two looks at an empty queue; busy queues are read without pause.</summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// First pause after a look that emptied the queue (it doubles up to <see cref="MaxQueuePollingInterval"/>
    /// while the queue stays empty): at a trickle, every look costs a request, and this is the
    /// latency a new message may wait.
    /// </summary>
    public TimeSpan MinQueuePollingInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Receptions of one message after which it goes to the poison queue with a poison record. A
    /// safety net: a blob that fails is poisoned by <c>poisonBlobThreshold</c>, counted at its claim,
    /// where retries that were not the blob's fault (storage outages, shutdowns) do not count.
    /// </summary>
    public int MaxDequeueCount { get; set; } = 20;

    /// <summary>
    /// Shortest time between two writes of the <c>queue</c>-mode scanner's checkpoint (0 = after
    /// every listing that moved it): at a trickle every listing moves it. A successor starts from
    /// the last one written, so it enqueues again at most this much of the finished blobs (each
    /// then found done by its outcome).
    /// </summary>
    public TimeSpan ScanCheckpointInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Lease on the scanner's blob in <c>queue</c> mode (15–60 s): how soon another worker takes over scanning from one that died.</summary>
    public TimeSpan ScanLeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Pause between two scans of the input container; unset, <see cref="ScanInterval"/> chooses by mode.
    /// </summary>
    public TimeSpan? PollingInterval { get; set; }

    /// <summary>Scan mode's pause between listings: a blob waits for the next listing at most this long, most of its pickup latency.</summary>
    public static readonly TimeSpan DefaultScanPollingInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The queue-mode scanner's pause between listings. Longer than scan mode's: each listing that
    /// finds blobs costs a work message's send, receive and delete, shared by the blobs it found, so
    /// at a trickle of 2 files/s a second between listings halves those calls (docs/benchmarks.md).
    /// </summary>
    public static readonly TimeSpan DefaultQueuePollingInterval = TimeSpan.FromSeconds(1);

    /// <summary>The pause between two scans in effect: <see cref="PollingInterval"/> when set, else the mode's default.</summary>
    public TimeSpan ScanInterval => PollingInterval ?? (Mode == QueueMode ? DefaultQueuePollingInterval : DefaultScanPollingInterval);

    /// <summary>
    /// Least time between two full scans (1 s – 1 day). Between them a scan hands out only blobs
    /// whose <c>Last-Modified</c> is after the previous scan's start less a clock margin; storage
    /// stamps that time when an upload begins, so a blob whose upload outlasted the margin is
    /// older than that mark once it is listed. A full scan lists the outcomes alongside and hands
    /// out every blob without one of its version, whatever its age (in <c>queue</c> mode only while the work queue
    /// is empty, so that a backlog is not enqueued twice).
    /// </summary>
    public TimeSpan FullScanInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Length of the blob lease that marks a blob as being processed (15–60 s, renewed while work
    /// goes on). A worker that dies holds its blobs this long at most.
    /// </summary>
    public TimeSpan ClaimDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>First pause before a failed blob is tried again; doubled per failure, up to a minute.</summary>
    public TimeSpan FailedBlobRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Most one-name listing pages a listing spends to find its way past a name storage cannot list
    /// (about 17 per character of the name before its bad character, beyond what it shares with the
    /// name before it); 0: never look past one, the listing stops there.
    /// </summary>
    public int UnlistableNameProbes { get; set; } = 2000;

    /// <summary>Least time between two warnings about the same unlistable name (the metric counts every meeting).</summary>
    public TimeSpan UnlistableNameWarningInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The work queue's name: <see cref="Queue"/>, or derived from the input container.</summary>
    public string WorkQueueName(string inputContainer) =>
        Queue is { Length: > 0 } configured ? configured : (inputContainer.Length > 51 ? inputContainer[..51].TrimEnd('-') : inputContainer) + "-work";

    public static string PoisonQueueName(string workQueue) => workQueue + "-poison";
}

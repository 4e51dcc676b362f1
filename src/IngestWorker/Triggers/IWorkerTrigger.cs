namespace IngestWorker.Triggers;

/// <summary>What the host and its tests need from whichever trigger <c>ingestWorker:trigger:mode</c> chose.</summary>
public interface IWorkerTrigger
{
    /// <summary>Completes once storage is ready and the trigger is taking work.</summary>
    Task Started { get; }

    /// <summary>Why the worker could not start (storage refused it), if it could not.</summary>
    Exception? StartupFailure { get; }

    /// <summary>Complete listings of the input container made by this process (0 in Event Grid mode).</summary>
    long CompletedScans { get; }
}

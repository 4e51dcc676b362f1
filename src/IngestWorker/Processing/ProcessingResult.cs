namespace IngestWorker.Processing;

/// <summary>How handling one input version ended, from the trigger's point of view.</summary>
public enum ProcessingResult
{
    /// <summary>Its outcome was written (accepted or rejected); the outcome is its receipt.</summary>
    Completed,
    /// <summary>Its attempts were used up: a poison record was written as its outcome.</summary>
    Poisoned,
    /// <summary>An outcome of this input version and pipeline version already existed: nothing to do.</summary>
    AlreadyDone,
    /// <summary>Another worker holds its claim.</summary>
    ClaimedElsewhere,
    /// <summary>It failed and will be tried again after a pause.</summary>
    Failed,
    /// <summary>Work stopped (shutdown, lost claim) before an outcome; it will be picked up again.</summary>
    Abandoned,
    /// <summary>The input was overwritten since it was seen; the new version is work of its own.</summary>
    Superseded,
    /// <summary>The input was deleted before it could be read.</summary>
    InputDeleted,
}

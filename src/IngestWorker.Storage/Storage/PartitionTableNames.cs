namespace IngestWorker.Storage;

/// <summary>
/// Where scan-mode workers keep a scan's partition ownership table in the state container: one
/// table per pipeline version and input container. Named here, in the storage library, because the
/// operator commands and the claim store ask whether a table exists, not only the workers that own it.
/// </summary>
public static class PartitionTableNames
{
    /// <summary>The scan's key: one ownership table per pipeline version and input container.</summary>
    public static string ScanKey(string pipelineVersion, string inputContainer) => $"{pipelineVersion}/{inputContainer}";

    public static string TableBlobName(string scanKey) => $"partitions/{scanKey}/table";
}

namespace IngestWorker.Storage;

/// <summary>
/// The pure rules of a partition's in-flight record: which attempt each blob of a new batch is,
/// which blobs have used up their attempts and must be poisoned instead, and what the record
/// holds once the batch's outcomes are known. Attempts count per input version (name and ETag):
/// a changed blob starts again from zero. The pipeline version is part of the record's name.
/// </summary>
public static class InflightPlanner
{
    /// <summary>The error a poison record gives when every attempt ended with its worker dying.</summary>
    public const string WorkerStoppedType = "WorkerStopped";

    public const string WorkerStoppedMessage = "A worker stopped (crashed or was killed) while processing this blob, every time it was tried.";

    /// <summary>
    /// Merges what the partition carried over (the record left by the previous batch or owner, or
    /// this owner's own record after its last batch) with a new batch. Each blob of the batch that
    /// was tried before gets that attempt's number plus one; one already tried
    /// <paramref name="poisonThreshold"/> times is poisoned instead. Entries for blobs outside the
    /// batch are kept while <paramref name="stillPending"/> says their version still has no
    /// outcome (their count must not be lost) and dropped otherwise.
    /// </summary>
    /// <param name="stillPending">Whether this input version still lacks an outcome; null keeps every entry.</param>
    public static InflightPlan Plan(
        InflightRecord? carried,
        IReadOnlyList<InflightCandidate> batch,
        string owner,
        int poisonThreshold,
        Func<string, string, bool>? stillPending = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(poisonThreshold, 1);
        var previous = new Dictionary<string, InflightEntry>(StringComparer.Ordinal);
        foreach (var entry in carried?.Entries ?? [])
            previous[entry.Name] = entry;

        var entries = new List<InflightEntry>();
        var attempts = new List<InflightAttempt>();
        var poison = new List<InflightPoison>();
        var inBatch = new HashSet<string>(StringComparer.Ordinal);
        foreach (var candidate in batch)
        {
            if (!inBatch.Add(candidate.Name))
                throw new ArgumentException($"The batch names {candidate.Name} twice.", nameof(batch));
            var before = previous.GetValueOrDefault(candidate.Name) is { } entry && entry.ETag == candidate.ETag ? entry : null;
            var made = before?.Attempt ?? 0;
            if (made >= poisonThreshold)
            {
                // Kept as it is: if this worker dies before the poison record is written, the next owner poisons it too.
                entries.Add(before!);
                poison.Add(new InflightPoison(candidate.Name, candidate.ETag, made, before!.LastErrorType ?? WorkerStoppedType, before.LastError ?? WorkerStoppedMessage));
                continue;
            }
            entries.Add(new InflightEntry(candidate.Name, candidate.ETag, made + 1, before?.LastErrorType, before?.LastError));
            attempts.Add(new InflightAttempt(candidate.Name, candidate.ETag, made + 1));
        }
        foreach (var entry in carried?.Entries ?? [])
        {
            if (!inBatch.Contains(entry.Name) && (stillPending?.Invoke(entry.Name, entry.ETag) ?? true))
                entries.Add(entry);
        }
        return new InflightPlan(new InflightRecord(owner, entries), attempts, poison);
    }

    /// <summary>
    /// The record once the batch's outcomes are known, kept in memory and written with the next
    /// batch (or at hand-over): finished blobs (an outcome, poison included) leave it; failed ones
    /// keep their counted attempt and their error; abandoned ones (the worker stopped, lost the
    /// partition or could not reach storage: not the blob's fault) get their attempt back.
    /// </summary>
    public static InflightRecord Settle(InflightRecord record, IReadOnlyList<InflightResult> results)
    {
        var byName = new Dictionary<string, InflightResult>(StringComparer.Ordinal);
        foreach (var result in results)
            byName[result.Name] = result;
        var entries = new List<InflightEntry>();
        foreach (var entry in record.Entries)
        {
            if (!byName.TryGetValue(entry.Name, out var result) || result.ETag != entry.ETag)
            {
                entries.Add(entry);
                continue;
            }
            switch (result.Outcome)
            {
                case InflightOutcome.Finished:
                    break;
                case InflightOutcome.Failed:
                    entries.Add(entry with { LastErrorType = result.ErrorType, LastError = result.Error });
                    break;
                case InflightOutcome.Abandoned:
                    if (entry.Attempt > 1)
                        entries.Add(entry with { Attempt = entry.Attempt - 1 });
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(results), result.Outcome, "Unknown outcome.");
            }
        }
        return record with { Entries = entries };
    }

    /// <summary>
    /// Whether the settled record must be written now rather than with the next batch: when an
    /// attempt was given back, the stored record counts one too many for a new owner of the
    /// partition. Finished blobs need no write (a new owner skips blobs that have an outcome), nor
    /// do failures (the stored record already counts them; only their message waits).
    /// </summary>
    public static bool MustWriteNow(IReadOnlyList<InflightResult> results) =>
        results.Any(r => r.Outcome == InflightOutcome.Abandoned);
}

/// <summary>A blob about to be tried: its name and the ETag of the version listed.</summary>
public sealed record InflightCandidate(string Name, string ETag);

/// <summary>A blob of the batch to try, and which attempt this is.</summary>
public sealed record InflightAttempt(string Name, string ETag, int Attempt);

/// <summary>A blob of the batch whose attempts are used up: write its poison record instead of trying it.</summary>
public sealed record InflightPoison(string Name, string ETag, int Attempts, string ErrorType, string Error);

/// <summary>What to write before the batch starts, and what the batch is.</summary>
public sealed record InflightPlan(InflightRecord Record, IReadOnlyList<InflightAttempt> Attempts, IReadOnlyList<InflightPoison> Poison);

public enum InflightOutcome
{
    /// <summary>An outcome (accepted, rejected or poison) was written.</summary>
    Finished,

    /// <summary>The attempt failed with an error of the blob's own; it counts.</summary>
    Failed,

    /// <summary>Given up for reasons not the blob's (shutdown, lost partition, storage unreachable); it does not count.</summary>
    Abandoned,
}

public sealed record InflightResult(string Name, string ETag, InflightOutcome Outcome, string? ErrorType = null, string? Error = null);

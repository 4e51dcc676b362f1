using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using IngestWorker.Options;
using IngestWorker.Storage;
using Microsoft.Extensions.Logging;

namespace IngestWorker.State;

/// <summary>
/// Deletes the state log's blobs that <see cref="StateLogPrunePlan"/> chooses: run by the worker
/// that created a checkpoint, right after it. Deletes are idempotent (a blob already gone counts as
/// deleted), so two workers pruning at once after two checkpoints only repeat each other's work.
/// </summary>
/// <remarks>
/// Costs, per checkpoint: one listing of the checkpoints, one listing page of the segments (a
/// prune deletes every segment it lists, so the next one starts past them), and one delete per
/// segment and per old checkpoint — over time one delete per segment ever written.
/// </remarks>
public sealed class StateLogPruner(BlobContainerClient state, StorageResilience resilience, string pipelineVersion, StateOptions options,
    TimeProvider time, ILogger logger)
{
    // Deletes sent at once: pruning runs beside the worker's own traffic, so it stays modest.
    private const int ParallelDeletes = 4;

    /// <summary>Lists the checkpoints with the time storage wrote them; the newest tells a catching-up worker what was pruned.</summary>
    public async ValueTask<List<ListedCheckpoint>> ListCheckpointsAsync(CancellationToken cancellationToken)
    {
        var prefix = BlobNames.StateCheckpointPrefix(pipelineVersion);
        return await resilience.RunAsync(async ct =>
        {
            var checkpoints = new List<ListedCheckpoint>();
            try
            {
                await foreach (var item in state.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, ct).ConfigureAwait(false))
                {
                    if (SequenceOf(item.Name, prefix) is { } sequence)
                        checkpoints.Add(new ListedCheckpoint(sequence, item.Properties.LastModified ?? DateTimeOffset.MaxValue));
                }
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // No state container yet: no checkpoints.
            }
            return checkpoints;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <returns>What was deleted.</returns>
    public async ValueTask<StateLogPrunePlan> PruneAsync(CancellationToken cancellationToken)
    {
        var checkpoints = await ListCheckpointsAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var coveredUpTo = options.PruneSegments ? StateLogPrunePlan.SegmentsCoveredUpTo(checkpoints, now, options.PruneAfter) : 0;
        var segments = coveredUpTo > 0 ? await ListSegmentsUpToAsync(coveredUpTo, cancellationToken).ConfigureAwait(false) : [];
        var plan = StateLogPrunePlan.Choose(checkpoints, segments, now, options.PruneSegments, options.KeepCheckpoints, options.PruneAfter);
        if (plan.IsEmpty)
            return plan;

        // Segments first: a checkpoint is only deleted once newer ones cover everything it did.
        await DeleteAsync(plan.Segments.Select(s => BlobNames.StateSegment(pipelineVersion, s)), cancellationToken).ConfigureAwait(false);
        await DeleteAsync(plan.Checkpoints.Select(c => BlobNames.StateCheckpoint(pipelineVersion, c)), cancellationToken).ConfigureAwait(false);
        logger.LogInformation("State log pruned: {Segments} segments up to {CoveredUpTo} and {Checkpoints} old checkpoints deleted.",
            plan.Segments.Count, coveredUpTo, plan.Checkpoints.Count);
        return plan;
    }

    // Listing order is numeric order (the names are zero-padded), so the listing stops at the first
    // segment past the covered ones: after the first prune, that is within the first page.
    private async ValueTask<List<long>> ListSegmentsUpToAsync(long coveredUpTo, CancellationToken cancellationToken)
    {
        var prefix = BlobNames.StateSegmentPrefix(pipelineVersion);
        return await resilience.RunAsync(async ct =>
        {
            var segments = new List<long>();
            await foreach (var item in state.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, ct).ConfigureAwait(false))
            {
                if (SequenceOf(item.Name, prefix) is not { } sequence)
                    continue;
                if (sequence > coveredUpTo)
                    break;
                segments.Add(sequence);
            }
            return segments;
        }, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask DeleteAsync(IEnumerable<string> names, CancellationToken cancellationToken) =>
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = ParallelDeletes, CancellationToken = cancellationToken },
            async (name, ct) => await resilience.RunAsync(
                async c => (await state.GetBlobClient(name).DeleteIfExistsAsync(cancellationToken: c).ConfigureAwait(false)).Value,
                ct).ConfigureAwait(false)).ConfigureAwait(false);

    private static long? SequenceOf(string name, string prefix) =>
        name.StartsWith(prefix, StringComparison.Ordinal) && long.TryParse(name.AsSpan(prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var sequence)
            ? sequence
            : null;
}

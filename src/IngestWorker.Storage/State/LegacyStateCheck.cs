using IngestWorker.Options;
using IngestWorker.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestWorker.State;

/// <summary>
/// At start, on an empty state log: says so when the state container still holds dedup records
/// of the layout before the log (<see cref="LegacyStateLayout"/>), which the worker no longer
/// reads, and what to run. Two listings of one item each, once; it never stops the start.
/// </summary>
public sealed class LegacyStateCheck(IngestContainers containers, StorageResilience resilience, IOptions<IngestWorkerOptions> options, ILogger<LegacyStateCheck> logger)
{
    public async ValueTask WarnIfPresentAsync(CancellationToken cancellationToken)
    {
        try
        {
            var found = await resilience.RunAsync(async ct => await LegacyStateLayout.FindAsync(containers.State, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            if (found.Count > 0)
                logger.LogWarning("{Warning}", LegacyStateLayout.StartWarning(found, options.Value.Pipeline.Version, containers.State.Name));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Only advice: a worker that cannot look still works.
            logger.LogDebug("Could not look for records of the layout before the state log: {Error}", e.Message);
        }
    }
}

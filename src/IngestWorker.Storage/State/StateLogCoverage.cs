using Azure;
using Azure.Storage.Blobs.Models;
using IngestWorker.Options;
using IngestWorker.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestWorker.State;

/// <summary>
/// Whether the state log can vouch for the outcome containers: every outcome there was written
/// after its decision was committed to the log (<see cref="DocumentDecided"/>), so a name the log
/// never decided has no outcome, and a queue-mode worker may write a new name's outcome without
/// looking for an older one. Marked by <c>log/{version}/covers-all-outcomes</c>, created when the log
/// is empty and the outcome containers hold nothing; storage whose outcomes predate the log (an
/// earlier layout, an earlier pipeline version) never gets it, and there every name is looked up.
/// </summary>
public sealed class StateLogCoverage(IngestContainers containers, StorageResilience resilience, IOptions<IngestWorkerOptions> options, ILogger<StateLogCoverage> logger)
{
    private readonly string _version = options.Value.Pipeline.Version;

    /// <param name="index">The loaded index: only an empty log can start vouching.</param>
    /// <returns>True when the log vouches; false (with the reason logged) when outcomes must be looked up.</returns>
    public async ValueTask<bool> VouchesAsync(StateIndex index, CancellationToken cancellationToken)
    {
        var marker = containers.State.GetBlobClient(BlobNames.StateCoverage(_version));
        if (await resilience.RunAsync(async ct => (await marker.ExistsAsync(ct).ConfigureAwait(false)).Value, cancellationToken).ConfigureAwait(false))
            return true;
        if (index.Sequence == 0 && await OutcomesEmptyAsync(cancellationToken).ConfigureAwait(false))
        {
            await resilience.RunAsync(async ct =>
            {
                try
                {
                    await marker.UploadAsync(BinaryData.FromBytes(Array.Empty<byte>()), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, ct).ConfigureAwait(false);
                }
                catch (RequestFailedException e) when (e.Status is 409 or 412)
                {
                    // Another worker marked it first.
                }
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        logger.LogInformation("Outcomes in '{Accepted}', '{Rejected}' or '{Poison}' may predate the state log of pipeline version {PipelineVersion}: every work message's blob is looked up in them before it is written (up to 3 requests more per blob).",
            containers.Accepted.Name, containers.Rejected.Name, containers.Poison.Name, _version);
        return false;
    }

    private async ValueTask<bool> OutcomesEmptyAsync(CancellationToken cancellationToken)
    {
        foreach (var container in containers.Outcomes)
        {
            var any = await resilience.RunAsync(async ct =>
            {
                await foreach (var page in container.GetBlobsAsync(cancellationToken: ct).AsPages(pageSizeHint: 1).ConfigureAwait(false))
                    return page.Values.Count > 0 || !string.IsNullOrEmpty(page.ContinuationToken);
                return false;
            }, cancellationToken).ConfigureAwait(false);
            if (any)
                return false;
        }
        return true;
    }
}

using Azure;
using Azure.Identity;
using IngestWorker.Options;
using IngestWorker.Storage;
using Microsoft.Extensions.Logging;

namespace IngestWorker.Triggers;

/// <summary>
/// Creates the worker's missing containers (and queues) before a trigger starts. A storage outage is
/// waited out (the worker must not crash-loop while Azurite or the network comes up); a refusal such
/// as bad credentials is reported as an <see cref="InvalidOperationException"/>, which stops the host.
/// </summary>
internal static class StorageReadiness
{
    public static async Task EnsureAsync(IngestContainers containers, StorageResilience resilience, WorkQueues? queues, ILogger logger, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                foreach (var container in containers.All)
                    await resilience.RunAsync(async ct => await container.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                if (queues is not null)
                    await queues.EnsureExistAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (StorageUnavailableException e)
            {
                logger.LogWarning("Storage at {Endpoint} is not reachable yet ({Error}); trying again in {Delay}.", containers.Service.Uri, e.Message, delay);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
            catch (RequestFailedException e)
            {
                throw new InvalidOperationException(
                    $"Storage at {containers.Service.Uri} refused to create the worker's {(queues is null ? "containers" : "containers and queues")}: HTTP {e.Status} {e.ErrorCode}. {Advice(e)}", e);
            }
            catch (AuthenticationFailedException e)
            {
                throw new InvalidOperationException(
                    $"No token for storage at {containers.Service.Uri}: {e.Message} Check the identity settings ({StorageOptions.ConnectionStringKey}__credential, __clientId) and that the identity is assigned to this host.", e);
            }
        }
    }

    // A token without the data roles is refused with 403 AuthorizationPermissionMismatch; a key
    // that is wrong, with 403 AuthenticationFailed.
    private static string Advice(RequestFailedException e) => e.ErrorCode == "AuthorizationPermissionMismatch"
        ? "The identity needs the Storage Blob Data Contributor and Storage Queue Data Contributor roles on the account (infra/ assigns them)."
        : $"Check {StorageOptions.ConnectionStringKey}.";
}

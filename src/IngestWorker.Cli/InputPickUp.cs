using Azure;
using Azure.Storage.Blobs.Models;
using IngestWorker.Options;
using IngestWorker.Storage;
using IngestWorker.Telemetry;
using IngestWorker.Triggers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IngestWorker.Cli;

/// <summary>
/// Puts an input in front of the running workers, the way the configured trigger mode lets an
/// outsider do it: a work message in the queue modes; in scan mode, where workers only look at
/// blobs that changed since their previous listing, a change to the blob's metadata.
/// </summary>
internal sealed class InputPickUp
{
    private readonly IngestContainers _containers;
    private readonly StorageResilience _resilience;
    private readonly WorkQueues? _queues;

    public InputPickUp(IServiceProvider services)
    {
        _containers = services.GetRequiredService<IngestContainers>();
        _resilience = services.GetRequiredService<StorageResilience>();
        Mode = services.GetRequiredService<IOptions<IngestWorkerOptions>>().Value.Trigger.Mode;
        _queues = Mode == TriggerOptions.ScanMode ? null : services.GetRequiredService<WorkQueues>();
    }

    public string Mode { get; }

    /// <summary>The work and poison queues; null in scan mode.</summary>
    public WorkQueues? Queues => _queues;

    public string Describe() => _queues is { } queues
        ? $"{Mode} mode: each one gets a work message on queue '{queues.Work.Name}'"
        : "scan mode: each one's metadata is touched, giving it a new ETag, so that running workers list it as changed";

    /// <summary>
    /// Refuses before anything is changed when the inputs could not be handed over: a missing work
    /// queue means no worker in a queue mode has ever run with this configuration, and creating it
    /// here would only hide that.
    /// </summary>
    public async Task EnsureReadyAsync(string command, CancellationToken cancellationToken)
    {
        if (_queues is { } queues)
        {
            if (!await _resilience.RunAsync(async ct => (await queues.Work.ExistsAsync(ct).ConfigureAwait(false)).Value, cancellationToken).ConfigureAwait(false))
                throw new CommandFailedException($"{command}: the work queue '{queues.Work.Name}' does not exist at {new Uri(queues.Work.Uri, ".")}. "
                    + $"Workers in {Mode} mode create it when they start: is this the configuration they run with (ingestWorker:trigger:mode, ingestWorker:trigger:queue)?");
        }
        else if (!await _resilience.RunAsync(async ct => (await _containers.Input.ExistsAsync(ct).ConfigureAwait(false)).Value, cancellationToken).ConfigureAwait(false))
        {
            throw new CommandFailedException($"{command}: the input container '{_containers.Input.Name}' does not exist at {Secrets.Endpoint(_containers.Service.Uri)}.");
        }
    }

    /// <summary>A work message in the queue modes, a touch in scan mode.</summary>
    /// <returns>False when, in scan mode, the blob changed before it could be touched (<see cref="TouchAsync"/>).</returns>
    public async Task<bool> HandOverAsync(InputBlob input, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_queues is null)
            return await TouchAsync(input, now, cancellationToken).ConfigureAwait(false);
        await EnqueueAsync(input, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task EnqueueAsync(InputBlob input, CancellationToken cancellationToken)
    {
        var queues = _queues ?? throw new InvalidOperationException("There is no work queue in scan mode.");
        await queues.SendAsync(WorkMessage.For(_containers.Input.Name, input.Name, input.ETag, input.ContentLength, input.LastModified), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Rewrites the blob's metadata (all of it kept, plus the replay mark), which gives it a new ETag
    /// and Last-Modified without touching its content.
    /// </summary>
    /// <returns>
    /// False when the blob is no longer the version given (overwritten or deleted): that version
    /// needs no touch, a new one is processed anyway. False too when its name cannot be addressed
    /// (<see cref="BlobNameSafety"/>): a worker's full scan at start hands it out.
    /// </returns>
    public async Task<bool> TouchAsync(InputBlob input, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Addressed, such a name would be another blob (BlobNameSafety): that one is not touched.
        if (!BlobNameSafety.IsAddressable(input.Name))
            return false;
        var blob = _containers.Input.GetBlobClient(input.Name);
        var sameVersion = new BlobRequestConditions { IfMatch = new ETag(input.ETag) };
        try
        {
            var properties = await _resilience.RunAsync(async ct => (await blob.GetPropertiesAsync(sameVersion, ct).ConfigureAwait(false)).Value, cancellationToken).ConfigureAwait(false);
            var metadata = ReplayRules.TouchedMetadata(properties.Metadata, now);
            await _resilience.RunAsync(async ct => { await blob.SetMetadataAsync(metadata, sameVersion, ct).ConfigureAwait(false); }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // A 412 also answers a retry whose first try went through: either way the blob has a
            // new ETag now, which is all the touch is for.
            return false;
        }
    }
}

/// <summary>A command cannot go on, for a reason the message explains; exit code 1, like a usage error.</summary>
internal sealed class CommandFailedException(string message) : Exception(message);

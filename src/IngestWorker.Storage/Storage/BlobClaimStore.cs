using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using IngestWorker.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestWorker.Storage;

/// <summary>
/// Claims as leased blobs under <c>claims/{container}/{name}</c> in the state container. The blob
/// lease gives exclusivity and expiry on the server's clock; the blob's content keeps the attempt
/// count, so a worker that crashes mid-blob still leaves a trace the next worker can count.
/// A first claim costs two storage calls (create with content, lease); a repeat claim three.
/// </summary>
public sealed class BlobClaimStore : IClaimStore
{
    private readonly BlobContainerClient _state;
    private readonly StorageResilience _resilience;
    private readonly ILogger<BlobClaimStore> _logger;
    private readonly string _inputContainer;
    private readonly string _pipelineVersion;
    private readonly TimeSpan _duration;
    private Task<bool>? _scannedByPartitions;

    public BlobClaimStore(IngestContainers containers, StorageResilience resilience, IOptions<IngestWorkerOptions> options, ILogger<BlobClaimStore> logger)
    {
        _state = containers.State;
        _resilience = resilience;
        _logger = logger;
        _inputContainer = options.Value.Containers.Input;
        _pipelineVersion = options.Value.Pipeline.Version;
        _duration = options.Value.Trigger.ClaimDuration;
    }

    public async ValueTask<IBlobClaim?> TryAcquireAsync(InputBlob input, ClaimState firstState, CancellationToken cancellationToken)
    {
        var blob = _state.GetBlobClient(BlobNames.Claim(_inputContainer, input.Name));
        var firstContent = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(firstState, StateJsonContext.Default.ClaimState));
        var created = await _resilience.RunAsync<ETag?>(async ct =>
        {
            try
            {
                var response = await blob.UploadAsync(firstContent, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, ct).ConfigureAwait(false);
                return response.Value.ETag;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // The name was claimed before (and may be leased by another worker right now).
                return null;
            }
        }, cancellationToken).ConfigureAwait(false);

        // A lease ID of our choosing makes the acquire safe to retry: re-acquiring a lease we
        // already hold with the same ID succeeds instead of reporting a conflict. For a record we
        // just created, If-Match proves nobody else got in between, so its content is what we wrote.
        var lease = blob.GetBlobLeaseClient(Guid.NewGuid().ToString());
        var conditions = created is { } etag ? new RequestConditions { IfMatch = etag } : null;
        try
        {
            await _resilience.RunAsync(async ct => await lease.AcquireAsync(_duration, conditions, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 404 or 412)
        {
            // 409: another worker holds it. 412: another worker changed the record we just created.
            return null;
        }

        if (created is not null)
        {
            // Scan mode keeps no claim records (its partitions are the claim): where it has run,
            // a missing record no longer proves that the name was never processed.
            var neverProcessed = !await ScannedByPartitionsAsync(cancellationToken).ConfigureAwait(false);
            return new BlobClaim(blob, lease, firstState, isFirst: neverProcessed, _resilience, _duration, _logger);
        }
        try
        {
            var content = await _resilience.RunAsync(async ct => (await blob.DownloadContentAsync(ct).ConfigureAwait(false)).Value.Content, cancellationToken).ConfigureAwait(false);
            var state = ReadState(content, input);
            // A create whose answer was lost (storage made the record, the retry was refused) looks
            // like an earlier claim; counted as one, it would spend one of the input's attempts.
            // The record tells: firstState names this process and the moment of this attempt, so
            // nobody else wrote it, and it still holds what we wrote, so nobody worked on it since.
            var ownLostCreate = state == firstState;
            return new BlobClaim(blob, lease, state, isFirst: ownLostCreate, _resilience, _duration, _logger);
        }
        catch
        {
            await ReleaseQuietlyAsync(lease).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Whether scan-mode workers have shared this input container under this pipeline version (their ownership table exists); asked once.</summary>
    private async Task<bool> ScannedByPartitionsAsync(CancellationToken cancellationToken)
    {
        var asked = _scannedByPartitions ??= AskAsync();
        try
        {
            return await asked.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch when (!cancellationToken.IsCancellationRequested)
        {
            // Asked again next time; meanwhile, the safe answer.
            _ = Interlocked.CompareExchange(ref _scannedByPartitions, null, asked);
            return true;
        }

        async Task<bool> AskAsync()
        {
            var table = _state.GetBlobClient(PartitionTableNames.TableBlobName(
                PartitionTableNames.ScanKey(_pipelineVersion, _inputContainer)));
            return await _resilience.RunAsync(async ct => (await table.ExistsAsync(ct).ConfigureAwait(false)).Value, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private ClaimState ReadState(BinaryData content, InputBlob input)
    {
        ClaimState? state = null;
        try
        {
            state = JsonSerializer.Deserialize(content, StateJsonContext.Default.ClaimState);
        }
        catch (JsonException e)
        {
            _logger.LogWarning("Claim record of {BlobName} is unreadable ({Error}); starting its attempt count afresh.", input.Name, e.Message);
        }
        // Attempts count per input version and pipeline version: a changed blob starts from zero.
        return state is not null && state.ETag == input.ETag && state.PipelineVersion == _pipelineVersion
            ? state
            : ClaimState.Fresh(input.ETag, _pipelineVersion);
    }

    private static async ValueTask ReleaseQuietlyAsync(BlobLeaseClient lease)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await lease.ReleaseAsync(cancellationToken: timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RequestFailedException or OperationCanceledException or IOException or HttpRequestException)
        {
            // The lease lapses on its own; releasing early only saves the next worker some waiting.
        }
    }

    private sealed class BlobClaim : IBlobClaim
    {
        private readonly BlobClient _blob;
        private readonly BlobLeaseClient _lease;
        private readonly StorageResilience _resilience;
        private readonly TimeSpan _duration;
        private readonly ILogger _logger;
        private readonly CancellationTokenSource _lost = new();
        private readonly CancellationTokenSource _stopRenewing = new();
        private readonly Task _renewal;
        private bool _finished;

        public BlobClaim(BlobClient blob, BlobLeaseClient lease, ClaimState state, bool isFirst, StorageResilience resilience, TimeSpan duration, ILogger logger)
        {
            _blob = blob;
            _lease = lease;
            State = state;
            IsFirst = isFirst;
            _resilience = resilience;
            _duration = duration;
            _logger = logger;
            _renewal = RenewUntilStoppedAsync();
        }

        public bool IsFirst { get; }

        public ClaimState State { get; private set; }

        public CancellationToken Lost => _lost.Token;

        public async ValueTask SaveAsync(ClaimState state, CancellationToken cancellationToken)
        {
            var json = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(state, StateJsonContext.Default.ClaimState));
            var options = new BlobUploadOptions { Conditions = new BlobRequestConditions { LeaseId = _lease.LeaseId } };
            await _resilience.RunAsync(async ct => await _blob.UploadAsync(json, options, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            State = state;
        }

        public async ValueTask ReleaseAsync(CancellationToken cancellationToken)
        {
            await StopRenewingAsync().ConfigureAwait(false);
            await ReleaseQuietlyAsync(_lease).ConfigureAwait(false);
            _finished = true;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_finished)
                await ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
            await StopRenewingAsync().ConfigureAwait(false);
            _lost.Dispose();
            _stopRenewing.Dispose();
        }

        private async Task StopRenewingAsync()
        {
            if (!_stopRenewing.IsCancellationRequested)
                await _stopRenewing.CancelAsync().ConfigureAwait(false);
            await _renewal.ConfigureAwait(false);
        }

        private async Task RenewUntilStoppedAsync()
        {
            var stop = _stopRenewing.Token;
            var expires = DateTimeOffset.UtcNow + _duration;
            // A renewal that hangs must not use up the lease: each try gets a slice of it, so a
            // stuck request (the SDK's own network timeout is longer than the lease) leaves time
            // for more tries, and a failed try is repeated soon rather than a full period later.
            var tryTimeout = _duration / 6;
            var retryPause = TimeSpan.FromSeconds(1);
            var pause = _duration / 3;
            try
            {
                while (true)
                {
                    await Task.Delay(pause, stop).ConfigureAwait(false);
                    // The new lease period starts when the service gets the request, which is after
                    // it was sent: counting from the send errs on the safe side.
                    var sent = DateTimeOffset.UtcNow;
                    try
                    {
                        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stop);
                        attempt.CancelAfter(tryTimeout);
                        await _lease.RenewAsync(cancellationToken: attempt.Token).ConfigureAwait(false);
                        expires = sent + _duration;
                        pause = _duration / 3;
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
                    {
                        var transient = StorageResilience.IsTransient(e, stop);
                        // A transient failure leaves time for another try if one fits before the
                        // lease lapses; anything else means the lease is gone.
                        if (!transient || DateTimeOffset.UtcNow + retryPause + tryTimeout >= expires)
                        {
                            _logger.LogWarning("Lost the claim on {ClaimBlob} ({Error}); abandoning the blob.", _blob.Name, e.Message);
                            await _lost.CancelAsync().ConfigureAwait(false);
                            return;
                        }
                        pause = retryPause;
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }
    }
}

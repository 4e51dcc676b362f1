using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using IngestWorker.Options;
using IngestWorker.Text.Output;
using Microsoft.Extensions.Options;

namespace IngestWorker.Storage;

/// <summary>
/// Writes <c>{name}.json</c> to the container of the document's status, after removing any older
/// outcome of the same input from the other two, so each input has exactly one outcome.
/// Effectively-once: an outcome already written for the same input ETag and pipeline version is
/// kept as it is (a retry never rewrites it with a different <c>processedAt</c>), and concurrent
/// writers are serialised by conditional writes.
/// </summary>
/// <remarks>
/// The outcome is the input version's receipt (<see cref="IOutcomeReceipts"/>), so it is the last
/// write of its input: the older outcomes go first. A crash in between leaves the input with no
/// outcome of its current version, which is processed again; written the other way round, it would
/// leave the finished input with a stale second outcome that nothing would ever remove.
/// </remarks>
public sealed class BlobOutcomeWriter : IOutcomeWriter
{
    // Metadata on every outcome blob; it lets a retry recognise its own earlier write without
    // downloading it.
    public const string SourceETagKey = "sourceetag";
    public const string PipelineVersionKey = "pipelineversion";
    public const string StatusKey = "status";
    public const string ReasonsKey = "reasons";
    // Which write stored the outcome: an attempt whose write failed, perhaps after storage carried
    // it out, recognises its own outcome by it (OwedSummaries).
    public const string WriteIdKey = "writeid";

    private const int MaxConflicts = 5;

    private readonly IngestContainers _containers;
    private readonly StorageResilience _resilience;
    private readonly string _pipelineVersion;

    public BlobOutcomeWriter(IngestContainers containers, StorageResilience resilience, IOptions<IngestWorkerOptions> options)
    {
        _containers = containers;
        _resilience = resilience;
        _pipelineVersion = options.Value.Pipeline.Version;
    }

    public async ValueTask<OutcomeLocation> WriteAsync(OutputDocument document, bool firstForName, string writeId, CancellationToken cancellationToken)
    {
        var target = ContainerFor(document.Status);
        var name = BlobNames.Output(document.Source.Name);
        var blob = target.GetBlobClient(name);
        var json = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(document, OutputJsonContext.Default.OutputDocument));
        var metadata = new Dictionary<string, string>
        {
            [SourceETagKey] = BlobNames.BareETag(document.Source.Etag),
            [PipelineVersionKey] = _pipelineVersion,
            [StatusKey] = document.Status,
            // Reason codes are ASCII by contract, so they fit in metadata: listing tools can show
            // decisions without downloading documents.
            [ReasonsKey] = string.Join(",", document.Reasons),
            [WriteIdKey] = writeId,
        };

        var upload = new BlobUploadOptions
        {
            Metadata = metadata,
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json; charset=utf-8" },
        };
        if (firstForName && await TryCreateAsync(blob, json, upload, cancellationToken).ConfigureAwait(false))
            return new OutcomeLocation(target.Name, name, WrittenBefore: false, json.ToMemory().Length);

        foreach (var other in _containers.Outcomes.Where(c => c.Name != target.Name))
        {
            var stale = other.GetBlobClient(name);
            await _resilience.RunAsync(async ct => await stale.DeleteIfExistsAsync(cancellationToken: ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }

        var writtenBefore = false;
        for (var conflicts = 0; ; conflicts++)
        {
            var existing = await _resilience.PropertiesOrNullAsync(blob, cancellationToken).ConfigureAwait(false);
            if (existing is not null && IsSameOutcome(existing, metadata))
            {
                // A try of this very write that landed although its answer was lost (the retry then
                // met 409 or 412) is this write, not another attempt's.
                writtenBefore = !(existing.Metadata.TryGetValue(WriteIdKey, out var id) && id == writeId);
                break;
            }
            upload.Conditions = existing is null
                ? new BlobRequestConditions { IfNoneMatch = ETag.All }
                : new BlobRequestConditions { IfMatch = existing.ETag };
            try
            {
                await _resilience.RunAsync(async ct => await blob.UploadAsync(json, upload, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && conflicts < MaxConflicts)
            {
                // Someone wrote between our read and our write (or our own earlier try landed):
                // look again.
            }
        }
        return new OutcomeLocation(target.Name, name, writtenBefore, writtenBefore ? 0 : json.ToMemory().Length);
    }

    private async ValueTask<bool> TryCreateAsync(BlobClient blob, BinaryData json, BlobUploadOptions upload, CancellationToken cancellationToken)
    {
        upload.Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All };
        return await _resilience.RunAsync(async ct =>
        {
            try
            {
                await blob.UploadAsync(json, upload, ct).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // An outcome exists after all (e.g. the state container was reset): take the general path.
                return false;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private BlobContainerClient ContainerFor(string status) => status switch
    {
        OutputStatus.Accepted => _containers.Accepted,
        OutputStatus.Rejected => _containers.Rejected,
        OutputStatus.Failed => _containers.Poison,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown output status."),
    };

    private static bool IsSameOutcome(BlobProperties existing, Dictionary<string, string> metadata) =>
        existing.Metadata.TryGetValue(SourceETagKey, out var etag) && etag == metadata[SourceETagKey]
        && existing.Metadata.TryGetValue(PipelineVersionKey, out var version) && version == metadata[PipelineVersionKey];
}

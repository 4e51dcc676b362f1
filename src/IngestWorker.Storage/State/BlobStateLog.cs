using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using IngestWorker.Options;
using IngestWorker.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestWorker.State;

/// <summary>
/// The state log in the state container: segment blobs <c>log/{version}/segments/{seq}</c>, each
/// created once with If-None-Match <c>*</c> (the service makes that atomic, so of two writers of
/// one number exactly one succeeds), and checkpoints <c>log/{version}/checkpoints/{seq}</c> of the
/// whole index. Every call goes through <see cref="StorageResilience"/>.
/// </summary>
/// <remarks>
/// <para>A retried create whose first try landed is answered 409 like a rival's: the append reports
/// false, the caller catches up, reads its own segment and, deciding its batch again, finds every
/// document already there, so nothing is written twice.</para>
/// <para>Pruning (<see cref="StateLogPruner"/>, after each checkpoint this process creates) deletes
/// segments that a checkpoint at least <c>state:pruneAfter</c> old covers. A missing segment then
/// means either the log's end or a pruned one; this log tells them apart by the newest checkpoint
/// it knows of (a segment at or before a checkpoint existed once), and refreshes that knowledge
/// before it appends when it has not met the log's end for <c>state:resyncAfter</c>: otherwise an
/// idle worker could write a pruned number again, against an index far behind.</para>
/// </remarks>
public sealed class BlobStateLog : IStateLog
{
    // Checkpoint blob metadata: a checkpoint's settings are checked before its body is read.
    private const string SchemeMetadata = "minhashscheme";
    private const string MaxLinesMetadata = "maxlinespersite";
    private const string WriterMetadata = "writer";

    // Segments read at once when far behind.
    private const int MaxReadWindow = 16;

    // A checkpoint is read 4 MiB at a time (one Get Blob of a range each).
    private const int CheckpointReadBuffer = 4 << 20;

    private readonly BlobContainerClient _state;
    private readonly StorageResilience _resilience;
    private readonly ILogger<BlobStateLog> _logger;
    private readonly string _version;
    private readonly SegmentHeader _header;
    private readonly StateOptions _options;
    private readonly TimeProvider _time;
    private readonly StateLogPruner _pruner;

    // The newest checkpoint this process knows of: every segment up to it was written once.
    private long _newestCheckpoint;
    // When this process last met the log's end (timestamp of the request's start).
    private long _lastAtEnd = NeverAtEnd;
    private const long NeverAtEnd = long.MinValue;

    public BlobStateLog(IngestContainers containers, StorageResilience resilience, IOptions<IngestWorkerOptions> options, ILogger<BlobStateLog> logger)
        : this(containers.State, resilience, options.Value.Pipeline.Version, StateLogSchema.From(options.Value.Pipeline),
            $"{Environment.MachineName}/{Environment.ProcessId}", logger, options.Value.State)
    {
    }

    /// <param name="writer">Names this process in the segments it writes (tests give two instances different names).</param>
    /// <param name="options">Pruning and resync settings; the defaults when null.</param>
    public BlobStateLog(BlobContainerClient state, StorageResilience resilience, string pipelineVersion, StateLogSchema schema, string writer, ILogger<BlobStateLog> logger,
        StateOptions? options = null, TimeProvider? time = null)
    {
        _state = state;
        _resilience = resilience;
        _version = pipelineVersion;
        _header = new SegmentHeader(writer, schema);
        _logger = logger;
        _options = options ?? new StateOptions();
        _time = time ?? TimeProvider.System;
        _pruner = new StateLogPruner(state, resilience, pipelineVersion, _options, _time, logger);
    }

    public StateLogSchema Schema => _header.Schema;

    /// <exception cref="StateLogSchemaException">The log was written under other settings.</exception>
    public async ValueTask<StateIndex> LoadAsync(CancellationToken cancellationToken)
    {
        var index = await ReadNewestCheckpointAsync(cancellationToken).ConfigureAwait(false) ?? new StateIndex(Schema.MaxLinesPerSite);
        var fromCheckpoint = index.Sequence;
        KnowCheckpoint(fromCheckpoint);
        var applied = await CatchUpAsync(index, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("State log of pipeline version {PipelineVersion} loaded: checkpoint at segment {Checkpoint}, then {Segments} segments; {Documents} documents decided.",
            _version, fromCheckpoint, applied, index.DocumentCount);
        return index;
    }

    public async ValueTask<bool> TryAppendAsync(long sequence, StateSegment segment, CancellationToken cancellationToken)
    {
        if (IsStale())
        {
            // Idle long enough for the segments after this index to have been pruned: if a
            // checkpoint reaches this number, it was written and perhaps pruned. Taken, then: the
            // caller catches up, meets the gap, and reloads from the newest checkpoint.
            var checkpoints = await _pruner.ListCheckpointsAsync(cancellationToken).ConfigureAwait(false);
            KnowCheckpoint(checkpoints.Select(c => c.Sequence).DefaultIfEmpty(0).Max());
            if (sequence <= Volatile.Read(ref _newestCheckpoint))
                return false;
        }
        var content = BinaryData.FromBytes(SegmentCodec.Encode(_header, segment.Ops));
        var blob = _state.GetBlobClient(BlobNames.StateSegment(_version, sequence));
        var started = _time.GetTimestamp();
        var created = await CreateAsync(blob, content, metadata: null, cancellationToken).ConfigureAwait(false);
        if (created)
            MetEnd(started);
        return created;
    }

    private bool IsStale() => Volatile.Read(ref _lastAtEnd) is var last && (last == NeverAtEnd || _time.GetElapsedTime(last) >= _options.ResyncAfter);

    // The segment after the index is written after this moment, so a checkpoint covering it is
    // younger still, and pruning it waits until pruneAfter has passed since.
    private void MetEnd(long timestamp) => RaiseTo(ref _lastAtEnd, timestamp);

    private void KnowCheckpoint(long sequence) => RaiseTo(ref _newestCheckpoint, sequence);

    private static void RaiseTo(ref long field, long value)
    {
        long known;
        while (value > (known = Volatile.Read(ref field)) && Interlocked.CompareExchange(ref field, value, known) != known)
        {
        }
    }

    /// <exception cref="StateLogSchemaException">A segment was written under other settings.</exception>
    /// <exception cref="StateLogGapException">A segment the index needs was pruned: load the newest checkpoint instead.</exception>
    /// <remarks>
    /// Reads one segment at a time at first (a lost commit usually missed one or two), then a
    /// growing window at once (a starting worker may be a hundred behind its checkpoint): a
    /// window costs at most its size in reads past the log's end.
    /// </remarks>
    public async ValueTask<int> CatchUpAsync(StateIndex index, CancellationToken cancellationToken)
    {
        var applied = 0;
        var window = 1;
        while (true)
        {
            var first = index.Sequence + 1;
            var started = _time.GetTimestamp();
            var reads = Enumerable.Range(0, window)
                .Select(i => ReadAsync(_state.GetBlobClient(BlobNames.StateSegment(_version, first + i)), cancellationToken).AsTask())
                .ToArray();
            for (var i = 0; i < reads.Length; i++)
            {
                if (await reads[i].ConfigureAwait(false) is not { } content)
                {
                    // Past the end: the reads still under way only find later numbers missing too.
                    await Task.WhenAll(reads.Skip(i + 1)).ConfigureAwait(false);
                    if (first + i <= Volatile.Read(ref _newestCheckpoint))
                        throw new StateLogGapException(first + i, Volatile.Read(ref _newestCheckpoint));
                    MetEnd(started);
                    return applied;
                }
                Apply(index, first + i, content);
                applied++;
            }
            if (applied > 1)
                window = Math.Min(window * 2, MaxReadWindow);
        }
    }

    private void Apply(StateIndex index, long sequence, BinaryData content)
    {
        SegmentHeader header;
        StateSegment segment;
        try
        {
            (header, segment) = SegmentCodec.Decode(content.ToArray());
        }
        catch (InvalidDataException e)
        {
            // Nothing after it can be applied: the log is ordered. Storage wrote the blob whole, so
            // this is a writer of another format; the operator must decide, as for a schema change.
            throw new StateLogSchemaException($"The state log segment {BlobNames.StateSegment(_version, sequence)} cannot be read ({e.Message}); change ingestWorker:pipeline:version to start a new log.");
        }
        if (Schema.Conflict(header.Schema, _version, $"segment {sequence}, written by {header.Writer}") is { } conflict)
            throw new StateLogSchemaException(conflict);
        index.Apply(sequence, segment.Ops);
    }

    /// <summary>Takes its copy of the index before it returns (the caller may change the index at once), then uploads it.</summary>
    public ValueTask WriteCheckpointAsync(StateIndex index, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        index.WriteCheckpoint(buffer);
        var content = BinaryData.FromBytes(buffer.ToArray());
        var blob = _state.GetBlobClient(BlobNames.StateCheckpoint(_version, index.Sequence));
        var metadata = new Dictionary<string, string>
        {
            [SchemeMetadata] = Schema.MinHashScheme,
            [MaxLinesMetadata] = Schema.MaxLinesPerSite.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [WriterMetadata] = _header.Writer,
        };
        return UploadCheckpointAsync(blob, index.Sequence, content, metadata, cancellationToken);
    }

    private async ValueTask UploadCheckpointAsync(BlobClient blob, long sequence, BinaryData content, Dictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        // Another worker's checkpoint of the same segment holds the same index: either one will do.
        if (!await CreateAsync(blob, content, metadata, cancellationToken).ConfigureAwait(false))
            return;
        _logger.LogInformation("State checkpoint {Checkpoint} written ({Bytes} bytes).", blob.Name, content.ToMemory().Length);
        KnowCheckpoint(sequence);
        // Exactly one worker creates each checkpoint, so pruning runs once per checkpoint (two
        // workers' prunes after two checkpoints may overlap: their deletes are idempotent).
        try
        {
            await _pruner.PruneAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The checkpoint stands; what was not deleted now is listed and deleted by the next prune.
            _logger.LogWarning("Pruning the state log after checkpoint {Checkpoint} stopped ({Error}); the next checkpoint's prune carries on.", blob.Name, e.Message);
        }
    }

    private async ValueTask<StateIndex?> ReadNewestCheckpointAsync(CancellationToken cancellationToken)
    {
        var newest = await _resilience.RunAsync(async ct =>
        {
            BlobItem? last = null;
            try
            {
                await foreach (var item in _state.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, BlobNames.StateCheckpointPrefix(_version), ct).ConfigureAwait(false))
                {
                    if (last is null || string.CompareOrdinal(item.Name, last.Name) > 0)
                        last = item;
                }
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // No state container yet: an empty log.
            }
            return last;
        }, cancellationToken).ConfigureAwait(false);
        if (newest is null)
            return null;

        IReadOnlyDictionary<string, string> metadata = new Dictionary<string, string>(newest.Metadata ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase);
        var scheme = metadata.GetValueOrDefault(SchemeMetadata);
        var maxLines = int.TryParse(metadata.GetValueOrDefault(MaxLinesMetadata), out var m) ? m : -1;
        var written = new StateLogSchema(scheme ?? "(not recorded)", maxLines, Schema.TemplateMinDocuments, Schema.TemplateMaxLineLength);
        if (Schema.Conflict(written, _version, $"checkpoint {newest.Name}, written by {metadata.GetValueOrDefault(WriterMetadata) ?? "an unknown worker"}") is { } conflict)
            throw new StateLogSchemaException(conflict);
        // Streamed, a buffer at a time, into the index: a checkpoint of a million documents is
        // 369 MB, which a start would otherwise hold whole besides the index built from it.
        var blob = _state.GetBlobClient(newest.Name);
        StateIndex? index;
        try
        {
            index = await _resilience.RunAsync(async ct =>
            {
                try
                {
                    await using var stream = await blob.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false) { BufferSize = CheckpointReadBuffer }, ct).ConfigureAwait(false);
                    return StateIndex.ReadCheckpoint(stream);
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    return null;
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new StateLogSchemaException($"The state checkpoint {newest.Name} cannot be read ({e.Message}); delete it to start from the one before, or change ingestWorker:pipeline:version to start a new log.");
        }
        return index ?? throw new StorageUnavailableException($"The state checkpoint {newest.Name} was listed but is gone; trying again reads the newest one left.", new FileNotFoundException(newest.Name));
    }

    /// <returns>True when this call created the blob; false when it existed (409/412), a retry of our own create included.</returns>
    private async ValueTask<bool> CreateAsync(BlobClient blob, BinaryData content, IDictionary<string, string>? metadata, CancellationToken cancellationToken) =>
        await _resilience.RunAsync(async ct =>
        {
            try
            {
                await blob.UploadAsync(content, new BlobUploadOptions
                {
                    Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                    Metadata = metadata,
                }, ct).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                return false;
            }
        }, cancellationToken).ConfigureAwait(false);

    /// <returns>The blob's content; null when it does not exist.</returns>
    private async ValueTask<BinaryData?> ReadAsync(BlobClient blob, CancellationToken cancellationToken) =>
        await _resilience.RunAsync(async ct =>
        {
            try
            {
                return (await blob.DownloadContentAsync(ct).ConfigureAwait(false)).Value.Content;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return null;
            }
        }, cancellationToken).ConfigureAwait(false);
}

/// <summary>
/// A segment that a state index needs is gone: pruned after a newer checkpoint covered it. Not a
/// fault: the index is reloaded from the newest checkpoint (<see cref="IStateLog.LoadAsync"/>).
/// </summary>
public sealed class StateLogGapException(long missing, long newestCheckpoint)
    : Exception($"State log segment {missing} is gone (pruned: checkpoint {newestCheckpoint} covers it); the index is loaded again from the newest checkpoint.")
{
    public long Missing => missing;
}

using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues.Models;
using IngestWorker.Options;
using IngestWorker.Storage;
using IngestWorker.Telemetry;
using IngestWorker.Triggers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IngestWorker.Cli;

/// <summary>
/// Sends poisoned inputs back to work: each one's attempt count is reset, its poison outcome (the
/// input version's receipt) is removed (so it counts as unprocessed), and it is put in front of the
/// workers again (<see cref="InputPickUp"/>). Only inputs whose current version has a failed outcome
/// under the configured pipeline version are replayed; nothing else is changed.
/// </summary>
/// <remarks>
/// Order and exclusion. The changes are made under the name's claim (the blob lease every worker
/// takes before working on the name), so no worker is between its outcome look-up and its outcome
/// meanwhile. The order is for a replay that stops half-way: the attempt count goes first, since a
/// poison outcome removed with the count still used up would let the next worker poison the input
/// again at once. (Receipt blobs of earlier layouts are not looked at: the worker no longer reads them.)
/// The workers are told only after the claim is released; told earlier, they would find the name
/// claimed and come back a whole claim duration later.
/// The claim record is reset, never deleted: a name without one looks never processed, and its next
/// outcome would be written create-only (<c>firstForName</c>), skipping the removal of older outcomes
/// from the other outcome containers.
/// Removing the poison outcome (rather than leaving it for the next outcome to replace) is what makes
/// the input unprocessed: an outcome of the input version and pipeline version is its receipt.
/// </remarks>
internal sealed class ReplayCommand
{
    public const string Command = "replay";

    // Poison-queue messages looked at and kept stay hidden this long at most; they are made visible
    // again as soon as the pass ends. Long enough for a pass over a large poison queue not to meet
    // them twice.
    private static readonly TimeSpan PoisonQueuePassVisibility = TimeSpan.FromMinutes(5);

    private readonly IngestContainers _containers;
    private readonly StorageResilience _resilience;
    private readonly IClaimStore _claims;
    private readonly IOutcomeReceipts _outcomes;
    private readonly InputPickUp _pickUp;
    private readonly TimeProvider _clock;
    private readonly string _version;
    private readonly int _poisonThreshold;
    private readonly bool _dryRun;
    private readonly Tally _tally = new();
    // Input versions sent back to work, for the poison-queue pass: as many as were replayed, never the container.
    private readonly HashSet<(string Name, string BareETag)> _replayed = [];

    private ReplayCommand(IServiceProvider services, bool dryRun)
    {
        _containers = services.GetRequiredService<IngestContainers>();
        _resilience = services.GetRequiredService<StorageResilience>();
        _claims = services.GetRequiredService<IClaimStore>();
        _outcomes = services.GetRequiredService<IOutcomeReceipts>();
        _pickUp = new InputPickUp(services);
        _clock = services.GetRequiredService<TimeProvider>();
        _version = services.GetRequiredService<IOptions<IngestWorkerOptions>>().Value.Pipeline.Version;
        _poisonThreshold = services.GetRequiredService<IOptions<BlobsOptions>>().Value.PoisonBlobThreshold;
        _dryRun = dryRun;
    }

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, CancellationToken cancellationToken)
    {
        string? name = null, prefix = null;
        bool all = false, dryRun = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--prefix": prefix = CommandArguments.Value(Command, args, ref i); break;
                case "--all": all = true; break;
                case "--dry-run": dryRun = true; break;
                case "--host-json": i++; break;
                default:
                    if (CommandArguments.IsConfigurationOverride(args[i]))
                        break;
                    if (args[i].StartsWith('-'))
                        throw new ArgumentException($"{Command}: unknown option {args[i]}");
                    name = name is null ? args[i] : throw new ArgumentException($"{Command}: give one blob name (or --prefix <p> for several).");
                    break;
            }
        }
        var selection = InputSelection.From(Command, acceptsName: true, name, prefix, all);
        return await new ReplayCommand(services, dryRun).RunAsync(selection, cancellationToken);
    }

    private async Task<int> RunAsync(InputSelection selection, CancellationToken cancellationToken)
    {
        await _pickUp.EnsureReadyAsync(Command, cancellationToken);
        Console.WriteLine($"Replay of poisoned inputs in '{_containers.Input.Name}' at {Secrets.Endpoint(_containers.Service.Uri)}, pipeline version {_version}, {selection.Describe()}");
        Console.WriteLine($"({_pickUp.Describe()}).");
        Console.WriteLine();

        if (selection.Name is { } single)
        {
            var examined = await ExamineAsync(single, poison: null, cancellationToken);
            if (examined.Verdict != ReplayVerdict.Replay)
            {
                await Console.Error.WriteLineAsync($"{Command}: {await NotReplayedAsync(single, examined, cancellationToken)}");
                return 1;
            }
            await ReplayOrReportAsync(examined, cancellationToken);
        }
        else
        {
            // The poison container holds the candidates and is small; the input container, which
            // may be huge, is never listed.
            var listing = new BlobListing(_resilience);
            await foreach (var outcome in listing.ListAsync(_containers.Poison, selection.Prefix, BlobTraits.Metadata, cancellationToken))
            {
                var inputName = ReplayRules.InputNameOf(outcome.Name) ?? await SourceNameAsync(outcome.Name, cancellationToken);
                if (inputName is null || !inputName.StartsWith(selection.Prefix, StringComparison.Ordinal))
                    continue;
                var examined = await ExamineAsync(inputName, PoisonRecordOf(outcome), cancellationToken);
                if (examined.Verdict == ReplayVerdict.Replay)
                {
                    await ReplayOrReportAsync(examined, cancellationToken);
                    continue;
                }
                _tally.Skipped(Label(examined.Verdict));
                Row("skipped", inputName, ReplayRules.Explain(examined.Verdict, _version, examined.Receipt?.Status, examined.Poison));
            }
        }

        if (_replayed.Count > 0 && _pickUp.Queues is { } queues)
        {
            try
            {
                _tally.PoisonMessagesRemoved = await RemovePoisonQueueMessagesAsync(queues, cancellationToken);
            }
            catch (Exception e) when (IsStorageFailure(e))
            {
                // The replays stand; a leftover message only makes the poison queue look deeper.
                await Console.Error.WriteLineAsync($"{Command}: the replayed inputs' messages could not be removed from the poison queue '{queues.Poison.Name}' ({e.Message}).");
            }
        }

        Console.WriteLine();
        _tally.Print(_dryRun, selection.IsSingle, _pickUp.Queues is not null);
        if (_dryRun)
            Console.WriteLine("Dry run: nothing was changed.");
        return _tally.NotReplayed > 0 ? 1 : 0;
    }

    private sealed record Examined(ReplayVerdict Verdict, InputBlob? Input, FoundOutcome? Receipt, PoisonRecord? Poison);

    private async Task<Examined> ExamineAsync(string name, PoisonRecord? poison, CancellationToken cancellationToken)
    {
        InputBlob? input = null;
        FoundOutcome? receipt = null;
        if (poison is null || poison.PipelineVersion == _version)
        {
            input = await InputAsync(name, cancellationToken);
            if (input is not null && (poison is null || poison.SourceETag == BlobNames.BareETag(input.ETag)))
                receipt = await _outcomes.FindAsync(input, cancellationToken);
        }
        return new Examined(ReplayRules.Decide(_version, poison, input, receipt?.Status), input, receipt, poison);
    }

    private async Task ReplayOrReportAsync(Examined examined, CancellationToken cancellationToken)
    {
        var input = examined.Input!;
        if (_dryRun)
        {
            _tally.Replayed();
            Row("would replay", input.Name, Describe(await AttemptsAsync(input.Name, examined.Receipt, cancellationToken)));
            return;
        }
        ClaimState? before;
        try
        {
            bool reset;
            // Read first: the reset below removes the poison outcome, which in scan mode is where the attempts are told.
            var attempts = await AttemptsAsync(input.Name, examined.Receipt, cancellationToken);
            (reset, before) = await ResetUnderClaimAsync(input, examined.Receipt!, cancellationToken);
            if (!reset)
                return;
            if (before is not { Attempts: > 0 })
                before = attempts;
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            // It failed before the poison outcome was gone, so the input still counts as poisoned
            // and a second run starts it over.
            _tally.NotReplayed++;
            Row("failed", input.Name, $"storage failed ({e.Message}); run replay again");
            return;
        }
        _replayed.Add((input.Name, BlobNames.BareETag(input.ETag)));
        bool handedOver;
        try
        {
            handedOver = await _pickUp.HandOverAsync(input, _clock.GetUtcNow(), cancellationToken);
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            // The input is unprocessed now, and no listing will hand it out: say how to finish the job.
            _tally.NotReplayed++;
            var remedy = _pickUp.Queues is not null
                ? $"`reprocess --prefix {input.Name}` sends it"
                : "a worker picks it up when it next starts (it checks every input then)";
            Row("failed", input.Name, $"its attempts were reset and its poison outcome removed, but it could not be handed to the workers ({e.Message}); {remedy}");
            return;
        }
        _tally.Replayed();
        Row("replayed", input.Name, Describe(before) + (handedOver ? ""
            : BlobNameSafety.IsAddressable(input.Name) ? "; it changed meanwhile, and its new version is processed as usual"
            : "; its name cannot be addressed to touch it, so a worker picks it up when it next starts (it checks every input then)"));
    }

    private static bool IsStorageFailure(Exception e) => e is RequestFailedException or StorageUnavailableException or HttpRequestException or IOException;

    /// <returns>Whether the input was reset (false: a worker holds it, or it changed meanwhile), and its claim state before.</returns>
    private async Task<(bool Replayed, ClaimState? Before)> ResetUnderClaimAsync(InputBlob input, FoundOutcome poisoned, CancellationToken cancellationToken)
    {
        var fresh = ClaimState.Fresh(input.ETag, _version);
        await using var claim = await _claims.TryAcquireAsync(input, fresh, cancellationToken);
        if (claim is null)
        {
            _tally.NotReplayed++;
            Row("not replayed", input.Name, "a worker holds its claim right now; run replay again in a moment");
            return (false, null);
        }
        var before = claim.IsFirst ? null : claim.State;
        await claim.SaveAsync(fresh, cancellationToken);
        var outcome = _containers.Service.GetBlobContainerClient(poisoned.Container).GetBlobClient(poisoned.Name);
        bool rewritten;
        try
        {
            // Only the outcome exactly as examined goes; gone already is fine (a retried delete
            // whose first try landed, or another replay's).
            await _resilience.RunAsync(async ct => await outcome.DeleteIfExistsAsync(DeleteSnapshotsOption.None, new BlobRequestConditions { IfMatch = poisoned.BlobETag }, ct).ConfigureAwait(false), cancellationToken);
            rewritten = false;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // Some services answer a conditional delete of a missing blob with 412 rather than 404.
            rewritten = await ExistsAsync(outcome, cancellationToken);
        }
        if (rewritten)
        {
            // Rewritten since it was read, which only a claim holder does: look again rather than guess.
            _tally.NotReplayed++;
            Row("not replayed", input.Name, "its outcome changed while it was being replayed; run replay again");
            return (false, before);
        }
        await claim.ReleaseAsync(cancellationToken);
        return (true, before);
    }

    /// <summary>
    /// Removes the poison-queue messages about the input versions just replayed, so that the poison
    /// queue's depth (in <c>status</c>) counts only what is still poisoned. Messages about anything
    /// else are put back as they were.
    /// </summary>
    private async Task<long> RemovePoisonQueueMessagesAsync(WorkQueues queues, CancellationToken cancellationToken)
    {
        var poison = queues.Poison;
        var kept = new List<(string MessageId, string PopReceipt)>();
        long removed = 0;
        // A queue that keeps growing (workers poisoning as we go) must not keep the pass going forever.
        var limit = 2L * await queues.ApproximateDepthAsync(poison, cancellationToken) + 32;
        try
        {
            for (long seen = 0; seen < limit;)
            {
                QueueMessage[] batch;
                try
                {
                    batch = await _resilience.RunAsync(async ct => (await poison.ReceiveMessagesAsync(32, PoisonQueuePassVisibility, ct).ConfigureAwait(false)).Value, cancellationToken);
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    break;
                }
                if (batch.Length == 0)
                    break;
                foreach (var message in batch)
                {
                    seen++;
                    if (!ReplayRules.IsAboutReplayed(WorkMessage.Parse(message.Body, _containers.Input.Name), _replayed))
                    {
                        kept.Add((message.MessageId, message.PopReceipt));
                        continue;
                    }
                    try
                    {
                        await _resilience.RunAsync(async ct => await poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct).ConfigureAwait(false), cancellationToken);
                        removed++;
                    }
                    catch (RequestFailedException e) when (e.Status is 404 or 400)
                    {
                    }
                }
            }
        }
        finally
        {
            foreach (var (messageId, popReceipt) in kept)
            {
                try
                {
                    await _resilience.RunAsync(async ct => await poison.UpdateMessageAsync(messageId, popReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: ct).ConfigureAwait(false), CancellationToken.None);
                }
                catch (Exception e) when (e is RequestFailedException or StorageUnavailableException)
                {
                    // It becomes visible on its own once the pass's visibility lapses.
                }
            }
        }
        return removed;
    }

    private async Task<string> NotReplayedAsync(string name, Examined examined, CancellationToken cancellationToken)
    {
        if (examined.Verdict == ReplayVerdict.InputDeleted)
            return $"there is no blob '{name}' in '{_containers.Input.Name}'.";
        var why = $"'{name}' is {ReplayRules.Explain(examined.Verdict, _version, examined.Receipt?.Status, examined.Poison)}";
        if (examined.Verdict == ReplayVerdict.NotFailed)
            return $"{why} ({examined.Receipt!.Container}/{examined.Receipt.Name}). Replay only retries failed inputs; to process it again, overwrite it or change the pipeline version.";
        if (examined.Verdict == ReplayVerdict.NoReceipt)
        {
            var state = await ClaimStateAsync(name, cancellationToken);
            var tries = state is { Attempts: > 0 } && state.ETag == examined.Input!.ETag && state.PipelineVersion == _version
                ? $"{state.Attempts} of {_poisonThreshold} attempts used{(state.LastError is null ? "" : $", last error {state.LastErrorType}: {state.LastError}")}; workers keep trying it"
                : "workers pick it up as usual";
            return $"{why} ({tries}).";
        }
        return why + ".";
    }

    private string Describe(ClaimState? before) =>
        before is { Attempts: > 0 } ? $"{before.Attempts} of {_poisonThreshold} attempts used; last error {before.LastErrorType ?? "none recorded"}: {before.LastError ?? "-"}" : "";

    private static void Row(string what, string name, string detail) =>
        Console.WriteLine(detail.Length == 0 ? $"  {what,-13} {name}" : $"  {what,-13} {name}  ({detail})");

    private static string Label(ReplayVerdict verdict) => verdict switch
    {
        ReplayVerdict.OtherPipelineVersion => "other pipeline version",
        ReplayVerdict.InputDeleted => "input deleted",
        ReplayVerdict.InputOverwritten => "input overwritten",
        ReplayVerdict.NoReceipt => "no outcome yet",
        ReplayVerdict.NotFailed => "not failed",
        _ => verdict.ToString(),
    };

    private static PoisonRecord? PoisonRecordOf(BlobItem outcome) =>
        outcome.Metadata is { } metadata
        && metadata.TryGetValue(BlobOutcomeWriter.SourceETagKey, out var etag)
        && metadata.TryGetValue(BlobOutcomeWriter.PipelineVersionKey, out var version)
            ? new PoisonRecord(etag, version)
            : null;

    private async Task<InputBlob?> InputAsync(string name, CancellationToken cancellationToken)
    {
        if (!BlobNameSafety.IsAddressable(name))
            return await InputByListingAsync(name, cancellationToken);
        var blob = _containers.Input.GetBlobClient(name);
        return await _resilience.RunAsync<InputBlob?>(async ct =>
        {
            try
            {
                var properties = (await blob.GetPropertiesAsync(cancellationToken: ct).ConfigureAwait(false)).Value;
                return new InputBlob(name, properties.ETag.ToString("H"), properties.ContentLength, properties.LastModified);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return null;
            }
        }, cancellationToken);
    }

    // A name the SDK would turn into another blob's (BlobNameSafety) is found by listing: the
    // prefix travels as a query parameter, which nothing normalises.
    private async Task<InputBlob?> InputByListingAsync(string name, CancellationToken cancellationToken) =>
        await _resilience.RunAsync<InputBlob?>(async ct =>
        {
            await foreach (var item in _containers.Input.GetBlobsAsync(BlobTraits.None, BlobStates.None, name, ct).ConfigureAwait(false))
            {
                if (item.Name == name && item.Properties.ETag is { } etag)
                    return new InputBlob(name, etag.ToString("H"), item.Properties.ContentLength ?? 0, item.Properties.LastModified);
                break;
            }
            return null;
        }, cancellationToken);

    /// <summary>
    /// The attempts made on a poisoned input, for the report: its claim record's (queue modes), or,
    /// where there is none (scan mode counts attempts per partition and drops them once the
    /// outcome is written), the error its poison outcome recorded.
    /// </summary>
    private async Task<ClaimState?> AttemptsAsync(string name, FoundOutcome? poisoned, CancellationToken cancellationToken)
    {
        var claimed = await ClaimStateAsync(name, cancellationToken);
        if (claimed is { Attempts: > 0 } || poisoned is null)
            return claimed;
        var download = await DownloadAsync(_containers.Service.GetBlobContainerClient(poisoned.Container).GetBlobClient(poisoned.Name), cancellationToken);
        if (download is null)
            return null;
        try
        {
            using var json = JsonDocument.Parse(download.Content.ToMemory());
            if (!json.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
                return null;
            return new ClaimState(null, _version, error.TryGetProperty("attempts", out var n) && n.TryGetInt32(out var count) ? count : 0,
                error.TryGetProperty("type", out var type) ? type.GetString() : null,
                error.TryGetProperty("message", out var message) ? message.GetString() : null, null, null);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The name's claim record as stored (read without the lease: for reporting only).</summary>
    private async Task<ClaimState?> ClaimStateAsync(string name, CancellationToken cancellationToken)
    {
        var download = await DownloadAsync(_containers.State.GetBlobClient(BlobNames.Claim(_containers.Input.Name, name)), cancellationToken);
        if (download is null)
            return null;
        try
        {
            return JsonSerializer.Deserialize<ClaimState>(download.Content.ToMemory().Span, JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The input name inside an outcome document, for outcomes whose blob name was shortened.</summary>
    private async Task<string?> SourceNameAsync(string outputName, CancellationToken cancellationToken)
    {
        var download = await DownloadAsync(_containers.Poison.GetBlobClient(outputName), cancellationToken);
        if (download is null)
            return null;
        try
        {
            using var json = JsonDocument.Parse(download.Content.ToMemory());
            return json.RootElement.TryGetProperty("source", out var source) && source.TryGetProperty("name", out var name) ? name.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<bool> ExistsAsync(Azure.Storage.Blobs.BlobClient blob, CancellationToken cancellationToken) =>
        await _resilience.RunAsync(async ct => (await blob.ExistsAsync(ct).ConfigureAwait(false)).Value, cancellationToken);

    private async Task<BlobDownloadResult?> DownloadAsync(Azure.Storage.Blobs.BlobClient blob, CancellationToken cancellationToken) =>
        await _resilience.RunAsync<BlobDownloadResult?>(async ct =>
        {
            try
            {
                return (await blob.DownloadContentAsync(ct).ConfigureAwait(false)).Value;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return null;
            }
        }, cancellationToken);

    private sealed class Tally
    {
        private readonly SortedDictionary<string, long> _skipped = new(StringComparer.Ordinal);
        private long _replayed;

        public long NotReplayed { get; set; }

        public long PoisonMessagesRemoved { get; set; }

        public void Replayed() => _replayed++;

        public void Skipped(string reason) => _skipped[reason] = _skipped.GetValueOrDefault(reason) + 1;

        public void Print(bool dryRun, bool single, bool queues)
        {
            const string row = "  {0,-40} {1,10}";
            long skipped = _skipped.Values.Sum();
            if (!single)
                Console.WriteLine(row, "poison outcomes examined", _replayed + skipped + NotReplayed);
            Console.WriteLine(row, dryRun ? "to replay (dry run)" : "replayed", _replayed);
            if (!single)
            {
                Console.WriteLine(row, "skipped", skipped);
                foreach (var (reason, count) in _skipped)
                    Console.WriteLine(row, "  " + reason, count);
            }
            if (NotReplayed > 0)
                Console.WriteLine(row, "not replayed (see above; exit code 1)", NotReplayed);
            if (queues && !dryRun)
                Console.WriteLine(row, "poison-queue messages removed", PoisonMessagesRemoved);
        }
    }
}

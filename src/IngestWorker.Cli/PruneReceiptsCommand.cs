using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using IngestWorker.Options;
using IngestWorker.Storage;
using IngestWorker.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IngestWorker.Cli;

/// <summary>
/// Receipts retention: deletes the receipts nothing will ask for again, once they are old.
/// </summary>
/// <remarks>
/// Why this cannot make the worker skip or redo an input: the processor asks for exactly one
/// receipt, that of (current pipeline version, input name, the ETag the scan just listed), and
/// skips the input only when it exists. Deleting receipts therefore never causes a skip; it can only
/// cause reprocessing, and only of an input version whose receipt was deleted. A receipt of the
/// current version is deleted only when a read of the input, made just before the delete, finds the
/// blob gone or at another ETag; an overwritten blob never gets an old ETag back, so no scan asks
/// for that receipt again. (A soft-deleted blob restored with its old ETag would be processed once
/// more; the outcome writer then finds the outcome of that ETag and version and keeps it.) Receipts
/// of other pipeline versions are never asked for unless the version is set back, which is then a
/// deliberate reprocessing. The age limit and the delete's If-Match on the listed receipt keep a
/// receipt written since the listing (a race with a running worker) out of reach.
/// Claim records are not touched. The claim store's rule runs the other way (no claim record means
/// no receipt), so receipts may go while their claim records stay; a claim record without a receipt
/// only makes the processor look for the receipt again after claiming. Claim records of deleted
/// names are kept on purpose: the worker keeps the outcomes of deleted inputs, and a name whose
/// record is gone counts as never processed, so a re-upload would be written with create-only
/// outcome writes that skip removing the old outcome from the other outcome containers, leaving
/// two outcomes for one input.
/// </remarks>
internal static class PruneReceiptsCommand
{
    private const string Command = "prune-receipts";

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, CancellationToken cancellationToken)
    {
        double? days = null;
        var dryRun = false;
        DateTimeOffset? now = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--older-than": days = Days(CommandArguments.Value(Command, args, ref i)); break;
                case "--dry-run": dryRun = true; break;
                case "--now": now = CommandArguments.Instant(Command, "--now", CommandArguments.Value(Command, args, ref i)); break;
                case "--host-json": i++; break;
                default:
                    if (!CommandArguments.IsConfigurationOverride(args[i]))
                        throw new ArgumentException($"{Command}: unknown {(args[i].StartsWith('-') ? "option" : "argument")} {args[i]}");
                    break;
            }
        }
        if (days is not { } olderThan)
            throw new ArgumentException($"{Command}: --older-than <days> is required (receipts last modified longer ago than that may be deleted).");

        var containers = services.GetRequiredService<IngestContainers>();
        var resilience = services.GetRequiredService<StorageResilience>();
        var version = services.GetRequiredService<IOptions<IngestWorkerOptions>>().Value.Pipeline.Version;
        var listing = new BlobListing(resilience);
        var asOf = now ?? services.GetRequiredService<TimeProvider>().GetUtcNow();
        var cutoff = asOf - TimeSpan.FromDays(olderThan);
        var young = $"younger than {DaysText(olderThan)}";
        var tally = new Tally();

        async Task DeleteOrKeepAsync(BlobItem receipt, string reason)
        {
            if (dryRun || await DeleteAsync(containers.State, receipt, resilience, cancellationToken))
                tally.Deleted(reason);
            else
                tally.Kept("rewritten while pruning");
        }

        await foreach (var versionFolder in listing.ListFoldersAsync(containers.State, BlobNames.ReceiptsRoot, cancellationToken))
        {
            var receiptsVersion = versionFolder[BlobNames.ReceiptsRoot.Length..^1];
            await foreach (var containerFolder in listing.ListFoldersAsync(containers.State, versionFolder, cancellationToken))
            {
                var inputContainer = containers.Service.GetBlobContainerClient(containerFolder[versionFolder.Length..^1]);
                var receipts = listing.ListAsync(containers.State, containerFolder, BlobTraits.None, cancellationToken);
                if (receiptsVersion != version)
                {
                    await foreach (var receipt in receipts)
                    {
                        if (!IsOld(receipt, cutoff))
                            tally.Kept(young);
                        else
                            await DeleteOrKeepAsync(receipt, "other pipeline version");
                    }
                    continue;
                }

                // Current version: the listing join finds the receipts whose input version is
                // current without a storage call each; the rest are confirmed by a read of the input.
                var join = new ReceiptJoin(version, inputContainer.Name);
                var rows = join.JoinAsync(listing.ListInputsAsync(inputContainer, "", cancellationToken), receipts, receipt => receipt.Name, cancellationToken);
                await foreach (var row in rows)
                {
                    if (row.Receipt is not { } receipt)
                        continue;
                    if (!IsOld(receipt, cutoff))
                    {
                        tally.Kept(young);
                        continue;
                    }
                    if (row.Match == ReceiptMatch.Receipted)
                    {
                        tally.Kept("input current");
                        continue;
                    }
                    if (row.ReceiptName is not { } name)
                    {
                        tally.Kept("name shortened, input unknown");
                        continue;
                    }
                    var current = await CurrentETagAsync(inputContainer, name.Name, resilience, cancellationToken);
                    if (current is not null && BlobNames.BareETag(current) == name.BareETag)
                        tally.Kept("input current");
                    else
                        await DeleteOrKeepAsync(receipt, current is null ? "input deleted" : "input overwritten");
                }
                if (join.OutOfOrder > 0)
                    await Console.Error.WriteLineAsync($"{Command}: storage listed {join.OutOfOrder} name(s) of '{inputContainer.Name}' out of ordinal order; receipts the listing could not pair were confirmed by reading their inputs, at one storage call each.");
            }
        }

        Console.WriteLine($"Receipts in '{containers.State.Name}' at {Secrets.Endpoint(containers.Service.Uri)}, pipeline version {version}:");
        Console.WriteLine($"one goes when it was last modified before {cutoff.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} ({DaysText(olderThan)} before {asOf.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ})");
        Console.WriteLine($"and its input version is gone or its pipeline version is not {version}.");
        tally.Print(dryRun);
        Console.WriteLine("Claim records are left as they are (README, \"Receipts retention\").");
        if (dryRun)
            Console.WriteLine("Dry run: nothing was deleted.");
        return 0;
    }

    private static double Days(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var days) && days >= 1 && double.IsFinite(days)
            ? days
            : throw new ArgumentException($"{Command}: --older-than takes a number of days, at least 1 (got '{value}').");

    private static string DaysText(double days) => days == 1 ? "1 day" : $"{days.ToString(CultureInfo.InvariantCulture)} days";

    private static bool IsOld(BlobItem receipt, DateTimeOffset cutoff) =>
        receipt.Properties.LastModified is { } modified && modified < cutoff;

    /// <returns>False when the receipt changed since it was listed (a worker wrote it again); it is then kept.</returns>
    private static async Task<bool> DeleteAsync(BlobContainerClient state, BlobItem receipt, StorageResilience resilience, CancellationToken cancellationToken)
    {
        var blob = state.GetBlobClient(receipt.Name);
        var conditions = new BlobRequestConditions { IfMatch = receipt.Properties.ETag };
        try
        {
            await resilience.RunAsync(async ct => await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.None, conditions, ct).ConfigureAwait(false), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }
    }

    /// <returns>The input's ETag now, or null when it does not exist.</returns>
    private static async Task<string?> CurrentETagAsync(BlobContainerClient container, string name, StorageResilience resilience, CancellationToken cancellationToken)
    {
        var blob = container.GetBlobClient(name);
        return await resilience.RunAsync<string?>(async ct =>
        {
            try
            {
                return (await blob.GetPropertiesAsync(cancellationToken: ct).ConfigureAwait(false)).Value.ETag.ToString("H");
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return null;
            }
        }, cancellationToken);
    }

    private sealed class Tally
    {
        private readonly SortedDictionary<string, long> _deleted = new(StringComparer.Ordinal);
        private readonly SortedDictionary<string, long> _kept = new(StringComparer.Ordinal);

        public void Deleted(string reason) => _deleted[reason] = _deleted.GetValueOrDefault(reason) + 1;

        public void Kept(string reason) => _kept[reason] = _kept.GetValueOrDefault(reason) + 1;

        public void Print(bool dryRun)
        {
            const string row = "  {0,-40} {1,10}";
            long deleted = _deleted.Values.Sum(), kept = _kept.Values.Sum();
            Console.WriteLine(row, "examined", deleted + kept);
            Console.WriteLine(row, dryRun ? "to delete (dry run)" : "deleted", deleted);
            foreach (var (reason, count) in _deleted)
                Console.WriteLine(row, "  " + reason, count);
            Console.WriteLine(row, "kept", kept);
            foreach (var (reason, count) in _kept)
                Console.WriteLine(row, "  " + reason, count);
        }
    }
}

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
/// Removes the receipt blobs of earlier layouts (<c>receipts/{version}/{container}/{name}@{etag}</c>
/// in the state container). The worker no longer writes or reads them: an input version's outcome
/// carries its ETag and pipeline version and is its receipt (<see cref="IOutcomeReceipts"/>).
/// </summary>
/// <remarks>
/// Why this cannot make the worker skip or redo an input: nothing the worker decides depends on
/// these blobs any more. Outcomes need no migration: every outcome ever written carries the
/// metadata the worker now reads (<c>sourceetag</c>, <c>pipelineversion</c>), so a store of the
/// earlier layout is finished for the new worker as it stands. <c>--older-than</c> keeps recent
/// ones for a while, for a worker of the earlier layout that may still be running or be rolled back
/// to: without its receipts it would process its finished inputs once more (finding their
/// outcomes and keeping them as they are), which costs time, not correctness. The delete's If-Match
/// on the listed receipt keeps a receipt written since the listing (an older worker still running)
/// out of reach. Claim records are not touched.
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

        var containers = services.GetRequiredService<IngestContainers>();
        var resilience = services.GetRequiredService<StorageResilience>();
        var listing = new BlobListing(resilience);
        var asOf = now ?? services.GetRequiredService<TimeProvider>().GetUtcNow();
        DateTimeOffset? cutoff = days is { } olderThan ? asOf - TimeSpan.FromDays(olderThan) : null;
        var tally = new Tally();

        await foreach (var receipt in listing.ListAsync(containers.State, BlobNames.ReceiptsRoot, BlobTraits.None, cancellationToken))
        {
            if (cutoff is { } before && !IsOlder(receipt, before))
                tally.Kept($"younger than {DaysText(days!.Value)}");
            else if (dryRun || await DeleteAsync(containers.State, receipt, resilience, cancellationToken))
                tally.Deleted("receipt of an earlier layout");
            else
                tally.Kept("rewritten while pruning");
        }

        Console.WriteLine($"Receipt blobs of earlier layouts in '{containers.State.Name}' at {Secrets.Endpoint(containers.Service.Uri)} ({BlobNames.ReceiptsRoot}…):");
        Console.WriteLine("the worker no longer writes or reads them; an input version's outcome, which carries its ETag and pipeline version, is its receipt.");
        Console.WriteLine(cutoff is { } shown
            ? $"One goes when it was last modified before {shown.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} ({DaysText(days!.Value)} before {asOf.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ})."
            : "Every one goes (no --older-than).");
        tally.Print(dryRun);
        Console.WriteLine("Outcomes and claim records are left as they are (docs/operations.md, \"State layout\").");
        if (dryRun)
            Console.WriteLine("Dry run: nothing was deleted.");
        return 0;
    }

    private static double Days(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var days) && days >= 1 && double.IsFinite(days)
            ? days
            : throw new ArgumentException($"{Command}: --older-than takes a number of days, at least 1 (got '{value}').");

    private static string DaysText(double days) => days == 1 ? "1 day" : $"{days.ToString(CultureInfo.InvariantCulture)} days";

    private static bool IsOlder(BlobItem receipt, DateTimeOffset cutoff) =>
        receipt.Properties.LastModified is { } modified && modified < cutoff;

    /// <returns>False when the receipt changed since it was listed (a worker of the earlier layout wrote it again); it is then kept.</returns>
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

using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using IngestWorker.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace IngestWorker.Cli;

/// <summary>Prints outcomes as a table, one row per input version, as they appear in the outcome containers.</summary>
internal static class OutcomeWatcher
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Follows the dropped blobs (name → ETag) to their outcomes, then, unless told to exit, every later outcome.</summary>
    public static async Task<int> FollowAsync(IServiceProvider services, IReadOnlyDictionary<string, string> dropped, bool exitWhenDone, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var containers = services.GetRequiredService<IngestContainers>();
        var table = new OutcomeTable();
        table.PrintHeader();
        var waiting = new HashSet<string>(dropped.Keys, StringComparer.Ordinal);
        var printed = new HashSet<(string, string)>();
        var deadline = DateTimeOffset.UtcNow + timeout;

        // Outcomes already in storage are printed only when they are the dropped versions' outcomes.
        var baseline = new HashSet<(string, string)>();
        await foreach (var row in ListAsync(containers, cancellationToken))
            baseline.Add((row.Container + "/" + row.OutputName, row.SourceETag));

        while (true)
        {
            await foreach (var row in ListAsync(containers, cancellationToken))
            {
                var key = (row.Container + "/" + row.OutputName, row.SourceETag);
                var isDropped = dropped.TryGetValue(row.InputName, out var etag) && BlobNames.BareETag(etag) == row.SourceETag;
                if (printed.Contains(key) || (!isDropped && baseline.Contains(key)))
                    continue;
                printed.Add(key);
                table.Print(row);
                if (isDropped)
                    waiting.Remove(row.InputName);
            }
            if (waiting.Count == 0 && exitWhenDone)
            {
                Console.WriteLine($"All {dropped.Count} dropped file(s) have their outcome.");
                return 0;
            }
            if (exitWhenDone && DateTimeOffset.UtcNow > deadline)
            {
                await Console.Error.WriteLineAsync($"Timed out after {timeout.TotalSeconds:F0} s; still waiting for: {string.Join(", ", waiting.Order())}. Is the worker running?");
                return 1;
            }
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    public static async Task<int> WatchAllAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var containers = services.GetRequiredService<IngestContainers>();
        var table = new OutcomeTable();
        table.PrintHeader();
        var printed = new HashSet<(string, string)>();
        while (true)
        {
            await foreach (var row in ListAsync(containers, cancellationToken))
            {
                if (printed.Add((row.Container + "/" + row.OutputName, row.SourceETag)))
                    table.Print(row);
            }
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private static async IAsyncEnumerable<OutcomeRow> ListAsync(IngestContainers containers, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var container in containers.Outcomes)
        {
            if (!(await container.ExistsAsync(cancellationToken)).Value)
                continue;
            await foreach (var item in container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, null, cancellationToken))
            {
                var metadata = item.Metadata;
                yield return new OutcomeRow(
                    container.Name,
                    item.Name,
                    item.Name.EndsWith(".json", StringComparison.Ordinal) ? item.Name[..^5] : item.Name,
                    metadata.TryGetValue(BlobOutcomeWriter.SourceETagKey, out var etag) ? etag : "",
                    metadata.TryGetValue(BlobOutcomeWriter.StatusKey, out var status) ? status : "?",
                    metadata.TryGetValue(BlobOutcomeWriter.ReasonsKey, out var reasons) ? reasons : "");
            }
        }
    }
}

internal sealed record OutcomeRow(string Container, string OutputName, string InputName, string SourceETag, string Status, string Reasons);

internal sealed class OutcomeTable
{
    private const string Format = "{0,-40} {1,-9} {2,-24} {3}";

    public void PrintHeader()
    {
        Console.WriteLine(Format, "NAME", "STATUS", "REASONS", "OUTPUT");
        Console.WriteLine(Format, new string('-', 40), new string('-', 9), new string('-', 24), new string('-', 40));
    }

    public void Print(OutcomeRow row) =>
        Console.WriteLine(Format, row.InputName, row.Status, row.Reasons.Length == 0 ? "-" : row.Reasons, row.Container + "/" + row.OutputName);
}

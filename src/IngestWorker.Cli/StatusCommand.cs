using System.Text.Json;
using Azure.Storage.Blobs.Models;
using IngestWorker.Options;
using IngestWorker.Storage;
using IngestWorker.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IngestWorker.Cli;

/// <summary>
/// Where the work stands: outcomes per container, and how many inputs have no outcome yet under
/// the current pipeline version (an outcome carrying the input's ETag and the version is its receipt). Every listing is streamed; nothing holds all names at once.
/// </summary>
internal static class StatusCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, CancellationToken cancellationToken)
    {
        var prefix = "";
        var json = false;
        DateTimeOffset? now = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--prefix": prefix = CommandArguments.Value("status", args, ref i).TrimStart('/'); break;
                case "--json": json = true; break;
                case "--now": now = CommandArguments.Instant("status", "--now", CommandArguments.Value("status", args, ref i)); break;
                case "--host-json": i++; break;
                default:
                    if (!CommandArguments.IsConfigurationOverride(args[i]))
                        throw new ArgumentException($"status: unknown {(args[i].StartsWith('-') ? "option" : "argument")} {args[i]}");
                    break;
            }
        }

        var containers = services.GetRequiredService<IngestContainers>();
        var receipts = services.GetRequiredService<IOutcomeReceipts>();
        var version = services.GetRequiredService<IOptions<IngestWorkerOptions>>().Value.Pipeline.Version;
        var listing = new BlobListing(services.GetRequiredService<StorageResilience>());
        var asOf = now ?? services.GetRequiredService<TimeProvider>().GetUtcNow();

        var outcomes = new List<OutcomeCount>();
        foreach (var (role, container) in new[] { ("accepted", containers.Accepted), ("rejected", containers.Rejected), ("poison", containers.Poison) })
            outcomes.Add(new OutcomeCount(role, container.Name, await listing.CountAsync(container, prefix, cancellationToken)));

        long total = 0, withReceipt = 0, unprocessed = 0;
        InputBlob? oldest = null;
        var join = new OutcomeJoin(version);
        var rows = join.JoinAsync(
            listing.ListInputsAsync(containers.Input, prefix, cancellationToken),
            listing.ListOutcomesAsync(containers, prefix, cancellationToken),
            cancellationToken);
        await foreach (var row in rows)
        {
            if (row.Input is not { } input)
                continue;
            total++;
            var receipted = row.Match switch
            {
                OutcomeMatch.Done => true,
                OutcomeMatch.InputNotJoinable => await receipts.FindAsync(input, cancellationToken) is not null,
                _ => false,
            };
            if (receipted)
            {
                withReceipt++;
                continue;
            }
            unprocessed++;
            if (input.LastModified is { } modified && (oldest?.LastModified is not { } oldestModified || modified < oldestModified
                || (modified == oldestModified && string.CompareOrdinal(input.Name, oldest.Name) < 0)))
                oldest = input;
        }
        if (join.OutOfOrder > 0)
            await Console.Error.WriteLineAsync($"status: storage listed {join.OutOfOrder} name(s) out of ordinal order; the counts of finished inputs are approximate.");

        // Queue and Event Grid modes only (scan mode has no queues); depths are Azure's approximations.
        var queues = new List<QueueDepth>();
        if (services.GetService<WorkQueues>() is { } work)
        {
            queues.Add(new QueueDepth("work", work.Work.Name, await work.ApproximateDepthAsync(work.Work, cancellationToken)));
            queues.Add(new QueueDepth("poison", work.Poison.Name, await work.ApproximateDepthAsync(work.Poison, cancellationToken)));
        }

        var report = new StatusReport(Secrets.Endpoint(containers.Service.Uri), version, prefix, asOf, outcomes, queues,
            new InputCounts(containers.Input.Name, total, withReceipt, unprocessed,
                oldest is null ? null : new OldestInput(oldest.Name, oldest.LastModified!.Value, asOf - oldest.LastModified.Value)));
        if (json)
            WriteJson(report);
        else
            WriteText(report);
        return 0;
    }

    // One line per fact in both forms, so a new fact (a queue's depth, say) is one more line in each.
    private static void WriteText(StatusReport report)
    {
        // Labels name containers and queues, which can be long: the column is as wide as the longest.
        var labels = report.Outcomes.Select(o => OutcomeLabel(o.Role, o.Container))
            .Concat(report.Queues.Select(q => QueueLabel(q.Role, q.Queue)))
            .Append(ReceiptLabel(report.PipelineVersion));
        var width = Math.Max(36, labels.Max(l => l.Length));
        void Row(string label, long count) => Console.WriteLine($"  {label.PadRight(width)} {count,10}");

        Console.WriteLine($"IngestWorker status at {report.Account}, pipeline version {report.PipelineVersion}"
            + (report.Prefix.Length > 0 ? $", names starting with '{report.Prefix}'" : "")
            + $", as of {report.AsOf.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}");
        Console.WriteLine();
        Console.WriteLine("Outcomes");
        foreach (var outcome in report.Outcomes)
            Row(OutcomeLabel(outcome.Role, outcome.Container), outcome.Count);
        Console.WriteLine();
        Console.WriteLine($"Inputs ({report.Inputs.Container})");
        Row("total", report.Inputs.Total);
        Row(ReceiptLabel(report.PipelineVersion), report.Inputs.WithReceipt);
        Row("unprocessed", report.Inputs.Unprocessed);
        Console.WriteLine($"  {"oldest unprocessed".PadRight(width)} " + (report.Inputs.OldestUnprocessed is { } oldest
            ? $"{oldest.Name}, last modified {oldest.LastModified.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} ({CommandArguments.Age(oldest.Age)} ago)"
            : "none"));
        if (report.Queues.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("Queues (approximate depth)");
            foreach (var queue in report.Queues)
                Row(QueueLabel(queue.Role, queue.Queue), queue.Depth);
        }
    }

    private static string OutcomeLabel(string role, string container) => $"{role} ({container})";

    private static string QueueLabel(string role, string queue) => $"{role} ({queue})";

    private static string ReceiptLabel(string pipelineVersion) => $"with an outcome under version {pipelineVersion}";

    private static void WriteJson(StatusReport report)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("account", report.Account);
            writer.WriteString("pipelineVersion", report.PipelineVersion);
            writer.WriteString("prefix", report.Prefix);
            writer.WriteString("asOf", report.AsOf);
            writer.WriteStartObject("outcomes");
            foreach (var outcome in report.Outcomes)
            {
                writer.WriteStartObject(outcome.Role);
                writer.WriteString("container", outcome.Container);
                writer.WriteNumber("count", outcome.Count);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
            writer.WriteStartObject("inputs");
            writer.WriteString("container", report.Inputs.Container);
            writer.WriteNumber("total", report.Inputs.Total);
            // The key predates receipts folded into outcomes; kept for scripts that read it.
            writer.WriteNumber("withReceipt", report.Inputs.WithReceipt);
            writer.WriteNumber("unprocessed", report.Inputs.Unprocessed);
            if (report.Inputs.OldestUnprocessed is { } oldest)
            {
                writer.WriteStartObject("oldestUnprocessed");
                writer.WriteString("name", oldest.Name);
                writer.WriteString("lastModified", oldest.LastModified);
                writer.WriteNumber("ageSeconds", Math.Round(oldest.Age.TotalSeconds, MidpointRounding.AwayFromZero));
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteNull("oldestUnprocessed");
            }
            writer.WriteEndObject();
            writer.WriteStartObject("queues");
            foreach (var queue in report.Queues)
            {
                writer.WriteStartObject(queue.Role);
                writer.WriteString("queue", queue.Queue);
                writer.WriteNumber("approximateDepth", queue.Depth);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        stdout.Write("\n"u8);
    }

    private sealed record StatusReport(string Account, string PipelineVersion, string Prefix, DateTimeOffset AsOf, IReadOnlyList<OutcomeCount> Outcomes,
        IReadOnlyList<QueueDepth> Queues, InputCounts Inputs);

    private sealed record QueueDepth(string Role, string Queue, long Depth);

    private sealed record OutcomeCount(string Role, string Container, long Count);

    private sealed record InputCounts(string Container, long Total, long WithReceipt, long Unprocessed, OldestInput? OldestUnprocessed);

    private sealed record OldestInput(string Name, DateTimeOffset LastModified, TimeSpan Age);
}

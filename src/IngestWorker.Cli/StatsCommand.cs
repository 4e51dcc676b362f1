using System.Globalization;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using IngestWorker.Options;
using IngestWorker.Statistics;
using IngestWorker.Storage;
using IngestWorker.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IngestWorker.Cli;

/// <summary>
/// The run statistics the workers flushed (<c>stats/{version}/{hour}/{worker}.json</c> in the
/// state container), merged across workers and rolled up by hour, day or in total: per stage, the
/// documents that reached it, those it dropped and why, and the characters it removed.
/// </summary>
internal static class StatsCommand
{
    public const string Command = "stats";
    private const int TopReasons = 3;

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, CancellationToken cancellationToken)
    {
        DateTimeOffset? from = null, to = null;
        var period = RollupPeriod.Hour;
        var json = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--from": from = CommandArguments.Instant(Command, "--from", CommandArguments.Value(Command, args, ref i)); break;
                case "--to": to = CommandArguments.Instant(Command, "--to", CommandArguments.Value(Command, args, ref i)); break;
                case "--by":
                    period = CommandArguments.Value(Command, args, ref i) switch
                    {
                        "hour" => RollupPeriod.Hour,
                        "day" => RollupPeriod.Day,
                        "total" => RollupPeriod.Total,
                        var other => throw new ArgumentException($"{Command}: --by takes hour, day or total, not '{other}'."),
                    };
                    break;
                case "--json": json = true; break;
                case "--host-json": i++; break;
                default:
                    if (!CommandArguments.IsConfigurationOverride(args[i]))
                        throw new ArgumentException($"{Command}: unknown {(args[i].StartsWith('-') ? "option" : "argument")} {args[i]}");
                    break;
            }
        }
        if (from is { } f && to is { } t && t <= f)
            throw new ArgumentException($"{Command}: --to must be later than --from.");

        var containers = services.GetRequiredService<IngestContainers>();
        var resilience = services.GetRequiredService<StorageResilience>();
        var version = services.GetRequiredService<IOptions<IngestWorkerOptions>>().Value.Pipeline.Version;
        var listing = new BlobListing(resilience);

        // An hour is in the range when it overlaps it: --from 10:30 includes the 10:00 hour.
        var firstHour = from is { } start ? HourlyStatisticsFile.HourStart(start) : (DateTimeOffset?)null;
        var files = new List<HourlyStatisticsFile>();
        var unreadable = 0;
        if (await containers.State.ExistsAsync(cancellationToken))
        {
            await foreach (var item in listing.ListAsync(containers.State, HourlyStatisticsFile.VersionPrefix(version), BlobTraits.None, cancellationToken))
            {
                if (HourlyStatisticsFile.HourOf(item.Name, version) is not { } hour)
                    continue;
                if ((firstHour is { } first && hour < first) || (to is { } end && hour >= end))
                    continue;
                var blob = containers.State.GetBlobClient(item.Name);
                var content = await resilience.RunAsync(async ct => (await blob.DownloadContentAsync(ct)).Value.Content, cancellationToken);
                try
                {
                    files.Add(content.ToObjectFromJson<HourlyStatisticsFile>(HourlyStatisticsFile.Json)!);
                }
                catch (JsonException e)
                {
                    unreadable++;
                    await Console.Error.WriteLineAsync($"{Command}: skipped {item.Name}, which is not a statistics file ({e.Message}).");
                }
            }
        }

        var buckets = StatisticsRollup.Roll(files, period);
        var report = new StatsReport(Secrets.Endpoint(containers.Service.Uri), version, period, from, to, files.Count, unreadable, buckets);
        if (json)
            WriteJson(report);
        else
            WriteText(report);
        return 0;
    }

    private static void WriteText(StatsReport report)
    {
        Console.WriteLine($"IngestWorker run statistics at {report.Account}, pipeline version {report.PipelineVersion}, by {Describe(report.Period)}"
            + (report.From is { } from ? $", from {Time(from)}" : "")
            + (report.To is { } to ? $", to {Time(to)}" : "")
            + $": {report.Files} worker file(s)");
        if (report.Buckets.Count == 0)
        {
            Console.WriteLine();
            Console.WriteLine("No statistics in this range (workers write theirs every statistics:flushInterval and when they stop).");
            return;
        }
        const string row = "  {0,-14} {1,10} {2,10} {3,9} {4,14} {5,14}  {6}";
        foreach (var bucket in report.Buckets)
        {
            var totals = bucket.Statistics.Totals;
            Console.WriteLine();
            Console.WriteLine($"{Time(bucket.Start!.Value)} – {Time(bucket.End!.Value)} ({bucket.Workers.Count} worker(s))");
            Console.WriteLine(row, "STEP", "DOCS IN", "DROPPED", "% DROPPED", "CHARS IN", "CHARS REMOVED", "TOP REASONS");
            foreach (var step in bucket.Statistics.Steps)
            {
                var reasons = step.Reasons.OrderByDescending(r => r.Value.Documents).ThenBy(r => r.Key, StringComparer.Ordinal)
                    .Take(TopReasons).Select(r => $"{r.Key} {r.Value.Documents}").ToList();
                if (step.Reasons.Count > TopReasons)
                    reasons.Add("…");
                Console.WriteLine(row, step.Name, step.DocumentsIn, step.DocumentsDropped, Percent(step.DocumentsDropped, step.DocumentsIn),
                    step.CharsIn, step.CharsRemoved, reasons.Count == 0 ? "-" : string.Join(", ", reasons));
            }
            Console.WriteLine($"  total: {totals.Documents} documents ({totals.Accepted} accepted, {totals.Rejected} rejected, {totals.Poisoned} poisoned), "
                + $"{totals.InputBytes} input bytes, {totals.OutputChars} characters kept");
            if (bucket.Statistics.PageTypes.Count > 0)
                Console.WriteLine("  page types: " + string.Join(", ", bucket.Statistics.PageTypes.Select(p => $"{p.Key} {p.Value.Documents} ({p.Value.Accepted} accepted)")));
        }
    }

    private static void WriteJson(StatsReport report)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("account", report.Account);
            writer.WriteString("pipelineVersion", report.PipelineVersion);
            writer.WriteString("by", Describe(report.Period));
            WriteTime(writer, "from", report.From);
            WriteTime(writer, "to", report.To);
            writer.WriteNumber("files", report.Files);
            writer.WriteNumber("unreadableFiles", report.Unreadable);
            writer.WriteStartArray("buckets");
            foreach (var bucket in report.Buckets)
            {
                writer.WriteStartObject();
                WriteTime(writer, "start", bucket.Start);
                WriteTime(writer, "end", bucket.End);
                writer.WriteNumber("files", bucket.Files);
                writer.WriteStartArray("workers");
                foreach (var worker in bucket.Workers)
                    writer.WriteStringValue(worker);
                writer.WriteEndArray();
                var totals = bucket.Statistics.Totals;
                writer.WriteStartObject("totals");
                writer.WriteNumber("documents", totals.Documents);
                writer.WriteNumber("accepted", totals.Accepted);
                writer.WriteNumber("rejected", totals.Rejected);
                writer.WriteNumber("poisoned", totals.Poisoned);
                writer.WriteNumber("inputBytes", totals.InputBytes);
                writer.WriteNumber("outputChars", totals.OutputChars);
                writer.WriteEndObject();
                writer.WriteStartObject("pageTypes");
                foreach (var (type, counts) in bucket.Statistics.PageTypes)
                {
                    writer.WriteStartObject(type);
                    writer.WriteNumber("documents", counts.Documents);
                    writer.WriteNumber("accepted", counts.Accepted);
                    writer.WriteEndObject();
                }
                writer.WriteEndObject();
                writer.WriteStartArray("steps");
                foreach (var step in bucket.Statistics.Steps)
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", step.Name);
                    writer.WriteNumber("documentsIn", step.DocumentsIn);
                    writer.WriteNumber("documentsForwarded", step.DocumentsForwarded);
                    writer.WriteNumber("documentsDropped", step.DocumentsDropped);
                    writer.WriteNumber("droppedPercent", step.DocumentsIn == 0 ? 0 : Math.Round(100.0 * step.DocumentsDropped / step.DocumentsIn, 2));
                    writer.WriteNumber("charsIn", step.CharsIn);
                    writer.WriteNumber("charsOut", step.CharsOut);
                    writer.WriteNumber("charsRemoved", step.CharsRemoved);
                    writer.WriteStartObject("reasons");
                    foreach (var (code, reason) in step.Reasons)
                    {
                        writer.WriteStartObject(code);
                        writer.WriteNumber("documents", reason.Documents);
                        writer.WriteNumber("chars", reason.Chars);
                        writer.WriteEndObject();
                    }
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        stdout.Write("\n"u8);
    }

    private static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset? time)
    {
        if (time is { } value)
            writer.WriteString(name, value.ToUniversalTime());
        else
            writer.WriteNull(name);
    }

    private static string Describe(RollupPeriod period) => period.ToString().ToLowerInvariant();

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);

    private static string Percent(long part, long whole) =>
        whole == 0 ? "-" : (100.0 * part / whole).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private sealed record StatsReport(string Account, string PipelineVersion, RollupPeriod Period, DateTimeOffset? From, DateTimeOffset? To,
        int Files, int Unreadable, IReadOnlyList<StatisticsBucket> Buckets);
}

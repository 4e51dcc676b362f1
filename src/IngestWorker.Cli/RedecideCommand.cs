using System.Text.Json;
using IngestWorker.Options;
using IngestWorker.Text.Output;
using IngestWorker.Text.Quality;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IngestWorker.Cli;

/// <summary>
/// Re-decides a folder of output documents under the quality thresholds now configured, from the
/// signals stored in each document: no text is re-read, nothing is reprocessed.
/// </summary>
internal static class RedecideCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, CancellationToken cancellationToken)
    {
        string? input = null, output = null;
        var inPlace = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--out": output = i + 1 < args.Length ? args[++i] : throw new ArgumentException("redecide: --out needs a folder."); break;
                case "--in-place": inPlace = true; break;
                case "--host-json": i++; break;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal))
                    {
                        if (!args[i].Contains('=', StringComparison.Ordinal))
                            throw new ArgumentException($"redecide: unknown option {args[i]}");
                        break; // --key=value: a configuration override, already applied
                    }
                    input = input is null ? args[i] : throw new ArgumentException("redecide: give one folder of outputs.");
                    break;
            }
        }
        if (input is null || !Directory.Exists(input))
            throw new ArgumentException($"redecide: {(input is null ? "no folder given" : input + " is not a folder")}.");
        if (inPlace && output is not null)
            throw new ArgumentException("redecide: --out and --in-place exclude each other.");
        output = inPlace ? input : output;

        var options = services.GetRequiredService<IOptions<IngestWorkerOptions>>().Value.Pipeline.Quality;
        var now = DateTimeOffset.UtcNow;
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var reasons = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int documents = 0, unreadable = 0, withoutSignals = 0;
        foreach (var path in Directory.EnumerateFiles(input, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            OutputDocument? document;
            try
            {
                await using var stream = File.OpenRead(path);
                document = await JsonSerializer.DeserializeAsync(stream, OutputJsonContext.Default.OutputDocument, cancellationToken);
            }
            catch (JsonException e)
            {
                await Console.Error.WriteLineAsync($"skipped {path}: not an IngestWorker output document ({e.Message})");
                unreadable++;
                continue;
            }
            if (document is null)
                continue;
            documents++;
            if (document.Quality is null)
                withoutSignals++;

            var redecided = QualityRedecision.Redecide(document, options, now);
            var change = $"{document.Status} -> {redecided.Status}";
            counts[change] = counts.GetValueOrDefault(change) + 1;
            foreach (var reason in redecided.Reasons)
                reasons[reason] = reasons.GetValueOrDefault(reason) + 1;

            if (output is not null)
            {
                var target = Path.Combine(output, Path.GetRelativePath(input, path));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await File.WriteAllBytesAsync(target, JsonSerializer.SerializeToUtf8Bytes(redecided, OutputJsonContext.Default.OutputDocument), cancellationToken);
            }
        }

        Console.WriteLine($"Re-decided {documents} document(s) under the current quality settings{(output is null ? " (dry run: pass --out DIR or --in-place to write them)" : $", written to {output}")}.");
        if (withoutSignals > 0)
            Console.WriteLine($"{withoutSignals} had no quality signals (rejected before the quality stage) and were left as they were.");
        if (unreadable > 0)
            Console.WriteLine($"{unreadable} file(s) were not output documents and were skipped.");
        Console.WriteLine();
        Console.WriteLine($"{"STATUS CHANGE",-24} {"DOCUMENTS",9}");
        foreach (var (change, count) in counts)
            Console.WriteLine($"{change,-24} {count,9}");
        Console.WriteLine();
        Console.WriteLine($"{"REASON (after)",-32} {"DOCUMENTS",9}");
        foreach (var (reason, count) in reasons)
            Console.WriteLine($"{reason,-32} {count,9}");
        return 0;
    }
}

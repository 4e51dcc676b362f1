using IngestWorker;
using IngestWorker.Cli;
using IngestWorker.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

const string usage = """
    ingestworker-cli — operator commands for IngestWorker (same host.json and environment as the worker)

      drop <file|folder>... [--prefix <p>] [--event] [--watch] [--exit-when-done] [--timeout <seconds>]
          Upload files to the input container (folders recursively, names relative to the folder,
          under the optional prefix). In eventGrid mode, and with --event in queue mode, also post
          to the work queue the BlobCreated event Event Grid would (Azurite has none). With --watch,
          print each one's outcome as it arrives and keep printing later outcomes until Ctrl-C;
          --exit-when-done stops once every dropped file has its outcome (exit code 1 on
          --timeout, default 120 s).

      watch
          Print every new outcome as it arrives, until Ctrl-C.

      status [--prefix <p>] [--json] [--now <time>]
          Outcomes per container, and the inputs: how many there are, how many have an outcome under
          the configured pipeline version (an outcome carrying the input's ETag and the version is its
          receipt), how many are unprocessed (none for their current ETag) and the oldest unprocessed one; in the queue modes, the approximate depths of the
          work queue and its poison queue. --prefix counts only names starting with <p>;
          --json prints the same as one JSON object.

      stats [--from <time>] [--to <time>] [--by hour|day|total] [--json]
          Run statistics of the configured pipeline version, as the workers flushed them (every
          statistics:flushInterval and when they stop), merged across workers: per stage, the
          documents that reached it, dropped (with % and the top reasons) and the characters it
          removed; then totals (documents, accepted/rejected/poisoned, input bytes, characters kept).
          --by groups hours (default), UTC days or everything; --from/--to (ISO 8601) keep the hours
          that overlap the range; --json prints the same as one JSON object.

      prune-receipts [--older-than <days>] [--dry-run] [--now <time>]
          Delete the receipt blobs of earlier layouts (receipts/ in the state container): the worker
          no longer writes or reads them, since an input version's outcome is its receipt. With
          --older-than, only those last modified more than <days> (at least 1) ago. Outcomes and
          claim records are kept. Prints how many were examined, deleted and kept; --dry-run deletes nothing.

      migrate-state [--dry-run]
          After an upgrade from the layout before the state log: copy its dedup records (hashes/ and,
          for the configured MinHash scheme, near/ in the state container) into the state log of the
          configured pipeline version, so that documents finished before the upgrade are still found
          as duplicates of new ones. It may run while workers run (their newer claims stand), and a
          second run appends nothing. Site-template counts are not copied (they are learned again).
          The old records are kept; the summary says which prefixes may be deleted afterwards.
          --dry-run appends nothing.

      --now <time> (ISO 8601, e.g. 2030-01-31T12:00:00Z) measures ages from that instant instead of
      the clock: to rehearse a later prune with --dry-run, and for tests.

      replay <name> | --prefix <p> | --all [--dry-run]
          Send poisoned inputs back to work: those whose current version has a failed outcome under
          the configured pipeline version. Each one's attempt count is reset (under its claim), its
          poison outcome is removed, and the workers are told: a work message in
          the queue modes (its message in the poison queue is removed); in scan mode its metadata is
          touched, which gives it a new ETag, so that running workers list it as changed. Nothing
          else is changed: inputs with an accepted or rejected outcome, or still being tried, are
          left alone (a name that is not poisoned is an error, exit code 1). With --prefix, the
          poison container is listed, not the inputs. --dry-run lists what would be replayed.

      reprocess --prefix <p> | --all [--dry-run]
          Queue modes: send a work message for every input whose current version has no outcome
          under the configured pipeline version, e.g. after changing the version in eventGrid mode,
          where nothing lists the container. Prints how many inputs there are, how many have an
          outcome and how many messages were sent. Refused in scan mode, where a worker started
          under a version processes every input without an outcome on its own. --dry-run sends nothing.

      Run replay and reprocess with the configuration of the running workers (mode, queue, pipeline
      version): they act on that version's outcomes and reach the workers the way that mode does.

      redecide <folder> [--out <folder> | --in-place] [--<setting>=<value>...]
          Re-make the quality decision of a folder of output documents (downloaded *.json) from the
          signals stored in them, under the quality settings now configured — e.g.
          --ingestWorker:pipeline:quality:gopherQuality:minWords=100. Prints how many change status
          and why; writes the re-decided documents with --out or --in-place. Nothing is reprocessed.

    Configuration: --host-json <path>, AzureWebJobsStorage and the other settings as for the worker.
    """;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(usage);
    return args.Length == 0 ? 1 : 0;
}

var command = args[0];
var rest = args[1..];
// Commands print tables; the worker's informational logging would only get in the way. What is
// logged (storage retries, say) goes to stderr, so that stdout stays parseable (status --json).
var builder = IngestWorkerConfiguration.CreateBuilder(ConfigurationArguments(rest), config =>
    config.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["logging:logLevel:default"] = "Warning",
        ["logging:console:logToStandardErrorThreshold"] = "Trace",
    }));
// The state layer only (no trigger, no pipeline): the queues too in the modes that have them.
IngestWorkerConfiguration.AddWorkQueuesIfQueueMode(builder.Services, builder.Configuration);
// Before Build, which creates the logger factory from the logging settings.
if (IngestWorker.Options.LoggingConfigurationCheck.Find(builder.Configuration) is { Count: > 0 } loggingErrors)
{
    await Console.Error.WriteLineAsync("Configuration problems:\n  - " + string.Join("\n  - ", loggingErrors));
    return 2;
}
using var host = builder.Build();
var errors = IngestWorkerConfiguration.FindConfigurationErrors(host.Services);
if (errors.Count > 0)
{
    await Console.Error.WriteLineAsync("Configuration problems:\n  - " + string.Join("\n  - ", errors));
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    return command switch
    {
        "drop" => await DropCommand.RunAsync(host.Services, rest, cancel.Token),
        "watch" => await OutcomeWatcher.WatchAllAsync(host.Services, cancel.Token),
        "redecide" => await RedecideCommand.RunAsync(host.Services, rest, cancel.Token),
        "status" => await StatusCommand.RunAsync(host.Services, rest, cancel.Token),
        StatsCommand.Command => await StatsCommand.RunAsync(host.Services, rest, cancel.Token),
        "prune-receipts" => await PruneReceiptsCommand.RunAsync(host.Services, rest, cancel.Token),
        MigrateStateCommand.Command => await MigrateStateCommand.RunAsync(host.Services, rest, cancel.Token),
        ReplayCommand.Command => await ReplayCommand.RunAsync(host.Services, rest, cancel.Token),
        ReprocessCommand.Command => await ReprocessCommand.RunAsync(host.Services, rest, cancel.Token),
        _ => Unknown(command),
    };
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    return 0;
}
catch (Exception e) when (e is ArgumentException or CommandFailedException)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 1;
}
catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or IOException or IngestWorker.Storage.StorageUnavailableException)
{
    await Console.Error.WriteLineAsync($"Storage at {Secrets.Endpoint(host.Services.GetRequiredService<IngestWorker.Storage.IngestContainers>().Service.Uri)} failed: {Secrets.Redact(e.Message)}");
    return 1;
}

int Unknown(string name)
{
    Console.Error.WriteLine($"Unknown command '{name}'.\n\n{usage}");
    return 1;
}

// Only --host-json and --key=value overrides go to the configuration; command options stay with the command.
static string[] ConfigurationArguments(string[] args)
{
    var index = Array.IndexOf(args, "--host-json");
    string[] hostJson = index >= 0 && index + 1 < args.Length ? ["--host-json", args[index + 1]] : [];
    return [.. hostJson, .. args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal))];
}

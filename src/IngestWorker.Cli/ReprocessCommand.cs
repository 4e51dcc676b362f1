using Azure.Storage.Blobs.Models;
using IngestWorker.Options;
using IngestWorker.Storage;
using IngestWorker.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IngestWorker.Cli;

/// <summary>
/// Queue modes: sends a work message for every input under a prefix whose current version has no
/// outcome under the configured pipeline version, so that workers process it (typically: every
/// input, after the version was changed, in <c>eventGrid</c> mode, where nothing ever lists the
/// container). The input listing and the outcome listings are streamed side by side
/// (<see cref="OutcomeJoin"/>), so memory does not grow with the container.
/// </summary>
/// <remarks>
/// A message for an input that is already queued, in progress or done by the time a worker gets to
/// it costs that worker a claim and an outcome look-up; it is never processed twice. Inputs with a
/// failed outcome are poisoned, not unprocessed: <c>replay</c> is for them. Scan mode is refused:
/// there a worker started under a pipeline version lists every input with the outcomes, so
/// everything without an outcome is processed without being asked.
/// </remarks>
internal static class ReprocessCommand
{
    public const string Command = "reprocess";

    // Messages in flight at once: enough to hide the round trip, few enough to be kind to the queue.
    private const int ConcurrentSends = 16;

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, CancellationToken cancellationToken)
    {
        string? prefix = null;
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
                    if (!CommandArguments.IsConfigurationOverride(args[i]))
                        throw new ArgumentException($"{Command}: unknown {(args[i].StartsWith('-') ? "option" : "argument")} {args[i]}");
                    break;
            }
        }
        var selection = InputSelection.From(Command, acceptsName: false, null, prefix, all);

        var options = services.GetRequiredService<IOptions<IngestWorkerOptions>>().Value;
        var version = options.Pipeline.Version;
        if (options.Trigger.Mode == TriggerOptions.ScanMode)
            throw new CommandFailedException(
                $"{Command}: nothing to do in scan mode. A worker started under pipeline version {version} lists every input when it starts and "
                + $"processes each one without an outcome under {version}; a running one has done so since it started. Restart the workers "
                + $"with the version you want, and follow them with `status{(selection.Prefix.Length > 0 ? $" --prefix {selection.Prefix}" : "")}` (unprocessed). "
                + "Poisoned inputs are not unprocessed: `replay` sends them back to work.");

        var containers = services.GetRequiredService<IngestContainers>();
        var outcomes = services.GetRequiredService<IOutcomeReceipts>();
        var listing = new BlobListing(services.GetRequiredService<StorageResilience>());
        var pickUp = new InputPickUp(services);
        await pickUp.EnsureReadyAsync(Command, cancellationToken);
        Console.WriteLine($"Reprocess of inputs without an outcome under pipeline version {version} in '{containers.Input.Name}' at {Secrets.Endpoint(containers.Service.Uri)}, {selection.Describe()}");
        Console.WriteLine($"({pickUp.Describe()}).");
        Console.WriteLine();

        long total = 0, withReceipt = 0, unprocessed = 0, sent = 0;
        var sending = new List<Task>();
        try
        {
            var join = new OutcomeJoin(version);
            var rows = join.JoinAsync(
                listing.ListInputsAsync(containers.Input, selection.Prefix, cancellationToken),
                listing.ListOutcomesAsync(containers, selection.Prefix, cancellationToken),
                cancellationToken);
            await foreach (var row in rows)
            {
                if (row.Input is not { } input)
                    continue;
                total++;
                var receipted = row.Match switch
                {
                    OutcomeMatch.Done => true,
                    OutcomeMatch.InputNotJoinable => await outcomes.FindAsync(input, cancellationToken) is not null,
                    _ => false,
                };
                if (receipted)
                {
                    withReceipt++;
                    continue;
                }
                unprocessed++;
                if (dryRun)
                    continue;
                if (sending.Count >= ConcurrentSends)
                    await FinishOneAsync(sending);
                sending.Add(SendAsync(input));
            }
            while (sending.Count > 0)
                await FinishOneAsync(sending);
            if (join.OutOfOrder > 0)
                await Console.Error.WriteLineAsync($"{Command}: storage listed {join.OutOfOrder} name(s) out of ordinal order; some finished inputs may have been sent too (harmless: a worker finds the outcome).");
        }
        catch (Exception) when (!dryRun)
        {
            // What was sent stays sent; running the command again sends the rest (and repeats some, harmlessly).
            await Task.WhenAll(sending.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
            Print();
            await Console.Error.WriteLineAsync($"{Command}: stopped after sending {sent} message(s); running it again is safe.");
            throw;
        }
        Print();
        if (dryRun)
            Console.WriteLine("Dry run: nothing was sent.");
        return 0;

        async Task SendAsync(InputBlob input)
        {
            await pickUp.EnqueueAsync(input, cancellationToken);
            Interlocked.Increment(ref sent);
        }

        void Print()
        {
            const string row = "  {0,-40} {1,10}";
            Console.WriteLine(row, "inputs", total);
            Console.WriteLine(row, $"with an outcome under version {version}", withReceipt);
            Console.WriteLine(row, "without one", unprocessed);
            Console.WriteLine(row, dryRun ? "to send (dry run)" : "work messages sent", dryRun ? unprocessed : Interlocked.Read(ref sent));
        }
    }

    private static async Task FinishOneAsync(List<Task> sending)
    {
        var done = await Task.WhenAny(sending);
        sending.Remove(done);
        await done;
    }
}

using System.Text;
using System.Text.RegularExpressions;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using IngestWorker.Triggers;

/// <summary>What one worker run drops: names (folders included), the trigger mode, and a steady rate or a burst.</summary>
/// <param name="Rate">Files per second for a trickle; null drops them all at once, 8 uploads at a time.</param>
/// <param name="CountCalls">Put the proxies between the worker and Azurite (the end-to-end runs leave them out).</param>
/// <param name="WarmUp">Dropped first and processed before the timed names are, untimed: the worker's code is then compiled, as in a worker that has run for a while.</param>
internal sealed record RunPlan(string Label, string Mode, IReadOnlyList<string> Names, double? Rate, bool CountCalls, IReadOnlyList<string>? WarmUp = null);

/// <param name="Elapsed">Seconds from the start of the first upload to the last outcome.</param>
/// <param name="Latencies">
/// Per file, ms from its upload's completion to its outcome (one clock, sorted): to the answer to the
/// outcome's write when the proxies count calls, else to the outcome's log line (a receipt write later).
/// </param>
/// <param name="Calls">Requests the worker sent from the first upload until it fell quiet after the last outcome.</param>
/// <param name="StartupCalls">Requests the worker sent before it was watching its container (not in <see cref="Calls"/>).</param>
/// <param name="Dropped">Seconds from the start of the first upload to the end of the last.</param>
/// <param name="Cpu">Processor time of each process from the first upload to the last outcome.</param>
internal sealed record RunResult(
    RunPlan Plan,
    double Elapsed,
    List<double> Latencies,
    Dictionary<CallKind, long> Calls,
    long StartupCalls,
    Dictionary<string, int> Statuses,
    int Duplicates,
    int Retried,
    int Warnings,
    double Dropped,
    CpuUse Cpu)
{
    public int Files => Plan.Names.Count;

    public double CallsPerDocument => Calls.Values.Sum() / (double)Files;

    public string Checks
    {
        get
        {
            var statuses = string.Join(", ", Statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Value} {s.Key}"));
            return $"{statuses}; {Duplicates} done twice, {Retried} retried, {Warnings} worker warnings";
        }
    }
}

/// <summary>
/// One worker process over fresh containers of an Azurite: starts it (behind the counting proxies
/// when the plan counts calls), drops the plan's files, and waits for every outcome.
/// </summary>
internal static partial class WorkerRun
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(2);

    public static async Task<RunResult> RunAsync(Azurite azurite, string workerDll, string hostJson, RunPlan plan, TimeSpan timeout)
    {
        var service = new BlobServiceClient(azurite.ConnectionString);
        var prefix = "c" + Guid.NewGuid().ToString("N")[..8];
        var input = service.GetBlobContainerClient(prefix + "-incoming");
        await input.CreateAsync();
        // The worker's default work queue names, derived from the input container.
        var queues = new QueueServiceClient(azurite.ConnectionString);
        var workQueue = queues.GetQueueClient(input.Name + "-work");
        // The first event may be posted before the worker has created the queue.
        if (plan.Mode == "eventGrid")
            await workQueue.CreateIfNotExistsAsync();

        WireProxy? blobProxy = null, queueProxy = null;
        var outcomeWritten = new Dictionary<string, long>(StringComparer.Ordinal);
        var connectionString = azurite.ConnectionString;
        if (plan.CountCalls)
        {
            var areas = new CallAreas(
                new Dictionary<string, string>
                {
                    [prefix + "-incoming"] = "input", [prefix + "-cleaned"] = "accepted", [prefix + "-rejected"] = "rejected",
                    [prefix + "-poison"] = "poison", [prefix + "-state"] = "state",
                },
                new Dictionary<string, string> { [workQueue.Name] = "work", [workQueue.Name + "-poison"] = "work-poison" });
            blobProxy = new WireProxy(Port(azurite.ConnectionString, "BlobEndpoint"), areas.Blob, (kind, target) =>
            {
                // The moment an outcome's write was answered, which the outcome log line follows by
                // a few calls (a receipt): the latency counts up to here when calls are counted.
                if (kind.Area is "accepted" or "rejected" or "poison" && kind.Operation.StartsWith("put", StringComparison.Ordinal) && kind.Status is >= 200 and < 300)
                {
                    var name = CallAreas.BlobName(target);
                    lock (outcomeWritten)
                        outcomeWritten.TryAdd(name.EndsWith(".json", StringComparison.Ordinal) ? name[..^5] : name, BenchClock.Now);
                }
            });
            queueProxy = new WireProxy(Port(azurite.ConnectionString, "QueueEndpoint"), areas.Queue);
            connectionString = EndpointPort().Replace(azurite.ConnectionString,
                m => $"{m.Groups[1].Value}{(m.Groups[1].Value.StartsWith("Blob", StringComparison.Ordinal) ? blobProxy.Port : queueProxy.Port)}/");
        }
        Dictionary<CallKind, long> Snapshot() =>
            blobProxy is null || queueProxy is null ? [] : blobProxy.Snapshot().Concat(queueProxy.Snapshot()).ToDictionary();

        try
        {
            using var worker = Worker.Start(workerDll, hostJson, connectionString, prefix, plan.Mode);
            await worker.Ready.WaitAsync(TimeSpan.FromSeconds(120));
            var startup = Snapshot();

            var uploaded = new Dictionary<string, long>(StringComparer.Ordinal);
            async Task DropAsync(string name, CancellationToken ct)
            {
                var blob = input.GetBlobClient(name);
                var content = BinaryData.FromString(Articles.Article(name));
                var created = (await blob.UploadAsync(content, ct)).Value;
                var completed = BenchClock.Now;
                if (plan.Mode == "eventGrid")
                {
                    // The bench plays Event Grid: one BlobCreated event per message, base64-encoded,
                    // as Event Grid delivers to a storage queue. Sent directly, so it is not counted.
                    var message = WorkMessage.EventGridBlobCreated(blob.Uri, created.ETag.ToString(), content.ToMemory().Length, DateTimeOffset.UtcNow);
                    await workQueue.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(message)), ct);
                }
                lock (uploaded)
                    uploaded[name] = completed;
            }

            var warmUp = plan.WarmUp ?? [];
            if (warmUp.Count > 0)
            {
                await Parallel.ForEachAsync(warmUp, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (name, ct) => await DropAsync(name, ct));
                var warmDeadline = BenchClock.Now + (long)timeout.TotalMilliseconds;
                while (worker.DistinctOutcomes < warmUp.Count && BenchClock.Now < warmDeadline)
                    await Task.Delay(50);
                await Task.Delay(1000);
            }

            var cpuBefore = CpuUse.Of(azurite.Process, worker.Process);
            var firstUpload = BenchClock.Now;
            if (plan.Rate is { } rate)
            {
                for (var i = 0; i < plan.Names.Count; i++)
                {
                    var wait = firstUpload + i * 1000.0 / rate - BenchClock.Now;
                    if (wait > 0)
                        await Task.Delay(TimeSpan.FromMilliseconds(wait));
                    await DropAsync(plan.Names[i], CancellationToken.None);
                }
            }
            else
            {
                await Parallel.ForEachAsync(plan.Names, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (name, ct) => await DropAsync(name, ct));
            }
            var dropped = BenchClock.Now;

            var deadline = BenchClock.Now + (long)timeout.TotalMilliseconds;
            while (worker.DistinctOutcomes < warmUp.Count + plan.Names.Count)
            {
                if (worker.HasExited)
                    throw new InvalidOperationException($"The worker exited (code {worker.ExitCode}) before every outcome was written.");
                if (BenchClock.Now > deadline)
                    throw new TimeoutException($"{worker.DistinctOutcomes} of {plan.Names.Count} outcomes after {timeout.TotalSeconds:F0} s.");
                await Task.Delay(50);
            }
            var cpu = CpuUse.Of(azurite.Process, worker.Process) - cpuBefore;
            var outcomes = worker.Outcomes;

            // A document's last calls (a receipt, a queue message's delete) may follow its outcome
            // line: the window closes once the worker has sent nothing but idle requests for a while.
            var settle = BenchClock.Now + 15_000;
            while (blobProxy is not null && queueProxy is not null && BenchClock.Now < settle &&
                   BenchClock.Now - Math.Max(blobProxy.LastWork, queueProxy.LastWork) < Quiet.TotalMilliseconds)
                await Task.Delay(100);
            var end = Snapshot();
            var calls = end.ToDictionary(c => c.Key, c => c.Value - startup.GetValueOrDefault(c.Key));

            var first = outcomes.GroupBy(o => o.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.MinBy(o => o.At)!, StringComparer.Ordinal);
            long OutcomeAt(string name)
            {
                lock (outcomeWritten)
                    return outcomeWritten.TryGetValue(name, out var at) ? Math.Min(at, first[name].At) : first[name].At;
            }
            var latencies = plan.Names.Select(n => (double)(OutcomeAt(n) - uploaded[n])).Order().ToList();
            await VerifyOutcomesAsync(service, prefix, warmUp.Count + plan.Names.Count);
            return new RunResult(
                plan,
                (plan.Names.Max(OutcomeAt) - firstUpload) / 1000.0,
                latencies,
                calls.Where(c => c.Value > 0).ToDictionary(),
                startup.Values.Sum(),
                first.Values.GroupBy(o => o.Status).ToDictionary(g => g.Key, g => g.Count()),
                outcomes.Count - first.Count,
                first.Values.Count(o => o.Attempt > 1),
                worker.Warnings,
                (dropped - firstUpload) / 1000.0,
                cpu);
        }
        finally
        {
            if (blobProxy is not null)
                await blobProxy.DisposeAsync();
            if (queueProxy is not null)
                await queueProxy.DisposeAsync();
        }
    }

    // Every input has exactly one outcome blob, whatever the log said: the bench lists the outcome
    // containers itself (directly, so these calls are not counted).
    private static async Task VerifyOutcomesAsync(BlobServiceClient service, string prefix, int expected)
    {
        var total = 0;
        foreach (var suffix in new[] { "-cleaned", "-rejected", "-poison" })
        {
            try
            {
                await foreach (var _ in service.GetBlobContainerClient(prefix + suffix).GetBlobsAsync())
                    total++;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // Never created: nothing went there.
            }
        }
        if (total != expected)
            throw new InvalidOperationException($"{total} outcome blobs for {expected} inputs.");
    }

    private static int Port(string connectionString, string endpoint) =>
        int.Parse(Regex.Match(connectionString, endpoint + @"=http://127\.0\.0\.1:(\d+)/").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"((?:Blob|Queue)Endpoint=http://127\.0\.0\.1:)\d+/")]
    private static partial Regex EndpointPort();
}

/// <summary>
/// The raw storage work a worker cannot do without, per file: upload the input, download it, upload
/// an output of the same size; 8 files at a time, on the same Azurite as the worker run it is
/// compared with. The yardstick for "end to end".
/// </summary>
internal static class RawWork
{
    /// <returns>The seconds it took, and the processor time Azurite and the bench spent on it.</returns>
    public static async Task<(double Seconds, CpuUse Cpu)> MeasureAsync(Azurite azurite, IReadOnlyList<string> names)
    {
        var cpuBefore = CpuUse.Of(azurite.Process, worker: null);
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("raw-" + Guid.NewGuid().ToString("N")[..8]);
        await container.CreateAsync();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 8 };
        var started = BenchClock.Now;
        await Parallel.ForEachAsync(names, parallel, async (name, ct) =>
            await container.GetBlobClient("in/" + name).UploadAsync(BinaryData.FromString(Articles.Article(name)), ct));
        await Parallel.ForEachAsync(names, parallel, async (name, ct) =>
        {
            var content = (await container.GetBlobClient("in/" + name).DownloadContentAsync(ct)).Value.Content;
            await container.GetBlobClient("out/" + name + ".json").UploadAsync(content, ct);
        });
        return ((BenchClock.Now - started) / 1000.0, CpuUse.Of(azurite.Process, worker: null) - cpuBefore);
    }
}

/// <summary>
/// Processor seconds (user and system, every thread) spent by Azurite, the worker and the bench
/// itself: on a machine where all three share few cores, how much of the time each of them took.
/// </summary>
internal readonly record struct CpuUse(double Azurite, double Worker, double Bench)
{
    public double Total => Azurite + Worker + Bench;

    public static CpuUse Of(System.Diagnostics.Process azurite, System.Diagnostics.Process? worker) =>
        new(Seconds(azurite), worker is null ? 0 : Seconds(worker), Seconds(System.Diagnostics.Process.GetCurrentProcess()));

    public static CpuUse operator -(CpuUse a, CpuUse b) => new(a.Azurite - b.Azurite, a.Worker - b.Worker, a.Bench - b.Bench);

    public static CpuUse operator +(CpuUse a, CpuUse b) => new(a.Azurite + b.Azurite, a.Worker + b.Worker, a.Bench + b.Bench);

    public CpuUse Half => new(Azurite / 2, Worker / 2, Bench / 2);

    private static double Seconds(System.Diagnostics.Process process) => ProcessorTime.Seconds(process);
}

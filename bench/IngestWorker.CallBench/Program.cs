using System.Globalization;
using System.Runtime.InteropServices;

// dotnet run -c Release --project bench/IngestWorker.CallBench -- [--scenarios burst,trickle,e2e] [--rounds 1]
//     [--modes scan,queue,eventGrid] [--burst 1000] [--folder 100]
//     [--trickle-modes scan,eventGrid] [--trickle 120] [--rate 2] [--e2e 500] [--e2e-warm-up 100] [--timeout 900]
//
// Storage calls per document at the wire, and the worker end to end against raw storage work (issue 17).
// The worker runs as its own process (the Release build, the repository's host.json apart from
// container names and the trigger mode) against a fresh in-memory Azurite for every run.
//   burst    --burst distinct ~3 KB articles (folders of --folder) dropped at once, 8 uploads at a
//            time, once per mode in --modes. Between the worker and Azurite sit two loopback proxies
//            (blob and queue endpoints) that count every request the worker sends — listings,
//            leases, queue receives and deletes, state — by area, operation and status. The bench's
//            own uploads, Event Grid stand-in messages and checks go to Azurite directly, uncounted.
//            Calls are counted from the first upload until the worker has been quiet (only idle
//            requests: listings, empty receives, queue-depth probes, lease renewals) for 2 s after
//            the last outcome; start-up calls are shown apart.
//   trickle  --trickle files at --rate files/s per mode in --trickle-modes, counted the same way
//            (idle listings between files included). Latency (bursts too) = outcome − upload on one
//            clock, the bench's: from the upload's completion to the moment the proxy passed storage's
//            answer to the outcome's write.
//   e2e      --e2e articles in one folder, scan mode, default configuration, no proxy: seconds from
//            the first upload to the last outcome (its log line, read by the bench), against the
//            raw storage work for the same files on the same Azurite (upload + download + upload of
//            an output per file, 8 at a time), measured just before the run (after an untimed
//            warm-up of Azurite) and just after it; the reference is their mean. Then, on a fresh Azurite, the same number split over two
//            folders dropped at once, against its own raw work. Before the timed files the worker
//            processes --e2e-warm-up others, untimed, as the reference's Azurite is warmed up: the
//            first blobs of a fresh process wait for its code to be compiled (0: a cold worker).
// In eventGrid mode nothing lists the container, so the bench plays Event Grid: once an upload
// completes it posts a BlobCreated event to the work queue (its latency includes that post).
// Medians over rounds; the machine is shared, so each line also shows the rounds.

var options = new BenchArgs(args);
var scenarios = options.List("--scenarios", "burst,trickle,e2e");
var rounds = options.Int("--rounds", 1);
var burstModes = options.List("--modes", "scan,queue,eventGrid");
var burst = options.Int("--burst", 1000);
var folder = options.Int("--folder", 100);
var trickleModes = options.List("--trickle-modes", "scan,eventGrid");
var trickle = options.Int("--trickle", 120);
var rate = double.Parse(options.Text("--rate") ?? "2", CultureInfo.InvariantCulture);
var e2e = options.Int("--e2e", 500);
var e2eWarmUp = options.Int("--e2e-warm-up", 100);
var timeout = TimeSpan.FromSeconds(options.Int("--timeout", 900));
string[] modes = ["scan", "queue", "eventGrid"];
const int WarmUpFiles = 200;
if (scenarios.Except(["burst", "trickle", "e2e"]).FirstOrDefault() is { } unknown || burstModes.Concat(trickleModes).Except(modes).FirstOrDefault() is { } unknownMode)
{
    Console.Error.WriteLine("--scenarios takes burst, trickle, e2e; --modes and --trickle-modes take scan, queue, eventGrid (comma-separated).");
    return 2;
}

if (new[] { rounds, burst, folder, trickle, e2e }.Any(n => n < 1) || rate <= 0)
{
    Console.Error.WriteLine("--rounds, --burst, --folder, --trickle, --e2e and --rate take positive numbers.");
    return 2;
}

var root = BenchSupport.FindRoot();
if (BenchSupport.BuiltWorkerDll(root) is not { } workerDll)
    return 1;
var hostJson = Path.Combine(root, "host.json");
using var killOnExit = Children.KillOnExit(PosixSignal.SIGINT, PosixSignal.SIGTERM);

var counted = new List<RunResult>();
var endToEnd = new List<EndToEnd>();
try
{
    for (var round = 1; round <= rounds; round++)
    {
        var plans = new List<RunPlan>();
        if (scenarios.Contains("burst"))
            plans.AddRange(burstModes.Select(mode => new RunPlan($"burst {burst:N0} {mode}", mode, Names(burst, folder, "b"), null, CountCalls: true)));
        if (scenarios.Contains("trickle"))
            plans.AddRange(trickleModes.Select(mode => new RunPlan($"trickle {trickle} at {rate}/s {mode}", mode, Names(trickle, folder, "t"), rate, CountCalls: true)));
        foreach (var plan in plans)
        {
            await using var azurite = await Azurite.StartAsync(root);
            var run = await WorkerRun.RunAsync(azurite, workerDll, hostJson, plan, timeout);
            counted.Add(run);
            Console.Error.WriteLine(FormattableString.Invariant(
                $"round {round} {plan.Label}: {run.CallsPerDocument:F2} calls/doc ({run.Calls.Values.Sum()} calls, {run.StartupCalls} at start-up), {run.Elapsed:F1} s, p50 {Stats.Percentile(run.Latencies, 0.5):F0} ms, p99 {Stats.Percentile(run.Latencies, 0.99):F0} ms; {run.Checks}"));
        }
        if (scenarios.Contains("e2e"))
        {
            var oneFolder = Names(e2e, e2e, "one");
            var twoFolders = Names(e2e, (e2e + 1) / 2, "two");
            // Raw work just before and just after the worker's run on the same Azurite (after, it
            // holds the run's blobs too): the machine's load drifts, and the mean of the two
            // brackets the run. A fresh Azurite (Node.js) runs its first requests
            // slower than warm ones; an untimed warm-up keeps that out of the reference.
            async Task<(Raw Raw, RunResult Run)> MeasureAsync(string label, List<string> names)
            {
                await using var azurite = await Azurite.StartAsync(root);
                await RawWork.MeasureAsync(azurite, [.. names.Take(WarmUpFiles).Select(n => "warm-up/" + n)]);
                var before = await RawWork.MeasureAsync(azurite, names);
                var warm = Names(e2eWarmUp, e2eWarmUp, "warm-up-worker");
                var run = await WorkerRun.RunAsync(azurite, workerDll, hostJson, new RunPlan(label, "scan", names, null, CountCalls: false, warm), timeout);
                var after = await RawWork.MeasureAsync(azurite, names);
                return (new Raw(before.Seconds, after.Seconds, (before.Cpu + after.Cpu).Half), run);
            }
            var (rawOne, one) = await MeasureAsync($"e2e {e2e} one folder", oneFolder);
            var (rawTwo, two) = await MeasureAsync($"e2e {e2e} two folders", twoFolders);
            var result = new EndToEnd(rawOne, one, rawTwo, two);
            endToEnd.Add(result);
            Console.Error.WriteLine(FormattableString.Invariant(
                $"round {round} e2e: one folder {one.Elapsed:F1} s vs raw {rawOne} ({result.OneVsRaw:F2}× raw); two folders {two.Elapsed:F1} s vs raw {rawTwo} ({result.TwoVsRaw:F2}× raw), per document {result.TwoVsOne:F2}× one folder; {one.Checks} / {two.Checks}"));
        }
    }
}
catch (Exception e)
{
    Console.Error.WriteLine($"The benchmark failed: {e}");
    return 1;
}
finally
{
    Children.KillAll();
}

var sample = Names(200, 100, "size").Select(n => System.Text.Encoding.UTF8.GetByteCount(Articles.Article(n))).ToList();
Console.WriteLine(FormattableString.Invariant($"Articles: {sample.Average():F0} bytes on average ({sample.Min()}–{sample.Max()})."));
Report.Print(counted, endToEnd, rounds, Environment.ProcessorCount);
return 0;

// Distinct article names, folders of a given size: in/{folder}/{n}.txt.
static List<string> Names(int count, int perFolder, string tag) =>
    [.. Enumerable.Range(0, count).Select(i => $"{tag}/{i / Math.Max(1, perFolder):D2}/{i:D5}.txt")];

/// <summary>Seconds of raw storage work for a run's files, measured just before and just after the run.</summary>
/// <param name="Cpu">Processor time of Azurite and the bench, mean of before and after.</param>
internal sealed record Raw(double Before, double After, CpuUse Cpu)
{
    public double Mean => (Before + After) / 2;

    public override string ToString() => FormattableString.Invariant($"{Mean:F1} s ({Before:F1} before, {After:F1} after)");
}

/// <summary>One round of the end-to-end scenario: one folder and two, each against raw work on its own Azurite.</summary>
internal sealed record EndToEnd(Raw RawOne, RunResult One, Raw RawTwo, RunResult Two)
{
    /// <summary>The worker's speed as a fraction of raw storage work's (1 = as fast as raw).</summary>
    public double OneVsRaw => RawOne.Mean / One.Elapsed;

    public double TwoVsRaw => RawTwo.Mean / Two.Elapsed;

    /// <summary>Time per document with two folders over time per document with one (≤ 1: no slower).</summary>
    public double TwoVsOne => Two.Elapsed / Two.Files / (One.Elapsed / One.Files);
}

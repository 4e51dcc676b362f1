using CsCheck;
using Xunit.Abstractions;

namespace IngestWorker.Text.Tests.Fuzz;

/// <summary>
/// How long the fuzz properties run. CI runs each for a short default so the whole set costs about
/// fifteen seconds; <c>INGESTWORKER_FUZZ_SECONDS</c> runs each property that many seconds instead
/// (a long local session), and <c>INGESTWORKER_FUZZ_SEED</c> replays the seed a failure printed.
/// </summary>
internal static class FuzzSettings
{
    private const int DefaultSecondsPerProperty = 2;

    /// <summary>
    /// A case that runs longer than this is reported as a hang. It is a watchdog, not a speed check:
    /// generated inputs stay under ~64 KB and take milliseconds, so only a runaway loop or a
    /// pathological (exponential) path reaches it, even on a loaded machine.
    /// </summary>
    public static TimeSpan HangAfter { get; } = TimeSpan.FromSeconds(
        double.TryParse(Environment.GetEnvironmentVariable("INGESTWORKER_FUZZ_HANG_SECONDS"), System.Globalization.CultureInfo.InvariantCulture, out var hang) && hang > 0 ? hang : 30);

    public static int SecondsPerProperty { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("INGESTWORKER_FUZZ_SECONDS"), out var seconds) && seconds > 0
            ? seconds
            : DefaultSecondsPerProperty;

    private const int WarmUpCases = 20;

    public static string? Seed { get; } = Environment.GetEnvironmentVariable("INGESTWORKER_FUZZ_SEED") is { Length: > 0 } seed ? seed : null;

    /// <summary>
    /// Runs <paramref name="property"/> on inputs from <paramref name="gen"/> for the configured time,
    /// each case under the hang watchdog. CsCheck shrinks a failure and throws with the smallest
    /// input it found and the seed to replay it. Writes how many cases ran and the slowest one to
    /// <paramref name="output"/> (shown with <c>--logger "console;verbosity=detailed"</c>): a report
    /// for whoever looks for slow inputs, never an assertion.
    /// </summary>
    /// <param name="weight">Multiplies the time: the whole-pipeline property gets more than each part.</param>
    public static void Run<T>(Gen<T> gen, Action<T> property, Func<T, string> print, ITestOutputHelper output, int weight = 1)
    {
        var slowest = (Elapsed: TimeSpan.Zero, Input: default(T));
        var cases = 0;
        var gate = new object();
        gen.Sample(
            input =>
            {
                var elapsed = WithWatchdog(() => property(input), () => print(input));
                lock (gate)
                {
                    // The first cases pay for JIT compilation and static tables: not the input's doing.
                    if (++cases > WarmUpCases && elapsed > slowest.Elapsed)
                        slowest = (elapsed, input);
                }
            },
            writeLine: output.WriteLine,
            seed: Seed,
            time: SecondsPerProperty * weight,
            // Half the cores: the rest of the test run goes on beside the fuzzing.
            threads: Math.Max(1, Environment.ProcessorCount / 2),
            print: print);
        if (slowest.Input is { } input)
        {
            var shown = print(input);
            output.WriteLine($"Slowest case: {slowest.Elapsed.TotalMilliseconds:0} ms: {(shown.Length > 2000 ? shown[..2000] + "…" : shown)}");
        }
    }

    private static TimeSpan WithWatchdog(Action action, Func<string> describe)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var run = Task.Factory.StartNew(action, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (!((IAsyncResult)run).AsyncWaitHandle.WaitOne(HangAfter))
            throw new TimeoutException($"Hang: the case ran longer than {HangAfter.TotalSeconds:0} s (INGESTWORKER_FUZZ_HANG_SECONDS): {describe()}");
        run.GetAwaiter().GetResult();
        return System.Diagnostics.Stopwatch.GetElapsedTime(started);
    }
}

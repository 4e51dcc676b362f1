using System.Globalization;

/// <summary>The tables the bench prints to stdout (Markdown, ready for docs/benchmarks.md).</summary>
internal static class Report
{
    public static void Print(List<RunResult> counted, List<EndToEnd> endToEnd, int rounds, int cores)
    {
        Console.WriteLine(FormattableString.Invariant($"Median of {rounds} round(s); {cores} cores; load average at the end {LoadAverage()}."));
        if (counted.Count > 0)
            PrintCalls(counted);
        if (endToEnd.Count > 0)
            PrintEndToEnd(endToEnd);
    }

    private static void PrintCalls(List<RunResult> counted)
    {
        var scenarios = counted.Select(r => r.Plan.Label).Distinct().ToList();
        Console.WriteLine();
        Console.WriteLine("| scenario | calls / doc (rounds) | start-up calls | drop → last outcome | latency p50 / p99 / max | outcomes |");
        Console.WriteLine("|---|---:|---:|---:|---:|---|");
        foreach (var label in scenarios)
        {
            var runs = counted.Where(r => r.Plan.Label == label).ToList();
            var perRound = string.Join(" / ", runs.Select(r => F(r.CallsPerDocument, "F2")));
            Console.WriteLine($"| {label} | **{F(Med(runs, r => r.CallsPerDocument), "F2")}** ({perRound}) | {F(Med(runs, r => r.StartupCalls), "F0")} | " +
                $"{F(Med(runs, r => r.Elapsed), "F1")} s | {F(Med(runs, r => Stats.Percentile(r.Latencies, 0.5)), "N0")} / {F(Med(runs, r => Stats.Percentile(r.Latencies, 0.99)), "N0")} / {F(Med(runs, r => r.Latencies[^1]), "N0")} ms | {runs[^1].Checks} |");
        }

        // Per area, operation and status: calls per document, median over rounds.
        Console.WriteLine();
        Console.WriteLine($"| area | operation | status | {string.Join(" | ", scenarios)} |");
        Console.WriteLine($"|---|---|---:|{string.Concat(scenarios.Select(_ => "---:|"))}");
        var kinds = counted.SelectMany(r => r.Calls.Keys).Distinct()
            .OrderBy(k => k.Area, StringComparer.Ordinal).ThenBy(k => k.Operation, StringComparer.Ordinal).ThenBy(k => k.Status).ToList();
        foreach (var kind in kinds)
        {
            var cells = scenarios.Select(label => PerDocument(counted, label, c => c == kind));
            Console.WriteLine($"| {kind.Area} | {kind.Operation} | {kind.Status} | {string.Join(" | ", cells)} |");
        }
        // The same by area alone, the shape issue 17 is about.
        Console.WriteLine();
        Console.WriteLine($"| area | {string.Join(" | ", scenarios)} |");
        Console.WriteLine($"|---|{string.Concat(scenarios.Select(_ => "---:|"))}");
        foreach (var area in kinds.Select(k => k.Area).Distinct())
            Console.WriteLine($"| {area} | {string.Join(" | ", scenarios.Select(label => PerDocument(counted, label, c => c.Area == area)))} |");
        Console.WriteLine($"| **total** | {string.Join(" | ", scenarios.Select(label => "**" + PerDocument(counted, label, _ => true) + "**"))} |");
    }

    private static void PrintEndToEnd(List<EndToEnd> all)
    {
        var files = all[0].One.Files;
        Console.WriteLine();
        Console.WriteLine($"| end to end, {files} distinct ~3 KB articles, scan mode, default configuration | median | rounds |");
        Console.WriteLine("|---|---:|---|");
        void Row(string what, Func<EndToEnd, double> pick, string format, string unit = "")
        {
            Console.WriteLine($"| {what} | **{F(Stats.Median([.. all.Select(pick)]), format)}{unit}** | {string.Join(" / ", all.Select(e => F(pick(e), format)))} |");
        }
        Row("raw storage work (upload + download + upload of an output, 8 at a time), mean of before and after, s", e => e.RawOne.Mean, "F1");
        Row("… of which before the worker's run, s", e => e.RawOne.Before, "F1");
        Row("… of which after it (same Azurite, holding the run's blobs), s", e => e.RawOne.After, "F1");
        Row("worker, one folder: first upload → last outcome, s", e => e.One.Elapsed, "F1");
        Row("worker / raw (raw s ÷ worker s)", e => e.OneVsRaw, "F2", "×");
        Row("… the worker's run: uploads done after, s", e => e.One.Dropped, "F1");
        Row("… processor time during the worker's run, Azurite, core-s", e => e.One.Cpu.Azurite, "F2");
        Row("… processor time during the worker's run, worker, core-s", e => e.One.Cpu.Worker, "F2");
        Row("… processor time during the worker's run, bench (uploads, reading the log), core-s", e => e.One.Cpu.Bench, "F2");
        Row($"… cores busy during the worker's run (of {Environment.ProcessorCount})", e => e.One.Cpu.Total / e.One.Elapsed, "F2");
        Row("… processor time during raw work, Azurite, core-s", e => e.RawOne.Cpu.Azurite, "F2");
        Row("… processor time during raw work, bench, core-s", e => e.RawOne.Cpu.Bench, "F2");
        Row($"… cores busy during raw work (of {Environment.ProcessorCount})", e => e.RawOne.Cpu.Total / e.RawOne.Mean, "F2");
        Row("worker, one folder, files/s", e => e.One.Files / e.One.Elapsed, "F1");
        Row("raw storage work for the two-folder run, mean of before and after, s", e => e.RawTwo.Mean, "F1");
        Row("worker, two folders of half each: first upload → last outcome, s", e => e.Two.Elapsed, "F1");
        Row("worker / raw, two folders", e => e.TwoVsRaw, "F2", "×");
        Row("per-document time, two folders ÷ one folder", e => e.TwoVsOne, "F2", "×");
        Console.WriteLine($"| outcomes (last round) | {all[^1].One.Checks} / {all[^1].Two.Checks} | |");
    }

    private static string PerDocument(List<RunResult> counted, string label, Func<CallKind, bool> which)
    {
        var runs = counted.Where(r => r.Plan.Label == label).ToList();
        var value = Med(runs, r => r.Calls.Where(c => which(c.Key)).Sum(c => c.Value) / (double)r.Files);
        // Rare calls (a lease renewal in a thousand documents) would round to 0.00.
        return value == 0 ? "–" : F(value, value < 0.01 ? "F3" : "F2");
    }

    private static double Med(List<RunResult> runs, Func<RunResult, double> pick) => Stats.Median([.. runs.Select(pick)]);

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string LoadAverage()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}

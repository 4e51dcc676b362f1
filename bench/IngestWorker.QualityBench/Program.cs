// Quality-signal throughput: QualitySignals.Compute, QualityDecision.Decide and both together on
// cleaned article text, single-threaded, with a plain string.Split word count measured in the same
// rounds as the reference (so ratios stay meaningful on a noisy machine). See README.md.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using IngestWorker.Text.Extraction;
using IngestWorker.Text.Quality;

var rounds = IntOption("--rounds") ?? 201;
// A round takes only milliseconds: with few warm-up rounds much of the measurement would run before
// tiered compilation has produced optimised code (it waits ~100 ms after the last tier-0 activity).
var warmup = IntOption("--warmup") ?? 100;
var root = FindRoot();
var seeds = Option("--seeds") ?? Path.Combine(root, "seeds");
var gt = Option("--gt") ?? Path.Combine(Environment.GetEnvironmentVariable("INGESTWORKER_SHARED_DIR") is { Length: > 0 } shared ? shared : Path.Combine(root, "..", "shared"), "bench", "aeb-dev", "gt");

// Inputs: the seeds as the pipeline sees them (cleaned), and the dev split's ground-truth articles.
var extractor = new ArticleExtractor();
var docs = new List<string>();
foreach (var file in Directory.GetFiles(seeds, "*.txt").Order(StringComparer.Ordinal))
    docs.Add(extractor.FromPlainText(File.ReadAllText(file)).Text);
var seedCount = docs.Count;
if (Directory.Exists(gt))
{
    foreach (var file in Directory.GetFiles(gt, "*.txt").Order(StringComparer.Ordinal))
        docs.Add(File.ReadAllText(file));
}
if (docs.Count == 0)
{
    Console.Error.WriteLine($"No input: no seeds in {seeds}.");
    return 2;
}
var bytes = docs.Sum(d => (long)Encoding.UTF8.GetByteCount(d));
var options = new QualityOptions();
options.Validate();
var signals = docs.Select(d => (IReadOnlyDictionary<string, double>)QualitySignals.Compute(d, "en")).ToArray();

var sink = 0.0;
double Reference()
{
    var words = 0L;
    foreach (var d in docs)
        words += d.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
    return words;
}
double Compute()
{
    var s = 0.0;
    foreach (var d in docs)
        s += QualitySignals.Compute(d, "en").Count;
    return s;
}
double Decide()
{
    var s = 0.0;
    foreach (var x in signals)
        s += QualityDecision.Decide(x, options).Score;
    return s;
}
double Together()
{
    var s = 0.0;
    foreach (var d in docs)
        s += QualityDecision.Decide(QualitySignals.Compute(d, "en"), options).Score;
    return s;
}

var cases = new (string Name, Func<double> Run)[] { ("reference: string.Split word count", Reference), ("QualitySignals.Compute", Compute), ("QualityDecision.Decide", Decide), ("Compute + Decide", Together) };
var times = cases.Select(_ => new List<double>()).ToArray();
for (var r = 0; r < warmup + rounds; r++)
{
    for (var c = 0; c < cases.Length; c++)
    {
        var sw = Stopwatch.StartNew();
        sink += cases[c].Run();
        sw.Stop();
        if (r >= warmup)
            times[c].Add(sw.Elapsed.TotalSeconds);
    }
}

static double Median(List<double> xs)
{
    var s = xs.Order().ToList();
    return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
}

var inv = CultureInfo.InvariantCulture;
Console.WriteLine("# Quality signals: throughput");
Console.WriteLine();
Console.WriteLine($"- machine: {Environment.ProcessorCount} cores, {RuntimeInformation.ProcessArchitecture}, {RuntimeInformation.OSDescription}; .NET {Environment.Version}; one thread");
Console.WriteLine($"- input: {docs.Count} cleaned texts ({seedCount} seeds, {docs.Count - seedCount} dev-split articles), {bytes / 1024.0:F0} KB UTF-8, mean {bytes / 1024.0 / docs.Count:F1} KB");
Console.WriteLine($"- rounds: {warmup} warm-up + {rounds} measured, each case once per round over all texts; medians");
Console.WriteLine();
Console.WriteLine("| case | median ms / round | MB/s | µs / document | vs reference |");
Console.WriteLine("|---|---:|---:|---:|---:|");
var reference = Median(times[0]);
for (var c = 0; c < cases.Length; c++)
{
    var m = Median(times[c]);
    Console.WriteLine(string.Create(inv, $"| {cases[c].Name} | {m * 1000:F2} | {bytes / m / 1e6:F1} | {m * 1e6 / docs.Count:F1} | {reference / m:F2}× |"));
}
Console.WriteLine();
Console.WriteLine(string.Create(inv, $"(checksum {sink:G6})"));
return 0;

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

int? IntOption(string name) => Option(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : null;

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "IngestWorker.sln")))
            return dir.FullName;
    }
    return Directory.GetCurrentDirectory();
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using IngestWorker.ExtractionBench;
using IngestWorker.Text.Extraction;

// dotnet run -c Release --project bench/IngestWorker.ExtractionBench -- [--set aeb|wcxb] [--data DIR] [--mode html|pagetext|both]
//     [--pages] [--only ID-PREFIX] [--throughput [--rounds N]] [--dump DIR] [--raw] [--score-dir DIR]
//
// Quality: every page of the split through the worker's stages (WorkerStages: the worker's chain, in
// its order, the page dropped as domain/id.html or domain/id.txt), scored with the benchmark's own rule.
// --pages lists per-page scores (worst first); --dump writes our output per page for inspection;
// --raw scores the reader alone (HTML extractor or line split), without the plain-text cleaning;
// --score-dir scores another extractor's outputs (<id>.txt) instead of ours.
// Throughput: the whole split processed repeatedly on one thread; median MB/s of input, next to a
// reference measured in the same rounds.
// --deep [--depths 10000,50000,100000] [--rounds N] [--unlimited MAX-DEPTH]: the HTML reader on
// hostile nesting (see DeepNesting.cs); needs no data.

if (args.Contains("--deep"))
    return DeepNesting.Run(args);

var set = Option("--set") ?? "aeb";
if (set is not ("aeb" or "wcxb"))
{
    Console.Error.WriteLine("--set takes aeb (news articles, ../shared/bench/aeb-dev) or wcxb (seven page types, ../shared/bench/wcxb-dev).");
    return 2;
}
var data = Option("--data") ?? Path.Combine(FindRoot(), "..", "shared", "bench", set + "-dev");
var mode = Option("--mode") ?? "both";
var only = Option("--only");
var dump = Option("--dump");
var scoreDir = Option("--score-dir");
if (!Directory.Exists(data))
{
    Console.Error.WriteLine($"The benchmark data is not at {Path.GetFullPath(data)} (it lives in ../shared, outside the repository); pass --data DIR.");
    return 2;
}

if (set == "wcxb")
    return WcxbRun.Run(data, FindRoot(), Option("--only"), Option("--dump"), args.Contains("--pages"));

var ids = File.ReadAllLines(Path.Combine(data, "manifest.tsv")).Skip(1)
    .Select(line => line.Split('\t'))
    .Where(f => only is null || f[0].StartsWith(only, StringComparison.Ordinal))
    .Select(f => (Id: f[0], Url: f[1]))
    .ToList();
var stages = new WorkerStages(WorkerStages.LanguageModelUnder(FindRoot()));
CleanedPage Through(string path, string id, string url, string input) => stages.DropArticlePage(path, id, url, input);

foreach (var path in Modes())
{
    var scores = new List<ShingleScore.PageScore>();
    foreach (var (id, url) in ids)
    {
        var input = File.ReadAllText(Path.Combine(data, path, id + (path == "html" ? ".html" : ".txt")));
        var truth = File.ReadAllText(Path.Combine(data, "gt", id + ".txt"));
        var result = scoreDir is not null ? Precomputed(scoreDir, id)
            : args.Contains("--raw") ? Raw(path, input, url)
            : Through(path, id, url, input);
        scores.Add(ShingleScore.Score(id, truth, result.Text));
        if (dump is not null)
        {
            Directory.CreateDirectory(Path.Combine(dump, path));
            var report = new StringBuilder();
            report.AppendLine($"# title: {result.Title}").AppendLine(result.Text).AppendLine().AppendLine("# removed:");
            foreach (var removed in result.Removed)
                report.AppendLine($"[{removed.Reason}] {removed.Text}");
            File.WriteAllText(Path.Combine(dump, path, id + ".txt"), report.ToString());
        }
    }
    var summary = ShingleScore.Summarise(scores);
    Console.WriteLine($"{path,-9} pages {summary.Pages}  precision {summary.Precision:F3}  recall {summary.Recall:F3}  F1 {summary.F1:F3}");
    if (args.Contains("--pages"))
    {
        foreach (var s in scores.OrderBy(s => s.F1))
            Console.WriteLine($"  {s.Id[..12]}  P {s.Precision ?? 0:F3}  R {s.Recall ?? 0:F3}  F1 {s.F1:F3}  (tp {s.Tp}, fp {s.Fp}, fn {s.Fn})");
    }
    if (args.Contains("--throughput"))
        Throughput(path);
}
return 0;

void Throughput(string path)
{
    // One thread, the whole split per round; the first rounds warm up the JIT. A reference runs in
    // the same rounds — parsing alone for HTML, normalising alone for text — so that the ratio is
    // what to compare between machines and runs.
    var inputs = ids.Select(p => (p.Id, p.Url, Text: File.ReadAllText(Path.Combine(data, path, p.Id + (path == "html" ? ".html" : ".txt"))))).ToList();
    var bytes = inputs.Sum(i => (long)Encoding.UTF8.GetByteCount(i.Text));
    var rounds = int.Parse(Option("--rounds") ?? "15", CultureInfo.InvariantCulture);
    var parser = new AngleSharp.Html.Parser.HtmlParser(new AngleSharp.Html.Parser.HtmlParserOptions { IsScripting = false });
    var ours = new List<double>();
    var reference = new List<double>();
    var stageTotals = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
    for (var round = 0; round < rounds + 3; round++)
    {
        stages.StageTotals = round >= 3 ? stageTotals : null;
        var clock = Stopwatch.StartNew();
        foreach (var (id, url, text) in inputs)
            _ = Through(path, $"{round}-{id}", url, text);
        var ourSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        foreach (var (_, _, text) in inputs)
        {
            if (path == "html")
                parser.ParseDocument(text).Dispose();
            else
                _ = IngestWorker.Text.Normalization.TextNormalizer.Normalize(text);
        }
        var referenceSeconds = clock.Elapsed.TotalSeconds;
        if (round >= 3)
        {
            ours.Add(bytes / 1e6 / ourSeconds);
            reference.Add(bytes / 1e6 / referenceSeconds);
        }
    }
    ours.Sort();
    reference.Sort();
    var what = path == "html" ? "AngleSharp parse alone" : "normalisation alone";
    Console.WriteLine($"{path,-9} throughput, one thread, {bytes / 1e6:F1} MB x {rounds} rounds: median {ours[ours.Count / 2]:F1} MB/s " +
        $"(min {ours[0]:F1}, max {ours[^1]:F1}); {what} {reference[reference.Count / 2]:F1} MB/s, ratio {ours[ours.Count / 2] / reference[reference.Count / 2]:F2}");
    stages.StageTotals = null;
    var all = stageTotals.Values.Sum(t => t.TotalSeconds);
    Console.WriteLine($"{"",-9} share of stage time: " + string.Join(", ",
        stageTotals.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {100 * p.Value.TotalSeconds / all:F0}%")));
}

// Another extractor's output (e.g. bench/reference/readability_extract.py), scored by the same rule.
static CleanedPage Precomputed(string directory, string id)
{
    var file = Path.Combine(directory, id + ".txt");
    var text = File.Exists(file) ? File.ReadAllText(file) : "";
    return new CleanedPage(text, null, PageMetadata.None, [text], []);
}

static CleanedPage Raw(string path, string input, string url)
{
    var page = path == "html"
        ? new IngestWorker.Text.Html.HtmlArticleExtractor().Extract(input, url)
        : IngestWorker.Text.Readers.PlainTextReader.Read(IngestWorker.Text.Normalization.TextNormalizer.Normalize(input));
    var kept = page.Blocks.Where(b => b.RemovedBy is null).Select(b => b.Text).ToList();
    var removed = page.Blocks.Where(b => b.RemovedBy is not null).Select(b => new RemovedBlock(b.Text, b.RemovedBy!)).ToList();
    return new CleanedPage(string.Join("\n", kept), page.Metadata.Title, page.Metadata, kept, removed);
}

IEnumerable<string> Modes() => mode == "both" ? ["html", "pagetext"] : [mode];

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "IngestWorker.sln")))
            return dir.FullName;
    }
    throw new DirectoryNotFoundException("IngestWorker.sln not found");
}

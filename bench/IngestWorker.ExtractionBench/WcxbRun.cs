using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IngestWorker.ExtractionBench;

/// <summary>
/// The WCXB dev split (../shared/bench/wcxb-dev): every page dropped through the worker's stages as
/// a user would drop it (<c>domain/id.html.gz</c>, gzipped as saved), scored by the benchmark's rule
/// per page type, overall and on the even and odd halves of the ids, with the metadata's exact
/// matches and the pages that came out empty although the truth has content.
/// </summary>
public static class WcxbRun
{
    private static readonly string[] PageTypes = ["article", "forum", "product", "collection", "listing", "documentation", "service"];

    public sealed record Page(string Id, string Type, string Domain, JsonObject Truth)
    {
        public bool Even => int.Parse(Id, CultureInfo.InvariantCulture) % 2 == 0;
    }

    /// <param name="Empty">No word came out although the truth has some.</param>
    /// <param name="Reason">The stage and code that rejected the page, or <c>accepted</c>.</param>
    /// <param name="Title">Whether the title matched exactly; null when the truth has none (and likewise the others).</param>
    /// <param name="PageType">The page type the worker's stages gave the page (null: none).</param>
    public sealed record Scored(Page Page, WordBagScore.PageScore Score, bool Empty, string Reason, bool? Title, bool? Date, bool? Author, string? PageType);

    public sealed record Report(List<Scored> Pages, long Bytes, TimeSpan PipelineTime)
    {
        public double F1 => Mean(Pages, p => p.Score.F1);

        public double F1Of(string type) => Mean([.. Pages.Where(p => p.Page.Type == type)], p => p.Score.F1);

        /// <summary>The share of exact matches among the pages whose truth has the field <paramref name="pick"/> reads.</summary>
        public double Share(Func<Scored, bool?> pick) => Matches(Pages, pick).Share;
    }

    public static int Run(string data, string root, string? only, string? dump, bool listPages)
    {
        var model = WorkerStages.LanguageModelUnder(root);
        if (model is null)
            Console.Error.WriteLine("lid.176.ftz is not installed (run `npm ci`): the language stage is left out.");
        var report = Evaluate(data, new WorkerStages(model), only, dump);
        Print(report, listPages);
        return 0;
    }

    /// <summary>Every page (or those whose id starts with <paramref name="only"/>) through <paramref name="stages"/>, scored.</summary>
    /// <param name="dump">Writes each page's <c>id.txt</c> and <c>id.meta.json</c> here, as score.py reads them.</param>
    public static Report Evaluate(string data, WorkerStages stages, string? only = null, string? dump = null)
    {
        var pages = File.ReadAllLines(Path.Combine(data, "manifest.tsv")).Skip(1)
            .Select(line => line.Split('\t'))
            .Where(f => only is null || f[0].StartsWith(only, StringComparison.Ordinal))
            .Select(f => new Page(f[0], f[1] == "category" ? "collection" : f[1], f[2],
                JsonNode.Parse(File.ReadAllText(Path.Combine(data, "gt", f[0] + ".json")))!.AsObject()))
            .ToList();
        if (dump is not null)
            Directory.CreateDirectory(dump);

        var scored = new List<Scored>();
        long bytes = 0;
        var pipelineTime = TimeSpan.Zero;
        foreach (var page in pages)
        {
            var content = File.ReadAllBytes(Path.Combine(data, "html", page.Id + ".html.gz"));
            bytes += DecompressedLength(content);
            var started = Stopwatch.GetTimestamp();
            var (text, metadata, result) = stages.Extract($"{page.Domain}/{page.Id}.html.gz", content);
            pipelineTime += Stopwatch.GetElapsedTime(started);
            var truth = page.Truth["ground_truth"]?.AsObject();
            var truthText = truth?["main_content"]?.GetValue<string>() ?? "";
            var score = WordBagScore.Score(text, truthText);
            var empty = WordBagScore.Tokens(text).Count == 0 && WordBagScore.Tokens(truthText).Count > 0;
            bool? Same(string field, string? predicted, Func<string?, string, bool> equal) =>
                truth?[field]?.GetValue<string>() is { Length: > 0 } expected ? equal(predicted, expected) : null;
            scored.Add(new Scored(page, score, empty, result.Rejection is { } rejection ? $"{rejection.Stage}:{rejection.Code}" : "accepted",
                Same("title", metadata.Title, (p, t) => !string.IsNullOrEmpty(p) && WordBagScore.Normalise(p) == WordBagScore.Normalise(t)),
                Same("publish_date", metadata.Published, WordBagScore.SameDate),
                Same("author", metadata.Author, (p, t) => !string.IsNullOrEmpty(p) && WordBagScore.Normalise(p) == WordBagScore.Normalise(t)),
                result.Document.Page?.Type?.Type));
            if (dump is not null)
            {
                File.WriteAllText(Path.Combine(dump, page.Id + ".txt"), text);
                // Not read by score.py: what went, and why, for a person looking into a page.
                File.WriteAllLines(Path.Combine(dump, page.Id + ".removed.txt"),
                    (result.Document.Cleaning?.Removed ?? []).Select(r => $"[{r.Reason}] {r.Text}"));
                File.WriteAllText(Path.Combine(dump, page.Id + ".meta.json"), JsonSerializer.Serialize(new Dictionary<string, string?>
                {
                    ["title"] = metadata.Title, ["date"] = metadata.Published, ["author"] = metadata.Author,
                    ["pageType"] = result.Document.Page?.Type?.Type, // not read by score.py either
                    ["flags"] = string.Join(",", result.Document.Flags),
                    ["evidence"] = result.Document.Page?.TypeEvidence is { } evidence ? JsonSerializer.Serialize(evidence) : null,
                }));
            }
        }
        return new Report(scored, bytes, pipelineTime);
    }

    private static void Print(Report report, bool listPages)
    {
        var scored = report.Pages;
        var (bytes, seconds) = (report.Bytes, report.PipelineTime.TotalSeconds);

        Console.WriteLine($"| wcxb-dev through the worker's stages | all | even ids | odd ids |");
        Console.WriteLine("|---|---:|---:|---:|");
        void Row(string what, Func<List<Scored>, string> value) =>
            Console.WriteLine($"| {what} | {value(scored)} | {value([.. scored.Where(s => s.Page.Even)])} | {value([.. scored.Where(s => !s.Page.Even)])} |");
        Row("pages", s => s.Count.ToString(CultureInfo.InvariantCulture));
        Row("**F1** (mean of per-page F1)", s => $"**{Mean(s, x => x.Score.F1):F3}**");
        Row("precision", s => Mean(s, x => x.Score.Precision).ToString("F3", CultureInfo.InvariantCulture));
        Row("recall", s => Mean(s, x => x.Score.Recall).ToString("F3", CultureInfo.InvariantCulture));
        foreach (var type in PageTypes)
            Row($"F1 {type}", s => s.Any(x => x.Page.Type == type) ? $"{Mean([.. s.Where(x => x.Page.Type == type)], x => x.Score.F1):F3} ({s.Count(x => x.Page.Type == type)})" : "–");
        Row("empty output, truth has content", s => s.Count(x => x.Empty).ToString(CultureInfo.InvariantCulture));
        Row("title exact", s => Share(s, x => x.Title));
        Row("date exact (first 10 characters)", s => Share(s, x => x.Date));
        Row("author exact", s => Share(s, x => x.Author));
        Row("pageType agrees with the label", s => Share(s, x => x.PageType == x.Page.Type));
        Console.WriteLine($"\n{scored.Count} pages, {bytes / 1e6:F1} MB of HTML (uncompressed) in {seconds:F1} s on one thread ({bytes / 1e6 / seconds:F2} MB/s, one pass, JIT included).");
        foreach (var (reason, count) in scored.Where(s => s.Reason != "accepted").GroupBy(s => s.Reason).Select(g => (g.Key, g.Count())).OrderByDescending(g => g.Item2))
            Console.WriteLine($"  rejected {reason}: {count}");
        Console.WriteLine($"\npageType (rows: label; columns: ours): {string.Join(" ", PageTypes.Select(t => t[..4]))}");
        foreach (var label in PageTypes)
            Console.WriteLine($"  {label,-13} {string.Join(" ", PageTypes.Select(t => scored.Count(s => s.Page.Type == label && s.PageType == t).ToString(CultureInfo.InvariantCulture).PadLeft(4)))}");
        if (listPages)
        {
            foreach (var s in scored.OrderBy(s => s.Score.F1).Take(80))
                Console.WriteLine($"  {s.Page.Id} {s.Page.Type,-13} ours {s.PageType ?? "-",-13} F1 {s.Score.F1:F3}  P {s.Score.Precision:F3}  R {s.Score.Recall:F3}  {s.Reason}  {s.Page.Domain}");
        }
    }

    private static long DecompressedLength(byte[] gzipped)
    {
        using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(gzipped), System.IO.Compression.CompressionMode.Decompress);
        long length = 0;
        var buffer = new byte[81920];
        int read;
        while ((read = gzip.Read(buffer)) > 0)
            length += read;
        return length;
    }

    private static double Mean(List<Scored> scored, Func<Scored, double> pick) => scored.Count == 0 ? 0 : scored.Average(pick);

    private static string Share(List<Scored> scored, Func<Scored, bool?> pick)
    {
        var (share, matched, known) = Matches(scored, pick);
        return known == 0 ? "–" : FormattableString.Invariant($"{share:F3} ({matched}/{known})");
    }

    /// <summary>Among the pages where <paramref name="pick"/> is not null (the truth has the field): how many matched, and their share.</summary>
    public static (double Share, int Matched, int Known) Matches(IEnumerable<Scored> pages, Func<Scored, bool?> pick)
    {
        var known = pages.Select(pick).Where(v => v is not null).ToList();
        var matched = known.Count(v => v == true);
        return (known.Count == 0 ? 0 : matched / (double)known.Count, matched, known.Count);
    }
}

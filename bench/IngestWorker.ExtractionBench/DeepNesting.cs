using System.Diagnostics;
using System.Globalization;
using System.Text;
using AngleSharp.Html.Parser;
using IngestWorker.Text.Html;

namespace IngestWorker.ExtractionBench;

/// <summary>
/// --deep: the HTML reader on hostile nesting (issue 16). For each shape and depth, the median time
/// of the extractor (nesting limit included) against a flat page of the same size in the same
/// rounds; with --unlimited also AngleSharp's parse of the unlimited markup (the cost before the
/// limit; minutes at 100,000).
/// </summary>
internal static class DeepNesting
{
    private static readonly (string Name, string Open, string Close)[] Shapes =
    [
        ("div", "<div>", "</div>"),
        ("span", "<span>", "</span>"),
        ("ul/li", "<ul><li>", "</li></ul>"),
        ("table", "<table><tr><td>", "</td></tr></table>"),
        ("b/i", "<b><i>", "</i></b>"),
        ("unclosed font", "<font size=2>", ""),
        ("unclosed b class=N + p", "<b class=c{0}><p>", ""),
        ("a + div (adoption agency)", "<a href=x><div>", ""),
    ];

    public static int Run(string[] args)
    {
        var depths = (Option(args, "--depths") ?? "10000,50000,100000").Split(',').Select(d => int.Parse(d, CultureInfo.InvariantCulture)).ToArray();
        var rounds = int.Parse(Option(args, "--rounds") ?? "5", CultureInfo.InvariantCulture);
        var unlimitedUpTo = int.Parse(Option(args, "--unlimited") ?? "0", CultureInfo.InvariantCulture);
        var extractor = new HtmlArticleExtractor();
        extractor.Extract(Page("<div>", "</div>", 1000)); // JIT warm-up
        Console.WriteLine($"rounds {rounds}; times are medians in ms; flat = the same number of sibling elements, same run");
        Console.WriteLine("| shape | elements | bytes | extract (limited) | flat page | ratio | AngleSharp parse, unlimited |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var (name, open, close) in Shapes)
        {
            foreach (var depth in depths)
            {
                var deep = Page(open, close, depth);
                var flat = Page(open.Replace("{0}", "x", StringComparison.Ordinal) + "w" + (close.Length > 0 ? close : Close(open)), "", depth, siblings: true);
                var ours = new List<double>();
                var reference = new List<double>();
                for (var round = 0; round < rounds; round++)
                {
                    ours.Add(Time(() => extractor.Extract(deep)));
                    reference.Add(Time(() => extractor.Extract(flat)));
                }
                var unlimited = depth <= unlimitedUpTo
                    ? Time(() => new HtmlParser(new HtmlParserOptions { IsScripting = false }).ParseDocument(deep).Dispose()).ToString("N0", CultureInfo.InvariantCulture)
                    : "—";
                var o = Median(ours);
                var r = Median(reference);
                Console.WriteLine($"| {name} | {depth:N0} | {deep.Length:N0} | {o:N0} | {r:N0} | {o / r:F2} | {unlimited} |");
            }
        }
        return 0;
    }

    private static string Close(string open) =>
        string.Concat(open.Split('<', StringSplitOptions.RemoveEmptyEntries).Reverse().Select(t => "</" + t.Split(' ', '>')[0] + ">"));

    private static string Page(string open, string close, int count, bool siblings = false)
    {
        var html = new StringBuilder("<!doctype html><html><body>");
        for (var i = 0; i < count; i++)
        {
            html.Append(string.Format(CultureInfo.InvariantCulture, open, i));
            if (!siblings && i % 100 == 0)
                html.Append("word ");
        }
        html.Append("The end of a very deep page.");
        if (!siblings)
        {
            for (var i = 0; i < count; i++)
                html.Append(close);
        }
        return html.Append("</body></html>").ToString();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}

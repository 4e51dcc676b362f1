using IngestWorker.ExtractionBench;

namespace IngestWorker.Text.Tests.Extraction;

/// <summary>
/// Guards the extraction quality on the benchmarks' dev splits (../shared/bench) with each
/// benchmark's own scoring, through the stages the worker runs, in its order (<see cref="WorkerStages"/>):
/// a change that drops below the floors fails here, not in production. Figures and their history
/// are in docs/benchmarks.md.
/// </summary>
public sealed class DevSplitTests
{
    private const string Articles = "bench/aeb-dev";
    private const string EveryPageType = "bench/wcxb-dev";

    private static readonly Lazy<WorkerStages> Stages = new(() => new WorkerStages(WorkerStages.LanguageModelUnder(TestData.RepositoryRoot)));

    [SharedDataFact(Articles)]
    public void Html_extraction_stays_above_the_target() =>
        Assert.InRange(Score("html", page => Through("html", page)), 0.99, 1.0);

    [SharedDataFact(Articles)]
    public void Plain_text_cleaning_stays_above_the_target() =>
        Assert.InRange(Score("pagetext", page => Through("pagetext", page)), 0.97, 1.0);

    [SharedDataFact(Articles)]
    public void The_scoring_rule_gives_the_published_whole_page_baseline()
    {
        // The whole visible page scores 0.665 on the full benchmark; the dev split is a sample of it.
        Assert.InRange(Score("pagetext", page => page.Input), 0.60, 0.72);
    }

    [SharedDataFact(EveryPageType)]
    public void Every_page_type_stays_above_its_floor()
    {
        // Floors at the figures of docs/benchmarks.md ("wcxb-dev"), rounded down: raised as they rise.
        var report = WcxbRun.Evaluate(TestData.Shared(EveryPageType), Stages.Value);
        Assert.Equal(1497, report.Pages.Count);
        Assert.InRange(report.F1, 0.85, 1.0);
        Assert.InRange(report.F1Of("article"), 0.95, 1.0);
        Assert.InRange(report.F1Of("documentation"), 0.92, 1.0);
        Assert.InRange(report.F1Of("forum"), 0.80, 1.0);
        Assert.InRange(report.F1Of("product"), 0.655, 1.0);
        Assert.InRange(report.F1Of("collection"), 0.67, 1.0);
        Assert.InRange(report.F1Of("listing"), 0.67, 1.0);
        Assert.InRange(report.F1Of("service"), 0.80, 1.0);
        Assert.InRange(report.Pages.Count(p => p.Empty), 0, 8);
        Assert.InRange(report.Share(p => p.Title), 0.78, 1.0);
        Assert.InRange(report.Share(p => p.Date), 0.83, 1.0);
        Assert.InRange(report.Share(p => p.Author), 0.75, 1.0);
        Assert.InRange(report.Share(p => p.PageType == p.Page.Type), 0.75, 1.0);
    }

    private sealed record Page(string Id, string Url, string Input);

    private static string Through(string kind, Page page) => Stages.Value.DropArticlePage(kind, page.Id, page.Url, page.Input).Text;

    private static double Score(string kind, Func<Page, string> extract)
    {
        var root = TestData.Shared(Articles);
        var scores = File.ReadAllLines(Path.Combine(root, "manifest.tsv")).Skip(1)
            .Select(line => line.Split('\t'))
            .Select(fields =>
            {
                var page = new Page(fields[0], fields[1], File.ReadAllText(Path.Combine(root, kind, fields[0] + (kind == "html" ? ".html" : ".txt"))));
                var truth = File.ReadAllText(Path.Combine(root, "gt", fields[0] + ".txt"));
                return ShingleScore.Score(fields[0], truth, extract(page));
            })
            .ToList();
        return ShingleScore.Summarise(scores).F1;
    }
}

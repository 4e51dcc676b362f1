using System.Globalization;
using IngestWorker.Text.Pipeline;

namespace IngestWorker.Text.Quality;

/// <summary>
/// Computes every quality signal on the cleaned text, keeps them all in the document (so it can be
/// re-decided offline under other thresholds), and rejects the document with every rule it fails.
/// </summary>
public sealed class QualityStage : IPipelineStage
{
    private readonly QualityOptions _options;

    public QualityStage(QualityOptions options) => _options = options;

    public string Name => "quality";

    public ValueTask<StageVerdict> ProcessAsync(PipelineDocument document, CancellationToken cancellationToken)
    {
        var signals = QualitySignals.Compute(document.Text ?? "", document.Language?.Code);
        var decision = QualityDecision.Decide(signals, _options);
        document.Quality = new QualityResult(decision.Score, signals, decision.Failures);
        if (decision.Passed)
            return ValueTask.FromResult(StageVerdict.Continue);

        var failed = decision.Checks.Where(c => c.Failed).Select(Describe);
        return ValueTask.FromResult(new StageVerdict(new Rejection(Name, decision.Failures[0],
            $"Failed {decision.Failures.Count} quality rule{(decision.Failures.Count == 1 ? "" : "s")}: {string.Join("; ", failed)}.",
            decision.Failures)));
    }

    private static string Describe(QualityCheck check) =>
        string.Create(CultureInfo.InvariantCulture, $"{check.Reason} ({check.Signal} = {check.Value:0.###}, threshold {check.Threshold:0.###})");
}

/// <summary>The quality verdict as the document carries it: score, every raw signal, and the rules failed.</summary>
public sealed record QualityResult(double Score, IReadOnlyDictionary<string, double> Signals, IReadOnlyList<string> Failed);

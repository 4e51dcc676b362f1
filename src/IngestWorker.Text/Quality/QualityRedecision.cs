using IngestWorker.Text.Output;
using IngestWorker.Text.Pipeline;

namespace IngestWorker.Text.Quality;

/// <summary>
/// Re-makes the quality decision of a stored output document from its recorded signals under other
/// options, without its text and without reprocessing. Only documents that reached the quality
/// stage can change: one rejected earlier (undecodable, wrong language…) has no signals.
/// </summary>
public static class QualityRedecision
{
    public static OutputDocument Redecide(OutputDocument document, QualityOptions options, DateTimeOffset now)
    {
        if (document.Quality is not { } quality)
            return document;
        var rejectedByQuality = document.Rejection?.Stage == "quality";
        var rejectedAfterQuality = document.Rejection is { } r && !rejectedByQuality && r.Stage == "exact_dedup";
        if (document.Status != OutputStatus.Accepted && !rejectedByQuality && !rejectedAfterQuality)
            return document;

        var decision = QualityDecision.Decide(quality.Signals, options);
        var redecided = quality with { Score = Math.Round(decision.Score, 4), Failed = decision.Failures, RedecidedAt = now };
        if (!decision.Passed)
        {
            return document with
            {
                Status = OutputStatus.Rejected,
                Reasons = decision.Failures,
                Rejection = new OutputRejection("quality", decision.Failures[0],
                    $"Failed {decision.Failures.Count} quality rule{(decision.Failures.Count == 1 ? "" : "s")} when re-decided from the stored signals: {string.Join(", ", decision.Failures)}."),
                Quality = redecided,
            };
        }
        if (rejectedByQuality)
        {
            // It never reached exact deduplication; say so rather than pretend it was checked.
            var flags = (document.Flags ?? []).Append(FlagCodes.DedupNotChecked).Distinct().ToList();
            return document with { Status = OutputStatus.Accepted, Reasons = [], Rejection = null, Quality = redecided, Flags = flags };
        }
        return document with { Quality = redecided };
    }
}

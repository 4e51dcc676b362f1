using IngestWorker.Text.Extraction;

namespace IngestWorker.Text.Output;

/// <summary>
/// The boilerplate section of the output: counts and characters per reason over every removed
/// block, but the text of only the first few. A page of millions of short lines would otherwise
/// list every one of them, and the outcome (and the memory to build it) would grow far past the
/// input's size.
/// </summary>
internal static class RemovedLineSummary
{
    public static OutputBoilerplate Of(CleanedPage page, string? siteKey, int maxListed)
    {
        var removed = page.Removed;
        var totals = new Dictionary<string, (int Lines, long Chars)>(StringComparer.Ordinal);
        long chars = 0;
        foreach (var block in removed)
        {
            chars += block.Text.Length;
            var (lines, reasonChars) = totals.GetValueOrDefault(block.Reason);
            totals[block.Reason] = (lines + 1, reasonChars + block.Text.Length);
        }
        var byReason = new SortedDictionary<string, OutputRemovedTotals>(StringComparer.Ordinal);
        foreach (var (reason, (lines, reasonChars)) in totals)
            byReason[reason] = new OutputRemovedTotals(lines, reasonChars);
        var listed = Math.Min(removed.Count, maxListed);
        var first = new List<OutputRemovedLine>(listed);
        for (var i = 0; i < listed; i++)
            first.Add(new OutputRemovedLine(removed[i].Text, removed[i].Reason));
        return new OutputBoilerplate(page.KeptBlocks.Count, chars, first, siteKey)
        {
            RemovedLineCount = removed.Count,
            RemovedLinesOmitted = removed.Count > listed ? removed.Count - listed : null,
            RemovedByReason = byReason,
        };
    }
}

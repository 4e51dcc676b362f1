namespace IngestWorker.Text.Pipeline;

/// <summary>
/// Codes of the output's <c>flags</c>: observations that did not reject the document. Like reason
/// codes they are part of the output contract and listed in docs/output.schema.json.
/// </summary>
public static class FlagCodes
{
    /// <summary>Paragraphs in other languages hold a noticeable share of the text (a reason too, with <c>rejectMixed</c>).</summary>
    public const string LanguageMixed = ReasonCodes.LanguageMixed;

    /// <summary>
    /// Accepted by <c>ingestworker-cli redecide</c> after a quality rejection: the document never
    /// reached exact deduplication, so an exact copy of an accepted document may be among them.
    /// </summary>
    public const string DedupNotChecked = "dedup_not_checked";

    /// <summary>
    /// HTML input whose article came out shorter than <c>boilerplate:minArticleWords</c>: the text is
    /// the page's main region instead (a listing, a category grid, a product page; <c>MainRegionFallback</c>).
    /// </summary>
    public const string MainRegion = "main_region";
}

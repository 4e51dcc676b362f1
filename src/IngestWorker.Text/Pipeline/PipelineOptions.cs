using IngestWorker.Text.Cleaning;
using IngestWorker.Text.Decoding;
using IngestWorker.Text.Templates;

namespace IngestWorker.Text.Pipeline;

/// <summary>
/// Settings of the text pipeline itself. The host binds them from configuration and validates
/// them at start; the library only reads them.
/// </summary>
public sealed class PipelineOptions
{
    public const long DefaultMaxInputBytes = 10 * 1024 * 1024;

    /// <summary>
    /// Identifies the pipeline's behaviour. Receipts are kept per version, so changing it makes the
    /// worker process every input again under the new rules.
    /// </summary>
    public string Version { get; set; } = "1";

    /// <summary>Inputs larger than this are rejected as <c>too_large</c> without being downloaded.</summary>
    public long MaxInputBytes { get; set; } = DefaultMaxInputBytes;

    /// <summary>
    /// The longest one document may take in the pipeline (wall clock, all stages); past it the
    /// document is rejected as <c>too_complex</c>. A backstop for inputs that are cheap to send and
    /// costly to read; a normal document of <see cref="MaxInputBytes"/> takes a few seconds even on
    /// a busy machine.
    /// </summary>
    public TimeSpan MaxDocumentTime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// HTML tags nested deeper than this are dropped before parsing, keeping their text: real pages
    /// stay far below it, and parsing cost grows with the square of the depth.
    /// </summary>
    public int MaxHtmlNestingDepth { get; set; } = Html.HtmlNestingLimiter.DefaultMaxDepth;

    /// <summary>
    /// Single-byte code pages tried, in order of preference, for input that is not valid UTF-8 and
    /// has no byte-order mark.
    /// </summary>
    public List<string> LegacyEncodings { get; set; } = [.. LegacyEncodingDetector.DefaultCandidates];

    public BoilerplateOptions Boilerplate { get; set; } = new();

    public SiteTemplateOptions SiteTemplates { get; set; } = new();

    public Language.LanguageOptions Language { get; set; } = new();

    public Quality.QualityOptions Quality { get; set; } = new();

    public Dedup.Near.MinHashOptions NearDuplicates { get; set; } = new();
}

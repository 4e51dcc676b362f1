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
    /// Identifies the pipeline's behaviour. Each outcome records the version it was made under, and
    /// only an outcome of the current version finishes an input, so changing it makes the worker
    /// process every input again under the new rules.
    /// </summary>
    public string Version { get; set; } = "1";

    /// <summary>Inputs larger than this are rejected as <c>too_large</c> without being downloaded.</summary>
    public long MaxInputBytes { get; set; } = DefaultMaxInputBytes;

    /// <summary>
    /// How many removed blocks the outcome lists with their text (the first ones, in reading order).
    /// Every removed block is still counted, per reason, with its characters; the cap keeps a page
    /// of millions of short lines from producing an outcome far larger than the input.
    /// </summary>
    public int MaxRemovedLinesListed { get; set; } = DefaultMaxRemovedLinesListed;

    public const int DefaultMaxRemovedLinesListed = 1000;

    /// <summary>
    /// A page with more blocks than this (non-blank lines of text or Markdown, blocks of HTML) is
    /// rejected as <c>too_complex</c>, before its reader allocates for every line when the text
    /// shows it. Reading and cleaning cost memory per block; the largest real articles have a few
    /// thousand.
    /// </summary>
    public int MaxBlocks { get; set; } = DefaultMaxBlocks;

    public const int DefaultMaxBlocks = 100_000;

    /// <summary>
    /// An HTML page (or HTML body of a JSON article) with more start tags than this is rejected as
    /// <c>too_complex</c> without being parsed: the parsed tree costs memory per element. Large
    /// real pages have tens of thousands.
    /// </summary>
    public int MaxHtmlElements { get; set; } = DefaultMaxHtmlElements;

    public const int DefaultMaxHtmlElements = 250_000;

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

    /// <summary>
    /// Turns UTF-8 that was decoded as Windows-1252 before it reached us ("Ã©", "â€™", "Â" before a
    /// no-break space) back into the characters it stood for (<see cref="Decoding.MojibakeRepair"/>).
    /// </summary>
    public bool RepairMojibake { get; set; } = true;

    public BoilerplateOptions Boilerplate { get; set; } = new();

    public SiteTemplateOptions SiteTemplates { get; set; } = new();

    public Language.LanguageOptions Language { get; set; } = new();

    public Quality.QualityOptions Quality { get; set; } = new();

    public Dedup.Near.MinHashOptions NearDuplicates { get; set; } = new();
}

namespace IngestWorker.Text.Extraction;

/// <summary>What kind of unit of a page a block is, as far as its reader could tell.</summary>
public enum BlockKind
{
    /// <summary>A line of plain text: the reader knows nothing more.</summary>
    Line,
    Paragraph,
    Heading,
    ListItem,
    Quote,
    Caption,
    Preformatted,
    TableRow,
}

/// <summary>
/// One unit of a page — a line of a text dump, or a block of an HTML document — with what its
/// reader learned about it. Cleaning decides per block; the output keeps block boundaries as newlines.
/// </summary>
public sealed record ContentBlock(string Text)
{
    public BlockKind Kind { get; init; } = BlockKind.Line;

    /// <summary>1–6 for headings, 0 otherwise.</summary>
    public int HeadingLevel { get; init; }

    /// <summary>True when a blank line (plain text) or a block boundary separates it from the previous block.</summary>
    public bool StartsParagraph { get; init; }

    /// <summary>Share (0–1) of the block's characters that are link text. Always 0 for plain text.</summary>
    public double LinkDensity { get; init; }

    /// <summary>
    /// When the reader already decided the block is not article content (e.g. the HTML extractor
    /// found it outside the main content), the reason code; null when the cleaner should decide.
    /// </summary>
    public string? RemovedBy { get; init; }

    /// <summary>
    /// Whether the block's markup places it in the page's main region: true when no ancestor is
    /// hidden or marked as navigation, header, footer, sidebar, comments or other page furniture,
    /// whatever the article engine decided about it; false when one is; null when the reader knows
    /// no markup (plain text, Markdown).
    /// </summary>
    public bool? InMainRegion { get; init; }
}

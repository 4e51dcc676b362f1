using IngestWorker.Text.Decoding;
using IngestWorker.Text.Dedup;
using IngestWorker.Text.Extraction;
using IngestWorker.Text.Readers;

namespace IngestWorker.Text.Pipeline;

/// <summary>
/// The document as it travels through the stages. Each stage fills in its own part; the output
/// factory turns the finished document into the published JSON shape.
/// </summary>
public sealed class PipelineDocument
{
    public PipelineDocument(DocumentSource source, ReadOnlyMemory<byte> content)
    {
        Source = source;
        Content = content;
        InputSha256 = content.IsEmpty ? null : ContentHash.Sha256Hex(content.Span);
    }

    public DocumentSource Source { get; }

    /// <summary>The input bytes (inflated, once decompressed); empty when the input was not read (too large).</summary>
    public ReadOnlyMemory<byte> Content { get; set; }

    /// <summary>SHA-256 of the input exactly as stored; null when it was not read.</summary>
    public string? InputSha256 { get; }

    /// <summary>What the input's name says it is.</summary>
    public FormatInfo? Format { get; set; }

    /// <summary>The page as its reader saw it, block by block.</summary>
    public PageContent? Page { get; set; }

    /// <summary>What the page says about itself (title, author, date, URL, site).</summary>
    public PageMetadata Metadata { get; set; } = PageMetadata.None;

    /// <summary>The boilerplate decisions: kept blocks and every removed block with its reason.</summary>
    public CleanedPage? Cleaning { get; set; }

    /// <summary>The site whose template lines were applied (<c>site:host</c> or <c>folder:container/path</c>).</summary>
    public string? SiteKey { get; set; }

    /// <summary>The current text: decoded, then normalised, then cleaned by later stages.</summary>
    public string? Text { get; set; }

    public string? Title { get; set; }

    public DecodingResult? Decoding { get; set; }

    public Language.LanguageResult? Language { get; set; }

    public Quality.QualityResult? Quality { get; set; }

    /// <summary>Observations that do not reject the document but a user may filter on (e.g. <c>language_mixed</c>).</summary>
    public List<string> Flags { get; } = [];

    public ExactDedupResult? Dedup { get; set; }

    public Dedup.Near.NearDedupResult? NearDedup { get; set; }

    /// <summary>
    /// The length of the text the next stage works on: none before decoding, the decoded text until
    /// a reader has made a page, then the page's kept blocks (joined by newlines, as normalisation
    /// joins them) until cleaning, then the cleaned text. Between reading and normalising,
    /// <see cref="Text"/> is still the raw decoded input (markup included), which is why the page is
    /// measured there instead: what the reader dropped is the reader's doing.
    /// </summary>
    public int TextLength
    {
        get
        {
            if (Page is null || Cleaning is not null)
                return Text?.Length ?? 0;
            int length = 0, kept = 0;
            foreach (var block in Page.Blocks)
            {
                if (block.RemovedBy is not null)
                    continue;
                length += block.Text.Length;
                kept++;
            }
            return length + Math.Max(0, kept - 1);
        }
    }
}

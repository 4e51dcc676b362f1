namespace IngestWorker.Text.Pipeline;

/// <summary>
/// Every reason code a document can carry. Codes are part of the output contract: users filter
/// and count by them, so they never change once published (add new ones instead).
/// </summary>
public static class ReasonCodes
{
    /// <summary>The input has no bytes, or only whitespace once decoded and normalised.</summary>
    public const string Empty = "empty";

    /// <summary>The input is larger than <c>ingestWorker:pipeline:maxInputBytes</c>.</summary>
    public const string TooLarge = "too_large";

    /// <summary>The input looks like a binary file (NUL bytes, a known binary signature, control characters).</summary>
    public const string BinaryContent = "binary_content";

    /// <summary>The bytes are not valid UTF-8/16/32 and no configured legacy encoding fits them.</summary>
    public const string Undecodable = "undecodable";

    /// <summary>The name's extension is not a format IngestWorker reads.</summary>
    public const string UnsupportedFormat = "unsupported_format";

    /// <summary>The content is not what the name says (e.g. .json that is not JSON, .gz that is not gzip).</summary>
    public const string FormatMismatch = "format_mismatch";

    /// <summary>Boilerplate removal left nothing: the page holds no article text.</summary>
    public const string NoArticle = "no_article";

    /// <summary>The language is not among the allowed ones, or the identifier is not sure enough of it.</summary>
    public const string Language = "language";

    /// <summary>
    /// Paragraphs in other languages hold a large share of the text. A flag (in <c>flags</c>) unless
    /// <c>language:rejectMixed</c> makes it a rejection.
    /// </summary>
    public const string LanguageMixed = "language_mixed";

    /// <summary>The same normalised text was already accepted under another name.</summary>
    public const string DuplicateExact = "duplicate_exact";

    /// <summary>Nearly the same text (by MinHash over word n-grams, confirmed by similarity) was already accepted.</summary>
    public const string DuplicateNear = "duplicate_near";

    /// <summary>
    /// The input's name cannot be addressed safely (a <c>.</c> or <c>..</c> segment, a leading or
    /// trailing <c>/</c>, a backslash, a control character, a lone surrogate or a noncharacter):
    /// reading it could reach another blob, so it is not read. Its outcome is named by a hash of the name.
    /// </summary>
    public const string UnsafeName = "unsafe_name";

    /// <summary>
    /// The document is too complex to process within its budget: more blocks than
    /// <c>pipeline:maxBlocks</c> or more HTML tags than <c>pipeline:maxHtmlElements</c>, or it took
    /// longer than <c>pipeline:maxDocumentTime</c>.
    /// </summary>
    public const string TooComplex = "too_complex";

    /// <summary>Processing failed <c>poisonBlobThreshold</c> times; see the document's <c>error</c>.</summary>
    public const string ProcessingFailed = "processing_failed";
}

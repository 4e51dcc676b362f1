using System.Text.Json.Serialization;

namespace IngestWorker.Text.Output;

/// <summary>
/// The one JSON document written per input. The shape is a public contract, described by
/// <c>docs/output.schema.json</c>: fields are added, never renamed. Sections of stages that did not
/// run are left out rather than filled with placeholders.
/// </summary>
public sealed record OutputDocument
{
    /// <summary>Stable per input blob (container and name): a hex SHA-256 prefix, the same across reprocessing.</summary>
    public required string Id { get; init; }

    public required OutputSource Source { get; init; }

    /// <summary><c>accepted</c>, <c>rejected</c> or <c>failed</c>.</summary>
    public required string Status { get; init; }

    /// <summary>Reason codes (see <c>ReasonCodes</c>); empty for accepted documents.</summary>
    public required IReadOnlyList<string> Reasons { get; init; }

    /// <summary>Observations that did not reject the document (e.g. <c>language_mixed</c>); absent when there are none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Flags { get; init; }

    /// <summary>Which stage rejected the document and why, in words.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OutputRejection? Rejection { get; init; }

    public string? Title { get; init; }

    /// <summary>What kind of page the input is (HTML only: <c>PageTypes</c>), with a confidence; absent when the reader cannot tell.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OutputPageType? PageType { get; init; }

    /// <summary>What the page says about itself beyond its title; absent when it says nothing.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OutputMetadata? Metadata { get; init; }

    /// <summary>The cleaned text, also for rejected documents, so every decision can be checked.</summary>
    public string? Text { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OutputDecoding? Decoding { get; init; }

    /// <summary>The language of the cleaned text and of its longer paragraphs.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OutputLanguage? Language { get; init; }

    /// <summary>Every quality signal, the rules failed, and the score.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OutputQuality? Quality { get; init; }

    /// <summary>What boilerplate removal kept and removed, with a reason per removed line.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OutputBoilerplate? Boilerplate { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OutputDedup? Dedup { get; init; }

    /// <summary>Only on <c>failed</c> documents: the error that poisoned the input.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OutputError? Error { get; init; }

    public required OutputPipeline Pipeline { get; init; }
}

public sealed record OutputSource(
    string Container,
    string Name,
    string Etag,
    long ContentLength,
    string? Sha256,
    DateTimeOffset? LastModified)
{
    /// <summary><c>text</c>, <c>html</c>, <c>markdown</c> or <c>json</c>, by the name's extension; absent when it is not one we read.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Format { get; init; }

    /// <summary><c>gzip</c> for .gz inputs.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Compression { get; init; }
}

public sealed record OutputMetadata(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Author,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Published,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Url,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Site);

/// <param name="Confidence">The type's share of all the evidence (0–1).</param>
public sealed record OutputPageType(string Type, double Confidence);

public sealed record OutputRemovedLine(string Text, string Reason);

/// <param name="RemovedLines">The first <c>pipeline:maxRemovedLinesListed</c> removed blocks in reading order; the rest are only counted.</param>
public sealed record OutputBoilerplate(
    int KeptLines,
    long RemovedChars,
    IReadOnlyList<OutputRemovedLine> RemovedLines,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SiteKey)
{
    /// <summary>Every removed block, listed or not. Absent only in outcomes written before the cap (which listed every block).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? RemovedLineCount { get; init; }

    /// <summary>Removed blocks left out of <see cref="RemovedLines"/> by the cap; absent when every one is listed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? RemovedLinesOmitted { get; init; }

    /// <summary>Blocks and characters removed per reason code, over every removed block (absent like <see cref="RemovedLineCount"/>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, OutputRemovedTotals>? RemovedByReason { get; init; }
}

public sealed record OutputRemovedTotals(int Lines, long Chars);

public sealed record OutputRejection(string Stage, string Code, string Message);

public sealed record OutputDecoding(
    string Encoding,
    bool ByteOrderMark,
    bool Detected,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Confidence,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? MojibakeRepaired = null);

public sealed record OutputLanguageGuess(string Code, double Confidence);

public sealed record OutputParagraphLanguage(int Index, int Chars, string Code, double Confidence);

public sealed record OutputLanguage(
    string Code,
    double Confidence,
    IReadOnlyList<OutputLanguageGuess> Alternatives,
    IReadOnlyList<OutputParagraphLanguage> Paragraphs,
    bool Mixed);

/// <param name="Signals">Every raw signal by name, so documents can be re-decided offline under other thresholds.</param>
public sealed record OutputQuality(double Score, IReadOnlyDictionary<string, double> Signals, IReadOnlyList<string> Failed)
{
    /// <summary>Set by <c>ingestworker-cli redecide</c>: when the decision was re-made from the stored signals.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? RedecidedAt { get; init; }
}

/// <summary>Exact and near-duplicate checks; the near-duplicate fields are absent when that check did not run.</summary>
public sealed record OutputDedup(string ContentHash, string? DuplicateOf)
{
    /// <summary>The MinHash signature: base64 of its 64-bit values, little-endian.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Minhash { get; init; }

    /// <summary>For a <c>duplicate_near</c> rejection: the first document of the cluster.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? NearDuplicateOf { get; init; }

    /// <summary>Estimated Jaccard similarity with the matched document, or with the closest candidate that was not close enough.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Similarity { get; init; }

    /// <summary>The <c>id</c> of the cluster's first document (its own id when it leads the cluster).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ClusterId { get; init; }
}

public sealed record OutputError(string Type, string Message, int Attempts, DateTimeOffset LastAttemptAt);

public sealed record OutputPipeline(string Version, DateTimeOffset ProcessedAt, IReadOnlyList<string> Stages);

public static class OutputStatus
{
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
    public const string Failed = "failed";
}

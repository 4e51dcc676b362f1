using System.Security.Cryptography;
using System.Text;
using IngestWorker.Text.Pipeline;

namespace IngestWorker.Text.Output;

/// <summary>Builds the published document from a pipeline run or from a poisoned input.</summary>
public sealed class OutputDocumentFactory
{
    private readonly string _pipelineVersion;
    private readonly TimeProvider _clock;
    private readonly int _maxRemovedLinesListed;

    public OutputDocumentFactory(PipelineOptions options, TimeProvider clock)
    {
        _pipelineVersion = options.Version;
        _maxRemovedLinesListed = options.MaxRemovedLinesListed;
        _clock = clock;
    }

    public OutputDocument FromResult(PipelineResult result)
    {
        var document = result.Document;
        var rejection = result.Rejection;
        return new OutputDocument
        {
            Id = DocumentId(document.Source),
            Source = Source(document.Source, document.InputSha256) with
            {
                Format = document.Format?.Name,
                Compression = document.Format is { Gzip: true } ? "gzip" : null,
            },
            Status = rejection is null ? OutputStatus.Accepted : OutputStatus.Rejected,
            Reasons = rejection is null ? [] : rejection.Codes,
            Flags = document.Flags.Count == 0 ? null : document.Flags.ToList(),
            Rejection = rejection is null ? null : new OutputRejection(rejection.Stage, rejection.Code, rejection.Message),
            Title = document.Title ?? document.Metadata.Title,
            PageType = document.Page?.Type is { } pageType ? new OutputPageType(pageType.Type, pageType.Confidence) : null,
            Metadata = Metadata(document.Metadata),
            Text = document.Text,
            Decoding = document.Decoding is { } d ? new OutputDecoding(d.Encoding, d.ByteOrderMark, d.Detected, d.Confidence, d.MojibakeRepaired > 0 ? d.MojibakeRepaired : null) : null,
            Language = document.Language is { } l
                ? new OutputLanguage(l.Code, l.Confidence,
                    l.Alternatives.Select(a => new OutputLanguageGuess(a.Code, a.Confidence)).ToList(),
                    l.Paragraphs.Select(p => new OutputParagraphLanguage(p.Index, p.Chars, p.Code, p.Confidence)).ToList(),
                    l.Mixed)
                : null,
            Quality = document.Quality is { } q
                ? new OutputQuality(Math.Round(q.Score, 4), new SortedDictionary<string, double>(q.Signals.ToDictionary(p => p.Key, p => Math.Round(p.Value, 6)), StringComparer.Ordinal), q.Failed)
                : null,
            Boilerplate = document.Cleaning is { } c ? RemovedLineSummary.Of(c, document.SiteKey, _maxRemovedLinesListed) : null,
            Dedup = document.Dedup is { } x
                ? new OutputDedup(x.ContentHash, x.DuplicateOf)
                {
                    Minhash = document.NearDedup?.Signature.ToBase64(),
                    NearDuplicateOf = document.NearDedup?.NearDuplicateOf,
                    Similarity = document.NearDedup?.Similarity is { } s ? Math.Round(s, 4) : null,
                    ClusterId = document.NearDedup is { } n ? DocumentId(document.Source.Container, n.Representative) : null,
                }
                : null,
            Pipeline = new OutputPipeline(_pipelineVersion, _clock.GetUtcNow(), result.StagesRun),
        };
    }

    /// <summary>The record of an input that kept failing: no text, just what went wrong and how often.</summary>
    public OutputDocument Failed(DocumentSource source, string errorType, string errorMessage, int attempts, DateTimeOffset lastAttemptAt) => new()
    {
        Id = DocumentId(source),
        Source = Source(source, null),
        Status = OutputStatus.Failed,
        Reasons = [ReasonCodes.ProcessingFailed],
        Title = null,
        Text = null,
        Error = new OutputError(errorType, errorMessage, attempts, lastAttemptAt),
        Pipeline = new OutputPipeline(_pipelineVersion, _clock.GetUtcNow(), []),
    };

    /// <summary>
    /// The record of an input that was not read because its name cannot be addressed safely: the
    /// name as it is (JSON escapes what needs escaping), why, and no text.
    /// </summary>
    public OutputDocument UnsafeName(DocumentSource source, string problem) => new()
    {
        Id = DocumentId(source),
        Source = Source(source, null),
        Status = OutputStatus.Rejected,
        Reasons = [ReasonCodes.UnsafeName],
        Rejection = new OutputRejection(UnsafeNameStage, ReasonCodes.UnsafeName,
            $"The input's name cannot be used as a blob path ({problem}): reading it could reach another blob, so it was not read."),
        Title = null,
        Text = null,
        Pipeline = new OutputPipeline(_pipelineVersion, _clock.GetUtcNow(), []),
    };

    /// <summary>The <c>rejection.stage</c> of <see cref="UnsafeName"/>: the check that runs before any pipeline stage.</summary>
    public const string UnsafeNameStage = "name";

    public static string DocumentId(DocumentSource source) => DocumentId(source.Container, source.Name);

    public static string DocumentId(string container, string name)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(container + "/" + name), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }

    private static OutputSource Source(DocumentSource source, string? sha256) => new(
        source.Container,
        source.Name,
        source.ETag,
        source.ContentLength,
        sha256,
        source.LastModified);

    private static OutputMetadata? Metadata(Extraction.PageMetadata metadata) =>
        metadata.Author is null && metadata.Published is null && metadata.Url is null && metadata.Site is null
            ? null
            : new OutputMetadata(metadata.Author, metadata.Published, metadata.Url, metadata.Site);
}

using IngestWorker.Text.Pipeline;

namespace IngestWorker.Text.Readers;

/// <summary>
/// Inflates <c>.gz</c> inputs, confirming by the bytes that they are gzip and complete (see
/// <see cref="GzipReader"/>), and refuses to inflate past the input size limit (a small file can
/// expand to gigabytes).
/// </summary>
public sealed class DecompressionStage : IPipelineStage
{
    private static readonly byte[] GzipMagic = [0x1F, 0x8B];

    private readonly long _maxInputBytes;

    public DecompressionStage(PipelineOptions options) => _maxInputBytes = options.MaxInputBytes;

    public string Name => "decompress";

    public ValueTask<StageVerdict> ProcessAsync(PipelineDocument document, CancellationToken cancellationToken)
    {
        var bytes = document.Content.Span;
        var isGzip = bytes.StartsWith(GzipMagic);
        if (document.Format is not { Gzip: true })
        {
            return ValueTask.FromResult(isGzip
                ? StageVerdict.Reject(Name, ReasonCodes.FormatMismatch, "The input is gzip-compressed but its name does not end in .gz.")
                : StageVerdict.Continue);
        }
        if (!isGzip)
            return ValueTask.FromResult(StageVerdict.Reject(Name, ReasonCodes.FormatMismatch, "The name ends in .gz but the input is not gzip-compressed."));

        try
        {
            var result = GzipReader.Inflate(document.Content, _maxInputBytes, cancellationToken);
            switch (result.Status)
            {
                case GzipReader.Status.TooLarge:
                    return ValueTask.FromResult(StageVerdict.Reject(Name, ReasonCodes.TooLarge,
                        $"The input inflates to more than {_maxInputBytes:N0} bytes (setting ingestWorker:pipeline:maxInputBytes)."));
                case GzipReader.Status.Corrupt:
                    return ValueTask.FromResult(StageVerdict.Reject(Name, ReasonCodes.Undecodable, $"The gzip data is incomplete or corrupt: {result.Problem}."));
            }
            document.Content = result.Content;
            return ValueTask.FromResult(StageVerdict.Continue);
        }
        catch (InvalidDataException e)
        {
            return ValueTask.FromResult(StageVerdict.Reject(Name, ReasonCodes.Undecodable, $"The gzip data is corrupt: {e.Message}"));
        }
    }
}

using IngestWorker.Text.Pipeline;
using IngestWorker.Text.Readers;

namespace IngestWorker.Text.Decoding;

/// <summary>Turns the input bytes into text, refusing what is empty, binary or undecodable, and repairs mojibake the text already carried.</summary>
public sealed class DecodingStage : IPipelineStage
{
    private readonly TextDecoder _decoder;
    private readonly bool _repairMojibake;

    public DecodingStage(PipelineOptions options)
    {
        _decoder = new TextDecoder(new LegacyEncodingDetector(options.LegacyEncodings));
        _repairMojibake = options.RepairMojibake;
    }

    public string Name => "decode";

    public ValueTask<StageVerdict> ProcessAsync(PipelineDocument document, CancellationToken cancellationToken)
    {
        var bytes = document.Content.Span;
        // Only HTML declares its own charset; for other formats a "charset=" in the text is just text.
        var declared = document.Format?.Format == InputFormat.Html ? DeclaredCharset.Find(bytes) : null;
        var outcome = _decoder.Decode(bytes, declared);
        if (!outcome.Succeeded)
            return ValueTask.FromResult(StageVerdict.Reject(Name, outcome.FailureCode!, outcome.FailureMessage!));

        var repaired = 0;
        document.Text = _repairMojibake ? MojibakeRepair.Repair(outcome.Text!, out repaired) : outcome.Text;
        document.Decoding = repaired == 0 ? outcome.Info : outcome.Info! with { MojibakeRepaired = repaired };
        return ValueTask.FromResult(StageVerdict.Continue);
    }
}

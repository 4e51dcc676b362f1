namespace IngestWorker.Text.Pipeline;

/// <summary>
/// Why a stage dropped a document: a stable code for machines and a sentence for people. A stage
/// that checks several rules (quality) lists every one the document failed in <see cref="Codes"/>,
/// <see cref="Code"/> first.
/// </summary>
public sealed record Rejection(string Stage, string Code, string Message, IReadOnlyList<string>? AllCodes = null)
{
    public IReadOnlyList<string> Codes => AllCodes ?? [Code];
}

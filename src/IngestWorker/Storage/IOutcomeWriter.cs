using IngestWorker.Text.Output;

namespace IngestWorker.Storage;

/// <param name="Bytes">Size of the document this call wrote; 0 when the same outcome was already there.</param>
public sealed record OutcomeLocation(string Container, string Name, bool WrittenBefore, long Bytes = 0);

/// <summary>Writes the one outcome document of an input version, idempotently.</summary>
public interface IOutcomeWriter
{
    /// <param name="firstForName">
    /// The input name never had an outcome, so there is nothing to compare with or clean up: the
    /// write is a single create.
    /// </param>
    ValueTask<OutcomeLocation> WriteAsync(OutputDocument document, bool firstForName, CancellationToken cancellationToken);
}

using IngestWorker.Text.Output;

namespace IngestWorker.Storage;

/// <param name="Bytes">Size of the document this call wrote; 0 when the same outcome was already there.</param>
public sealed record OutcomeLocation(string Container, string Name, bool WrittenBefore, long Bytes = 0);

/// <summary>Writes the one outcome document of an input version, idempotently; the outcome is also its receipt.</summary>
public interface IOutcomeWriter
{
    /// <param name="firstForName">
    /// The input name never had an outcome, so there is nothing to compare with or clean up: the
    /// write is a single create.
    /// </param>
    /// <param name="writeId">Stored with the outcome, so that this write can be told from another attempt's.</param>
    ValueTask<OutcomeLocation> WriteAsync(OutputDocument document, bool firstForName, string writeId, CancellationToken cancellationToken);
}

namespace IngestWorker.Storage;

/// <summary>Receipts per (input name, ETag, pipeline version).</summary>
public interface IReceiptStore
{
    ValueTask<bool> ExistsAsync(InputBlob input, CancellationToken cancellationToken);

    /// <summary>The input version's receipt as stored; null when it has none.</summary>
    ValueTask<Receipt?> ReadAsync(InputBlob input, CancellationToken cancellationToken);

    /// <summary>
    /// The blob names of every receipt of the configured pipeline version for the input container,
    /// in the order storage lists them, a page per storage call.
    /// </summary>
    IAsyncEnumerable<string> ListNamesAsync(CancellationToken cancellationToken);

    /// <summary>Idempotent: writing the same receipt twice leaves one receipt.</summary>
    ValueTask WriteAsync(Receipt receipt, CancellationToken cancellationToken);
}

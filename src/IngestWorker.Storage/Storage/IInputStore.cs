namespace IngestWorker.Storage;

/// <summary>What reading an input found.</summary>
public enum InputReadStatus
{
    Read,
    /// <summary>The blob was overwritten since the scan; the new version will be picked up on its own.</summary>
    Changed,
    /// <summary>The blob was deleted since the scan.</summary>
    Deleted,
}

public readonly record struct InputRead(InputReadStatus Status, ReadOnlyMemory<byte> Content);

/// <summary>The input container: what is in it, and the bytes of one version of a blob.</summary>
public interface IInputStore
{
    string ContainerName { get; }

    IAsyncEnumerable<InputBlob> ListAsync(CancellationToken cancellationToken) => ListAsync(null, cancellationToken);

    /// <param name="listingStarted">Told the storage server's time when the first page arrives.</param>
    IAsyncEnumerable<InputBlob> ListAsync(Action<DateTimeOffset>? listingStarted, CancellationToken cancellationToken);

    ValueTask<InputRead> ReadAsync(InputBlob input, CancellationToken cancellationToken);
}

using System.Runtime.InteropServices;

namespace IngestWorker.Storage;

/// <summary>
/// How the worker names the blobs it writes. Every name derives from the input's name, so outcomes
/// are traceable; an input name that cannot be addressed safely (<see cref="BlobNameSafety"/>) is
/// replaced by its hash (<see cref="Key"/>), so no derived name can leave its container or prefix.
/// </summary>
public static class BlobNames
{
    // Azure's limit on blob name length.
    private const int MaxLength = 1024;

    /// <summary>
    /// The folder of derived names that stand for an input name by its hash: <c>~sha256/</c> and 64
    /// hex digits. Input names that start with it are hashed too, though they are safe to address,
    /// so a name kept as it is can never equal another input's hashed one.
    /// </summary>
    public const string HashedPrefix = "~sha256/";

    /// <summary>
    /// The input's name as it appears inside derived names: itself when it is safe to address (so
    /// names written before this rule still match), otherwise <c>~sha256/</c> and the lower-case
    /// hex SHA-256 of its UTF-16LE code units (not UTF-8, which would turn every lone surrogate
    /// into U+FFFD and make distinct names one).
    /// </summary>
    public static string Key(string inputName) =>
        IsHashed(inputName)
            ? HashedPrefix + Text.Dedup.ContentHash.Sha256Hex(MemoryMarshal.AsBytes(inputName.AsSpan()))
            : inputName;

    /// <summary>Whether <see cref="Key"/> replaces the name by its hash.</summary>
    public static bool IsHashed(string inputName) =>
        !BlobNameSafety.IsAddressable(inputName) || inputName.StartsWith(HashedPrefix, StringComparison.Ordinal);

    /// <summary>
    /// Where the receipt blobs of earlier layouts live (one per finished input version). The worker
    /// no longer writes them: an input version's outcome is its receipt. <c>prune-receipts</c>
    /// removes them.
    /// </summary>
    public const string ReceiptsRoot = "receipts/";

    /// <summary>What an outcome's name adds to its input's key (<see cref="Key"/>).</summary>
    public const string OutputSuffix = ".json";

    /// <summary><c>a/b.txt</c> → <c>a/b.txt.json</c>; <c>../x</c> → <c>~sha256/{hash}.json</c>.</summary>
    public static string Output(string inputName) => Fit(Key(inputName) + OutputSuffix, suffix: OutputSuffix);

    /// <summary>
    /// Whether the input's outcome is named exactly <c>{name}.json</c>: not hashed (<see cref="Key"/>)
    /// and not shortened (<see cref="Fit"/>), so that its name can be paired with the input's by listing.
    /// </summary>
    public static bool HasPlainOutputName(string inputName) =>
        !IsHashed(inputName) && inputName.Length + OutputSuffix.Length <= MaxLength;

    /// <summary>
    /// The input name an outcome blob is named after (<c>a/b.txt.json</c> → <c>a/b.txt</c>), or null
    /// when the outcome name was shortened (its tail is then a hash), stands for its input by a hash
    /// (<see cref="HashedPrefix"/>), or is not an outcome's.
    /// </summary>
    public static string? InputNameOfOutput(string outputName)
    {
        if (!outputName.EndsWith(OutputSuffix, StringComparison.Ordinal) || outputName.Length == OutputSuffix.Length)
            return null;
        if (outputName.StartsWith(HashedPrefix, StringComparison.Ordinal))
            return null;
        var name = outputName[..^OutputSuffix.Length];
        return outputName.Length == MaxLength && EndsWithShorteningHash(name) ? null : name;
    }

    /// <summary>The name of a receipt blob of an earlier layout (<see cref="ReceiptsRoot"/>); only to find and remove them.</summary>
    public static string Receipt(string pipelineVersion, string container, string name, string etag) =>
        Fit($"{ReceiptPrefix(pipelineVersion, container)}{Key(name)}@{BareETag(etag)}");

    /// <summary>Where the receipts of one input container under one pipeline version live.</summary>
    public static string ReceiptPrefix(string pipelineVersion, string container) => $"{ReceiptsRoot}{pipelineVersion}/{container}/";

    /// <summary>
    /// The parts of a receipt's blob name, or null when the name is not a receipt's, was shortened
    /// (<see cref="Fit"/>) or stands for its input by a hash (<see cref="Key"/>): those keep only a
    /// hash of the input's name. A name that parses to an input name unsafe to address (a receipt
    /// written before names were checked) is null too, so no caller addresses the input by it.
    /// The ETag is what follows the last <c>@</c>; input names may contain <c>@</c>, ETags never do.
    /// </summary>
    public static ReceiptName? ParseReceipt(string blobName)
    {
        if (!blobName.StartsWith(ReceiptsRoot, StringComparison.Ordinal) || IsShortened(blobName))
            return null;
        var versionEnd = blobName.IndexOf('/', ReceiptsRoot.Length);
        var containerEnd = versionEnd < 0 ? -1 : blobName.IndexOf('/', versionEnd + 1);
        var at = blobName.LastIndexOf('@');
        if (versionEnd <= ReceiptsRoot.Length || containerEnd <= versionEnd + 1 || at <= containerEnd + 1 || at == blobName.Length - 1)
            return null;
        var name = blobName[(containerEnd + 1)..at];
        if (IsHashed(name))
            return null;
        return new ReceiptName(
            blobName[ReceiptsRoot.Length..versionEnd],
            blobName[(versionEnd + 1)..containerEnd],
            name,
            blobName[(at + 1)..]);
    }

    /// <summary>Whether <see cref="Fit"/> shortened this name: full length, ending in <c>~</c> and 32 hex digits of the hash.</summary>
    public static bool IsShortened(string blobName) => blobName.Length == MaxLength && EndsWithShorteningHash(blobName);

    private static bool EndsWithShorteningHash(string name)
    {
        const int hashLength = 33;
        if (name.Length < hashLength)
            return false;
        var tail = name.AsSpan(name.Length - hashLength);
        return tail[0] == '~' && !tail[1..].ContainsAnyExcept("0123456789abcdef");
    }

    public static string Claim(string container, string name) => Fit($"claims/{container}/{Key(name)}");

    /// <summary>
    /// One segment of the shared state log (<see cref="State.IStateLog"/>), numbered from 1 and
    /// zero-padded so that listing order is numeric order.
    /// </summary>
    public static string StateSegment(string pipelineVersion, long sequence) => $"{StateSegmentPrefix(pipelineVersion)}{sequence:D12}";

    public static string StateSegmentPrefix(string pipelineVersion) => $"log/{pipelineVersion}/segments/";

    /// <summary>The whole state index as of segment <paramref name="sequence"/>.</summary>
    public static string StateCheckpoint(string pipelineVersion, long sequence) => $"{StateCheckpointPrefix(pipelineVersion)}{sequence:D12}";

    public static string StateCheckpointPrefix(string pipelineVersion) => $"log/{pipelineVersion}/checkpoints/";

    /// <summary>Present when the state log of <paramref name="pipelineVersion"/> holds a decision for every outcome (<c>StateLogCoverage</c>).</summary>
    public static string StateCoverage(string pipelineVersion) => $"log/{pipelineVersion}/covers-all-outcomes";

    /// <summary>ETags come quoted (<c>"0x8DC…"</c>); quotes have no place in a blob name.</summary>
    public static string BareETag(string etag) => etag.Trim('"');

    // A name near Azure's limit cannot take a prefix or suffix; it is shortened and made unique
    // with a hash of the full name, so it still maps to exactly one input. A cut between the two
    // halves of a surrogate pair would leave a lone surrogate, which the SDK sends as U+FFFD: the
    // high half is dropped and a second '~' keeps the length.
    private static string Fit(string name, string suffix = "")
    {
        if (name.Length <= MaxLength)
            return name;
        var hash = "~" + Text.Dedup.ContentHash.Sha256Hex(name)[..32];
        var kept = name[..(MaxLength - hash.Length - suffix.Length)];
        if (char.IsHighSurrogate(kept[^1]))
            kept = kept[..^1] + "~";
        return kept + hash + suffix;
    }
}

/// <summary>A receipt's blob name taken apart: <c>receipts/{PipelineVersion}/{Container}/{Name}@{BareETag}</c>.</summary>
public sealed record ReceiptName(string PipelineVersion, string Container, string Name, string BareETag);

using Azure.Storage.Blobs.Models;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Storage.Blobs;
using IngestWorker.Storage;
using IngestWorker.Text.Dedup;
using IngestWorker.Text.Dedup.Near;

namespace IngestWorker.State;

/// <summary>
/// The dedup and template records of the layout before the state log: one blob per record in the
/// state container. <c>hashes/sha256/{ab}/{hash}</c> holds a <see cref="HashOwner"/> as JSON,
/// <c>near/{scheme}/band-{NN}/{key:x16}</c> a <see cref="BandEntry"/>,
/// <c>near/{scheme}/clusters/{container}/{name}</c> <c>{"representative": …}</c>, and
/// <c>templates/{hash}</c> a site's line counts. The worker no longer reads them;
/// <c>ingestworker-cli migrate-state</c> copies the first three into the log.
/// </summary>
public static class LegacyStateLayout
{
    public const string HashesPrefix = "hashes/";
    public const string NearPrefix = "near/";
    public const string TemplatesPrefix = "templates/";

    /// <summary>The command that carries the records over (docs/operations.md, "State layout").</summary>
    public const string MigrateCommand = "ingestworker-cli migrate-state";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A hash record: the hash is the name's last part, the owner the JSON body.</summary>
    public static HashClaimed? ReadHash(string blobName, BinaryData content)
    {
        var hash = blobName[(blobName.LastIndexOf('/') + 1)..];
        if (!blobName.StartsWith(HashesPrefix + "sha256/", StringComparison.Ordinal) || hash.Length != 64)
            return null;
        var owner = content.ToObjectFromJson<HashOwner>(Json);
        return owner is { Container: not null, Name: not null, ETag: not null } ? new HashClaimed(hash, owner) : null;
    }

    /// <summary>What a name under <c>near/</c> is: its scheme, and a band key or a cluster member; null when it is neither.</summary>
    public static NearRecordName? ParseNear(string blobName)
    {
        var parts = blobName.Split('/', 4);
        if (parts.Length < 4 || parts[0] != "near")
            return null;
        if (parts[2].StartsWith("band-", StringComparison.Ordinal) && !parts[3].Contains('/', StringComparison.Ordinal)
            && int.TryParse(parts[2].AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var band)
            && ulong.TryParse(parts[3], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var key))
            return new NearRecordName(parts[1], band, key, null, null);
        if (parts[2] == "clusters" && parts[3].Split('/', 2) is [var container, var name] && name.Length > 0)
        {
            // A name that the layout stood in for by a hash, or shortened, cannot be recovered.
            if (BlobNames.IsHashed(name) || BlobNames.IsShortened(blobName))
                return new NearRecordName(parts[1], null, null, container, null);
            return new NearRecordName(parts[1], null, null, container, name);
        }
        return null;
    }

    public static BandClaimed? ReadBand(NearRecordName record, BinaryData content) =>
        record is { Band: { } band, Key: { } key } && content.ToObjectFromJson<BandEntry>(Json) is { Container: not null, Name: not null, Signature: not null } owner
            ? new BandClaimed(band, key, owner)
            : null;

    public static ClusterSet? ReadCluster(NearRecordName record, BinaryData content) =>
        record is { Container: { } container, Name: { } name } && content.ToObjectFromJson<ClusterRecord>(Json) is { Representative: { } representative }
            ? new ClusterSet(container, name, representative)
            : null;

    /// <summary>
    /// The prefixes of the old layout that hold at least one blob (one listing of one item each).
    /// </summary>
    public static async ValueTask<IReadOnlyList<string>> FindAsync(BlobContainerClient state, CancellationToken cancellationToken)
    {
        var found = new List<string>();
        foreach (var prefix in new[] { HashesPrefix, NearPrefix })
        {
            try
            {
                await foreach (var page in state.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).AsPages(pageSizeHint: 1).ConfigureAwait(false))
                {
                    if (page.Values.Count > 0)
                        found.Add(prefix);
                    break;
                }
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // No state container: nothing of any layout.
                break;
            }
        }
        return found;
    }

    /// <summary>The warning a worker logs when it starts on an empty log next to records of the old layout.</summary>
    public static string StartWarning(IReadOnlyList<string> found, string pipelineVersion, string stateContainer) =>
        $"The state container '{stateContainer}' holds dedup records of the layout before the state log ({string.Join(" and ", found.Select(p => p + "…"))}), " +
        $"and the state log of pipeline version '{pipelineVersion}' is empty. The worker no longer reads those records: documents finished before the upgrade " +
        $"are not found as exact or near duplicates of new ones until they are migrated. Run `{MigrateCommand}` (with this worker's configuration; " +
        "it may run while workers run) to copy them into the log. The worker carries on meanwhile.";

    private sealed record ClusterRecord(string? Representative);
}

/// <summary>A record name under <c>near/</c>: a band key (<see cref="Band"/>, <see cref="Key"/>) or a cluster member (<see cref="Container"/>, <see cref="Name"/>; the name null when it was hashed or shortened).</summary>
public sealed record NearRecordName(string Scheme, int? Band, ulong? Key, string? Container, string? Name)
{
    public bool IsBand => Band is not null;
}

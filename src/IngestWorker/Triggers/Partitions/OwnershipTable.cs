using System.Text.Json;
using System.Text.Json.Serialization;

namespace IngestWorker.Triggers.Partitions;

/// <summary>
/// Who owns which partition of one scan, as one small JSON blob in the state container. One blob
/// rather than one per partition: a renewal is then one conditional write per worker, whatever the
/// partition count (docs/partitions.md, Cost), and a change of owners is atomic, so the table can
/// never show a partition with two owners.
/// </summary>
/// <param name="Partitions">The partition count the table was made for.</param>
/// <param name="Owners">Every owner that has not left or been found dead, and its heartbeat: a number it raises with every write.</param>
/// <param name="Claims">One entry per partition.</param>
public sealed record OwnershipTable(
    int Partitions,
    IReadOnlyDictionary<string, long> Owners,
    IReadOnlyList<PartitionClaim> Claims)
{
    public static OwnershipTable Empty(int partitions) =>
        new(partitions, new Dictionary<string, long>(), Enumerable.Repeat(PartitionClaim.Unowned, partitions).ToArray());

    /// <summary>The partitions this owner holds in the table.</summary>
    public IEnumerable<int> OwnedBy(string owner) =>
        Enumerable.Range(0, Claims.Count).Where(p => Claims[p].Owner == owner);

    public BinaryData ToBinary() => BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(this, PartitionJsonContext.Default.OwnershipTable));

    /// <summary>The table, or null when the content is not a well-formed table (it is then rewritten as if absent).</summary>
    public static OwnershipTable? FromBinary(BinaryData content)
    {
        try
        {
            var table = JsonSerializer.Deserialize(content, PartitionJsonContext.Default.OwnershipTable);
            return table is { Partitions: > 0, Owners: not null, Claims: not null } && table.Claims.Count == table.Partitions && table.Claims.All(c => c is not null)
                ? table
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// One partition's entry: its owner, and a worker that asked the owner to hand it over (a steal
/// is a request, not a takeover, so the owner can stop its work on the partition first).
/// </summary>
public sealed record PartitionClaim(string? Owner, string? RequestedBy = null)
{
    public static readonly PartitionClaim Unowned = new(Owner: null);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OwnershipTable))]
internal sealed partial class PartitionJsonContext : JsonSerializerContext;

using System.Text.Json;
using System.Text.Json.Serialization;

namespace IngestWorker.Storage;

/// <summary>
/// What the owner of one scan partition is trying, or last tried and has not finished: each input
/// version and the number of the attempt, counted before the attempt starts. It replaces the claim
/// record's attempt count: a worker that dies mid-batch leaves the record behind, and the next
/// owner of the partition counts those attempts, so a blob that kills its worker is poisoned after
/// <c>poisonBlobThreshold</c> attempts instead of being retried forever.
/// </summary>
public sealed record InflightRecord(string Owner, IReadOnlyList<InflightEntry> Entries)
{
    public bool IsEmpty => Entries.Count == 0;

    public BinaryData ToBinary() => BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(this, InflightJsonContext.Default.InflightRecord));

    /// <summary>The record, or null when the content is not a well-formed record.</summary>
    public static InflightRecord? FromBinary(BinaryData content)
    {
        try
        {
            var record = JsonSerializer.Deserialize(content, InflightJsonContext.Default.InflightRecord);
            return record is { Owner: not null, Entries: not null } && record.Entries.All(e => e is { Name: not null, ETag: not null, Attempt: > 0 })
                ? record
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>One input version: the attempt under way or last made (counted from 1), and the last error recorded for it.</summary>
public sealed record InflightEntry(
    string Name,
    [property: JsonPropertyName("etag")] string ETag,
    int Attempt,
    string? LastErrorType = null,
    string? LastError = null);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(InflightRecord))]
internal sealed partial class InflightJsonContext : JsonSerializerContext;

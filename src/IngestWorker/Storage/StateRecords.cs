using System.Text.Json.Serialization;
using IngestWorker.Text.Dedup;
using IngestWorker.Text.Dedup.Near;

namespace IngestWorker.Storage;

/// <summary>
/// Written once an input version is finished under a pipeline version: its outcome is in storage.
/// Unlike a Functions blob receipt (which means only "queued"), it exists only after success.
/// </summary>
public sealed record Receipt(
    string Container,
    string Name,
    [property: JsonPropertyName("etag")] string ETag,
    string PipelineVersion,
    string Status,
    IReadOnlyList<string> Reasons,
    string OutputContainer,
    string OutputName,
    DateTimeOffset CompletedAt);

/// <summary>
/// The durable part of a claim: how often this input version has been tried, and the last error.
/// It survives crashes, which is what turns a blob that kills its worker into a poison record
/// instead of a crash loop.
/// </summary>
public sealed record ClaimState(
    [property: JsonPropertyName("etag")] string? ETag,
    string? PipelineVersion,
    int Attempts,
    string? LastErrorType,
    string? LastError,
    DateTimeOffset? LastAttemptAt,
    string? Worker)
{
    public static ClaimState Fresh(string etag, string pipelineVersion) => new(etag, pipelineVersion, 0, null, null, null, null);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Receipt))]
[JsonSerializable(typeof(ClaimState))]
[JsonSerializable(typeof(HashOwner))]
[JsonSerializable(typeof(BandEntry))]
[JsonSerializable(typeof(NearClusterRecord))]
internal sealed partial class StateJsonContext : JsonSerializerContext;

/// <summary>The cluster a near duplicate belongs to, named by its first document.</summary>
public sealed record NearClusterRecord(string Representative);

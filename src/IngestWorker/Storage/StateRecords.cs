using System.Text.Json.Serialization;

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
    DateTimeOffset CompletedAt)
{
    /// <summary>
    /// The same receipt, field by field (the record's own equality compares <see cref="Reasons"/> by
    /// reference): read back from storage, it shows that this write is the one that was stored.
    /// <see cref="CompletedAt"/> is the writer's clock to the tick, so two attempts' receipts differ.
    /// </summary>
    public bool IsSameWrite(Receipt other) =>
        (Container, Name, ETag, PipelineVersion, Status, OutputContainer, OutputName, CompletedAt)
            == (other.Container, other.Name, other.ETag, other.PipelineVersion, other.Status, other.OutputContainer, other.OutputName, other.CompletedAt)
        && Reasons.SequenceEqual(other.Reasons);
}

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

    /// <summary>
    /// True for a record whose one counted attempt never ran: its creator counts the first attempt
    /// when it creates the record and only then takes the lease, and can lose that lease to a
    /// worker racing it for the same blob. Whoever did hold the lease either kept it for a whole
    /// <paramref name="claimDuration"/> or left a receipt, an error or a rolled-back count behind;
    /// so a lease obtained on a record younger than that, with one attempt and no error, means the
    /// attempt was never made. A third of the claim is left for clocks that disagree.
    /// </summary>
    public bool IsUnstartedFirstAttempt(DateTimeOffset now, TimeSpan claimDuration) =>
        Attempts == 1 && LastErrorType is null && LastAttemptAt is { } createdAt && now - createdAt < claimDuration * 2 / 3;
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Receipt))]
[JsonSerializable(typeof(ClaimState))]
internal sealed partial class StateJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization;

namespace IngestWorker.Storage;

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
    /// <paramref name="claimDuration"/> or left an outcome, an error or an outcome, an error or a rolled-back count behind;
    /// so a lease obtained on a record younger than that, with one attempt and no error, means the
    /// attempt was never made. A third of the claim is left for clocks that disagree.
    /// </summary>
    public bool IsUnstartedFirstAttempt(DateTimeOffset now, TimeSpan claimDuration) =>
        Attempts == 1 && LastErrorType is null && LastAttemptAt is { } createdAt && now - createdAt < claimDuration * 2 / 3;
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ClaimState))]
internal sealed partial class StateJsonContext : JsonSerializerContext;

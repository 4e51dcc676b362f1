using System.Text;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Azure.Messaging;
using Azure.Messaging.EventGrid;
using Azure.Messaging.EventGrid.SystemEvents;
using Azure.Storage.Blobs;

namespace IngestWorker.Triggers;

/// <summary>One blob version a queue message asks the worker to process.</summary>
/// <param name="ETag">Null when the message did not say (the blob is then processed as it is now).</param>
public sealed record WorkItem(string Container, string Name, string? ETag, long? ContentLength, DateTimeOffset? LastModified);

/// <summary>What a queue message turned out to be.</summary>
/// <param name="Items">The blobs to process (an Event Grid message may carry several events), each blob version once.</param>
/// <param name="Ignored">Events that are not about new blobs in the input container, with why (logged and counted, not processed).</param>
/// <param name="Error">Set when the message cannot be read at all: it goes to the poison queue.</param>
public sealed record ParsedWorkMessage(IReadOnlyList<WorkItem> Items, IReadOnlyList<IgnoredWork> Ignored, string? Error);

/// <summary>An event or work item that asks for no processing: its <see cref="Kind"/> is the metric's tag, its <see cref="Reason"/> the log's.</summary>
public sealed record IgnoredWork(string Kind, string Reason)
{
    /// <summary>A deletion, a rename, a tier change…: any event but <c>Microsoft.Storage.BlobCreated</c>.</summary>
    public const string OtherEventType = "other_event_type";

    /// <summary>A blob in another container (the outcome containers, when the subscription is not filtered).</summary>
    public const string OtherContainer = "other_container";

    /// <summary>An event without BlobCreated data or a usable blob URL.</summary>
    public const string Unusable = "unusable";

    /// <summary>A blob version that already has its outcome or is being processed (Event Grid delivers at least once; block uploads and retries send several events).</summary>
    public const string Duplicate = "duplicate";
}

/// <summary>
/// Reads the three kinds of message the work queue can hold: the scanner's own work items,
/// Event Grid events (Event Grid schema) and CloudEvents 1.0, each possibly batched in a JSON
/// array and possibly base64-encoded (Azure Functions and some SDKs encode queue messages).
/// Only <c>Microsoft.Storage.BlobCreated</c> events for the input container become work.
/// </summary>
public static class WorkMessage
{
    public const string BlobCreated = "Microsoft.Storage.BlobCreated";

    /// <summary>The scanner's message for one blob version.</summary>
    public static string For(string container, string name, string etag, long contentLength, DateTimeOffset? lastModified) =>
        JsonSerializer.Serialize(new ScannerMessage(container, name, etag, contentLength, lastModified), WorkMessageJsonContext.Default.ScannerMessage);

    /// <summary>
    /// The scanner's message for several blob versions (a JSON array of work items; one item is
    /// written as a lone object): one send, receive and delete for all of them.
    /// </summary>
    public static string For(IReadOnlyList<WorkItem> items) => items.Count == 1
        ? JsonSerializer.Serialize(Scanner(items[0]), WorkMessageJsonContext.Default.ScannerMessage)
        : JsonSerializer.Serialize(items.Select(Scanner).ToArray(), WorkMessageJsonContext.Default.ScannerMessageArray);

    private static ScannerMessage Scanner(WorkItem item) => new(item.Container, item.Name, item.ETag, item.ContentLength, item.LastModified);

    /// <summary>
    /// A <c>Microsoft.Storage.BlobCreated</c> event in the Event Grid schema, shaped as Azure Storage
    /// publishes it (ETag bare, one event in an array), for tools that stand in for Event Grid where
    /// there is none: the CLI's <c>drop</c> on Azurite, the benchmarks.
    /// </summary>
    public static string EventGridBlobCreated(Uri blobUrl, string etag, long contentLength, DateTimeOffset eventTime)
    {
        var blob = new BlobUriBuilder(blobUrl);
        var created = new JsonObject
        {
            ["topic"] = $"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/local/providers/Microsoft.Storage/storageAccounts/{blob.AccountName}",
            ["subject"] = $"/blobServices/default/containers/{blob.BlobContainerName}/blobs/{blob.BlobName}",
            ["eventType"] = BlobCreated,
            ["eventTime"] = eventTime.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
            ["id"] = Guid.NewGuid().ToString(),
            ["data"] = new JsonObject
            {
                ["api"] = "PutBlob",
                ["clientRequestId"] = Guid.NewGuid().ToString(),
                ["requestId"] = Guid.NewGuid().ToString(),
                ["eTag"] = etag.Trim('"'),
                ["contentType"] = "application/octet-stream",
                ["contentLength"] = contentLength,
                ["blobType"] = "BlockBlob",
                ["url"] = blobUrl.AbsoluteUri,
                ["sequencer"] = eventTime.UtcTicks.ToString("X32", CultureInfo.InvariantCulture),
                ["storageDiagnostics"] = new JsonObject { ["batchId"] = Guid.NewGuid().ToString() },
            },
            ["dataVersion"] = "",
            ["metadataVersion"] = "1",
        };
        return new JsonArray(created).ToJsonString();
    }

    public static ParsedWorkMessage Parse(BinaryData body, string inputContainer)
    {
        // A message given back by a worker carries its retry note around the body it was sent with.
        var json = AsJson(Storage.MessageRetryNote.Unwrap(body).Body);
        if (json is null)
            return Failed("the message is neither JSON nor base64-encoded JSON");
        try
        {
            using var document = JsonDocument.Parse(json);
            var first = document.RootElement.ValueKind == JsonValueKind.Array
                ? document.RootElement.EnumerateArray().FirstOrDefault()
                : document.RootElement;
            if (first.ValueKind != JsonValueKind.Object)
                return Failed("the message holds no JSON object");
            if (first.TryGetProperty("specversion", out _))
                return FromCloudEvents(CloudEvent.ParseMany(json, skipValidation: false), inputContainer);
            if (first.TryGetProperty("eventType", out _))
                return FromEventGridEvents(EventGridEvent.ParseMany(json), inputContainer);
            if (first.TryGetProperty("name", out _) && first.TryGetProperty("container", out _))
                return document.RootElement.ValueKind == JsonValueKind.Array
                    ? FromScanner(JsonSerializer.Deserialize(json, WorkMessageJsonContext.Default.ScannerMessageArray)!, inputContainer)
                    : FromScanner([JsonSerializer.Deserialize(json, WorkMessageJsonContext.Default.ScannerMessage)!], inputContainer);
            return Failed("the message is JSON but neither an Event Grid event, a CloudEvent nor a work item");
        }
        catch (Exception e) when (e is JsonException or ArgumentException or FormatException or InvalidOperationException)
        {
            return Failed($"the message could not be read: {e.Message}");
        }
    }

    private static ParsedWorkMessage FromScanner(ScannerMessage?[] messages, string inputContainer)
    {
        var items = new List<WorkItem>();
        var ignored = new List<IgnoredWork>();
        foreach (var message in messages)
        {
            if (message is null || string.IsNullOrEmpty(message.Name))
                return Failed("the work item names no blob");
            if (message.Container != inputContainer)
                ignored.Add(new(IgnoredWork.OtherContainer, $"work item for container '{message.Container}', not the input container '{inputContainer}'"));
            else
                AddOnce(items, ignored, message.Name, new WorkItem(message.Container, message.Name, message.ETag, message.ContentLength, message.LastModified));
        }
        return new(items, ignored, null);
    }

    private static ParsedWorkMessage FromEventGridEvents(EventGridEvent[] events, string inputContainer)
    {
        var items = new List<WorkItem>();
        var ignored = new List<IgnoredWork>();
        foreach (var e in events)
        {
            if (e.EventType != BlobCreated)
                ignored.Add(new(IgnoredWork.OtherEventType, $"event {e.Id} is {e.EventType}, not {BlobCreated}"));
            else if (!e.TryGetSystemEventData(out var data) || data is not StorageBlobCreatedEventData created)
                ignored.Add(new(IgnoredWork.Unusable, $"event {e.Id} has no BlobCreated data"));
            else
                Add(items, ignored, e.Id, created, e.EventTime, inputContainer);
        }
        return new(items, ignored, null);
    }

    private static ParsedWorkMessage FromCloudEvents(CloudEvent[] events, string inputContainer)
    {
        var items = new List<WorkItem>();
        var ignored = new List<IgnoredWork>();
        foreach (var e in events)
        {
            if (e.Type != BlobCreated)
                ignored.Add(new(IgnoredWork.OtherEventType, $"event {e.Id} is {e.Type}, not {BlobCreated}"));
            else if (!e.TryGetSystemEventData(out var data) || data is not StorageBlobCreatedEventData created)
                ignored.Add(new(IgnoredWork.Unusable, $"event {e.Id} has no BlobCreated data"));
            else
                Add(items, ignored, e.Id, created, e.Time, inputContainer);
        }
        return new(items, ignored, null);
    }

    private static void Add(List<WorkItem> items, List<IgnoredWork> ignored, string id, StorageBlobCreatedEventData created, DateTimeOffset? time, string inputContainer)
    {
        // As the URL is, not canonicalised: Uri would resolve %2E%2E segments and name another blob
        // (BlobNameSafety), possibly in another container; the name as stored gets its own outcome.
        if (!Uri.TryCreate(created.Url, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true }, out var url) || !url.IsAbsoluteUri)
        {
            ignored.Add(new(IgnoredWork.Unusable, $"event {id} has no usable blob URL ('{created.Url}')"));
            return;
        }
        var blob = new BlobUriBuilder(url);
        if (blob.BlobContainerName != inputContainer || string.IsNullOrEmpty(blob.BlobName))
        {
            ignored.Add(new(IgnoredWork.OtherContainer, $"event {id} is for '{blob.BlobContainerName}/{blob.BlobName}', not the input container '{inputContainer}'"));
            return;
        }
        AddOnce(items, ignored, $"event {id}", new WorkItem(blob.BlobContainerName, blob.BlobName, string.IsNullOrEmpty(created.ETag) ? null : Quoted(created.ETag), created.ContentLength, time));
    }

    /// <summary>One item per blob version: a batch that names a version twice (Event Grid retried a delivery inside one batch) processes it once.</summary>
    private static void AddOnce(List<WorkItem> items, List<IgnoredWork> ignored, string what, WorkItem item)
    {
        if (items.Any(i => i.Name == item.Name && i.ETag == item.ETag))
            ignored.Add(new(IgnoredWork.Duplicate, $"{what} names '{item.Name}' at ETag {item.ETag ?? "(none)"} again in the same message"));
        else
            items.Add(item);
    }

    // Event Grid writes ETags bare (0x8DC…); listings and downloads give them quoted.
    private static string Quoted(string etag) => etag.StartsWith('"') ? etag : $"\"{etag}\"";

    private static BinaryData? AsJson(BinaryData body)
    {
        var bytes = body.ToMemory().Span.TrimStart(" \t\r\n"u8);
        if (bytes.Length > 0 && (bytes[0] == (byte)'{' || bytes[0] == (byte)'['))
            return body;
        try
        {
            var decoded = Convert.FromBase64String(Encoding.ASCII.GetString(bytes));
            var start = decoded.AsSpan().TrimStart(" \t\r\n"u8);
            return start.Length > 0 && (start[0] == (byte)'{' || start[0] == (byte)'[') ? BinaryData.FromBytes(decoded) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static ParsedWorkMessage Failed(string error) => new([], [], error);

    internal sealed record ScannerMessage(
        [property: JsonPropertyName("container")] string Container,
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("etag")] string? ETag,
        [property: JsonPropertyName("contentLength")] long? ContentLength,
        [property: JsonPropertyName("lastModified")] DateTimeOffset? LastModified);
}

[JsonSerializable(typeof(WorkMessage.ScannerMessage))]
[JsonSerializable(typeof(WorkMessage.ScannerMessage[]), TypeInfoPropertyName = "ScannerMessageArray")]
internal sealed partial class WorkMessageJsonContext : JsonSerializerContext;

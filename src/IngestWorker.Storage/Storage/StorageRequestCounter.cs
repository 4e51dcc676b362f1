using System.Diagnostics;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using IngestWorker.Options;
using IngestWorker.Telemetry;

namespace IngestWorker.Storage;

/// <summary>
/// Counts and times every request the blob client sends, once per try (retries are Polly's, one layer up,
/// so each retry is a request of its own here). Tags name what the request was for rather than
/// the container's name, so dashboards work across deployments: the container's role, and for
/// the state container the area of bookkeeping (<c>claims</c>, <c>log/segments</c>,
/// <c>log/checkpoints</c>, <c>scanner</c>, <c>stats</c>; <c>receipts</c> only for <c>prune-receipts</c>
/// removing the receipt blobs of earlier layouts: an input's outcome is its receipt now, so finishing
/// an input and looking for its outcome count under the outcome containers' roles).
/// </summary>
internal sealed class StorageRequestCounter(ContainerOptions containers, IngestWorkerMetrics metrics, IReadOnlyDictionary<string, string>? queueRoles = null) : HttpPipelinePolicy
{
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var sent = Stopwatch.GetTimestamp();
        try
        {
            ProcessNext(message, pipeline);
        }
        finally
        {
            Record(message, sent);
        }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var sent = Stopwatch.GetTimestamp();
        try
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        finally
        {
            Record(message, sent);
        }
    }

    private void Record(HttpMessage message, long sent)
    {
        var (role, area) = Classify(message.Request.Uri.ToUri());
        metrics.StorageRequest(role, area, Operation(message.Request), message.HasResponse ? message.Response.Status : 0, Stopwatch.GetElapsedTime(sent));
    }

    internal (string Role, string Area) Classify(Uri uri)
    {
        var parts = new BlobUriBuilder(uri);
        var container = parts.BlobContainerName;
        var role = container == containers.Input ? "input"
            : container == containers.Accepted ? "accepted"
            : container == containers.Rejected ? "rejected"
            : container == containers.Poison ? "poison"
            : container == containers.State ? "state"
            : string.IsNullOrEmpty(container) ? "account"
            : queueRoles?.GetValueOrDefault(container) ?? "other";
        return (role, role == "state" ? StateArea(parts.BlobName) : "");
    }

    // The state log is split in two: segments are its commits (a share of one per document),
    // checkpoints its occasional snapshots. The pipeline version between them is left out, so
    // the tag's values stay a closed set.
    private static string StateArea(string blobName)
    {
        var segments = blobName.Split('/', 4);
        if (segments[0] == "log" && segments.Length >= 3)
            return segments[2] switch { "checkpoints" => "log/checkpoints", "segments" => "log/segments", _ => "log" };
        return segments[0];
    }

    internal static string Operation(Request request)
    {
        var query = request.Uri.Query;
        if (query.Contains("comp=list", StringComparison.Ordinal))
            return "list";
        if (query.Contains("comp=lease", StringComparison.Ordinal))
            return "lease";
        return request.Method.Method switch
        {
            "GET" or "HEAD" => "read",
            "PUT" => "write",
            "DELETE" => "delete",
            var other => other.ToLowerInvariant(),
        };
    }
}

/// <summary>
/// Names what a storage request was for, from its method, path and headers alone: the container's
/// role (input, accepted, rejected, poison) or, in the state container, the area of bookkeeping (its
/// first folder: receipts, claims, hashes, templates, near/bands, near/clusters, log/segments, …);
/// for queues, which queue. Unknown names are kept as they are, so a new area shows up as its own row.
/// </summary>
internal sealed class CallAreas(IReadOnlyDictionary<string, string> containerRoles, IReadOnlyDictionary<string, string> queueRoles)
{
    public (string Area, string Operation) Blob(string method, string target, IReadOnlyDictionary<string, string> headers)
    {
        var (container, name, query) = Split(target);
        if (container.Length == 0)
            return ("account", BlobOperation(method, query, headers, isContainer: false));
        var role = containerRoles.GetValueOrDefault(container, "other");
        var isContainer = query.Contains("restype=container", StringComparison.Ordinal);
        // A listing of the state container names its area by the prefix it lists (receipts/…).
        var stateName = name.Length > 0 ? name : Prefix(query);
        var area = role == "state" && stateName.Length > 0 ? "state:" + StateArea(stateName) : role;
        return (area, BlobOperation(method, query, headers, isContainer));
    }

    public (string Area, string Operation) Queue(string method, string target, IReadOnlyDictionary<string, string> headers)
    {
        var (queue, rest, query) = Split(target);
        var area = "queue:" + queueRoles.GetValueOrDefault(queue, queue.Length == 0 ? "account" : "other");
        var onMessages = rest.StartsWith("messages", StringComparison.Ordinal);
        var operation = (method, onMessages) switch
        {
            ("POST", true) => "send",
            ("GET", true) => query.Contains("peekonly=true", StringComparison.OrdinalIgnoreCase) ? "peek" : "receive",
            ("DELETE", true) => rest.Contains('/') ? "delete-message" : "clear",
            ("PUT", true) => "update-message",
            ("GET" or "HEAD", false) => query.Contains("comp=list", StringComparison.Ordinal) ? "list" : "properties",
            ("PUT", false) => query.Contains("comp=metadata", StringComparison.Ordinal) ? "set-metadata" : "create",
            ("DELETE", false) => "delete-queue",
            _ => method.ToLowerInvariant(),
        };
        return (area, operation);
    }

    // The near-duplicate index is split as the worker's own counter splits it: band claims are
    // most of a document's calls, cluster records one per decided document. A log's segments and
    // checkpoints are told apart the same way (log/{version}/segments/…).
    private static string StateArea(string name)
    {
        var parts = name.Split('/', 4);
        return parts[0] switch
        {
            "near" when parts.Length >= 3 => parts[2] == "clusters" ? "near/clusters" : "near/bands",
            "log" when parts.Length >= 3 => "log/" + parts[2],
            _ => parts[0],
        };
    }

    private static string BlobOperation(string method, string query, IReadOnlyDictionary<string, string> headers, bool isContainer)
    {
        if (query.Contains("comp=list", StringComparison.Ordinal))
            return "list";
        if (query.Contains("comp=lease", StringComparison.Ordinal))
            return "lease-" + headers.GetValueOrDefault("x-ms-lease-action", "?");
        if (query.Contains("comp=metadata", StringComparison.Ordinal))
            return method == "PUT" ? "set-metadata" : "get-metadata";
        if (isContainer)
            return method switch { "PUT" => "create-container", "DELETE" => "delete-container", _ => "container-properties" };
        return method switch
        {
            "GET" => "get",
            "HEAD" => "properties",
            // A put that may only create, or only replace a known version, is a different promise
            // from a plain overwrite; the table keeps them apart.
            "PUT" when headers.GetValueOrDefault("if-none-match") == "*" => "put-if-absent",
            "PUT" when headers.ContainsKey("if-match") => "put-if-match",
            "PUT" when headers.ContainsKey("x-ms-copy-source") => "copy",
            "PUT" => "put",
            "DELETE" => "delete",
            _ => method.ToLowerInvariant(),
        };
    }

    /// <summary>The blob name a request target addresses (empty for a container or the account).</summary>
    public static string BlobName(string target) => Split(target).Name;

    private static string Prefix(string query)
    {
        foreach (var pair in query.Split('&'))
        {
            if (pair.StartsWith("prefix=", StringComparison.Ordinal))
                return Uri.UnescapeDataString(pair["prefix=".Length..]);
        }
        return "";
    }

    // Path-style addressing, as Azurite serves it: /{account}/{container}/{name}?{query}.
    private static (string Container, string Name, string Query) Split(string target)
    {
        var question = target.IndexOf('?');
        var path = question < 0 ? target : target[..question];
        var query = question < 0 ? "" : target[(question + 1)..];
        var parts = path.TrimStart('/').Split('/', 3);
        var container = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "";
        var rest = parts.Length > 2 ? Uri.UnescapeDataString(parts[2]) : "";
        return (container, rest, query);
    }
}

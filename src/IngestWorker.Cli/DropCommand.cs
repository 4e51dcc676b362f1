using System.Text;
using Azure.Storage.Blobs;
using IngestWorker.Options;
using IngestWorker.Storage;
using IngestWorker.Telemetry;
using IngestWorker.Triggers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IngestWorker.Cli;

/// <summary>
/// Uploads files to the input container, optionally following them to their outcomes. Where Event
/// Grid would tell the workers (mode <c>eventGrid</c>, or <c>--event</c> in mode <c>queue</c>), it
/// posts the <c>BlobCreated</c> event Event Grid would deliver, since Azurite has no Event Grid.
/// </summary>
internal static class DropCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, CancellationToken cancellationToken)
    {
        var paths = new List<string>();
        string prefix = "";
        bool watch = false, exitWhenDone = false, postEvents = false;
        var timeout = TimeSpan.FromSeconds(120);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--prefix": prefix = Value(args, ref i).Trim('/') + "/"; break;
                case "--watch": watch = true; break;
                case "--exit-when-done": watch = exitWhenDone = true; break;
                case "--event": postEvents = true; break;
                case "--timeout": timeout = TimeSpan.FromSeconds(double.Parse(Value(args, ref i), System.Globalization.CultureInfo.InvariantCulture)); break;
                case "--host-json": i++; break;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal))
                        throw new ArgumentException($"drop: unknown option {args[i]}");
                    paths.Add(args[i]);
                    break;
            }
        }
        if (prefix == "/")
            prefix = "";
        var files = Expand(paths, prefix);
        if (files.Count == 0)
            throw new ArgumentException("drop: no files given (or the folders are empty).");

        var mode = services.GetRequiredService<IOptions<IngestWorkerOptions>>().Value.Trigger.Mode;
        if (mode == TriggerOptions.EventGridMode)
            postEvents = true;
        else if (postEvents && mode != TriggerOptions.QueueMode)
            throw new ArgumentException($"drop: --event needs mode queue or eventGrid (the workers read events from their work queue); this configuration is in {mode} mode.");

        var containers = services.GetRequiredService<IngestContainers>();
        await containers.Input.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        // Created if need be, as the workers would: events posted before a worker starts wait for it.
        var queues = postEvents ? services.GetRequiredService<WorkQueues>() : null;
        if (queues is not null)
            await queues.EnsureExistAsync(cancellationToken);
        foreach (var (path, name) in files)
        {
            // Uploaded by the SDK, such a name would land under another name (BlobNameSafety).
            if (BlobNameSafety.Problem(name) is { } problem)
                throw new ArgumentException($"drop: {path} cannot be uploaded as '{name}': {problem}.");
        }
        var dropped = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, name) in files)
        {
            var blob = containers.Input.GetBlobClient(name);
            await using var stream = File.OpenRead(path);
            var info = (await blob.UploadAsync(stream, overwrite: true, cancellationToken)).Value;
            dropped[name] = info.ETag.ToString("H");
            if (queues is not null)
            {
                // Base64, as Event Grid delivers to a storage queue.
                var created = WorkMessage.EventGridBlobCreated(blob.Uri, info.ETag.ToString(), stream.Length, info.LastModified);
                await queues.SendAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(created)), cancellationToken);
            }
        }
        Console.WriteLine($"Dropped {dropped.Count} file(s) into '{containers.Input.Name}' at {Secrets.Endpoint(containers.Service.Uri)}"
            + (queues is null ? "." : $", and posted a BlobCreated event for each to queue '{queues.Work.Name}' (Azurite has no Event Grid: this stands in for it)."));
        if (!watch)
            return 0;

        return await OutcomeWatcher.FollowAsync(services, dropped, exitWhenDone, timeout, cancellationToken);
    }

    private static string Value(string[] args, ref int i) =>
        i + 1 < args.Length ? args[++i] : throw new ArgumentException($"drop: {args[i]} needs a value.");

    private static List<(string Path, string Name)> Expand(List<string> paths, string prefix)
    {
        var files = new List<(string, string)>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                    files.Add((file, prefix + Path.GetRelativePath(path, file).Replace('\\', '/')));
            }
            else if (File.Exists(path))
            {
                files.Add((path, prefix + Path.GetFileName(path)));
            }
            else
            {
                throw new ArgumentException($"drop: {path} does not exist.");
            }
        }
        return files;
    }
}

using Azure.Storage.Blobs;
using IngestWorker.Storage;
using IngestWorker.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace IngestWorker.Cli;

/// <summary>Uploads files to the input container, optionally following them to their outcomes.</summary>
internal static class DropCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, CancellationToken cancellationToken)
    {
        var paths = new List<string>();
        string prefix = "";
        bool watch = false, exitWhenDone = false;
        var timeout = TimeSpan.FromSeconds(120);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--prefix": prefix = Value(args, ref i).Trim('/') + "/"; break;
                case "--watch": watch = true; break;
                case "--exit-when-done": watch = exitWhenDone = true; break;
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

        var containers = services.GetRequiredService<IngestContainers>();
        await containers.Input.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var dropped = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, name) in files)
        {
            await using var stream = File.OpenRead(path);
            var info = await containers.Input.GetBlobClient(name).UploadAsync(stream, overwrite: true, cancellationToken);
            dropped[name] = info.Value.ETag.ToString("H");
        }
        Console.WriteLine($"Dropped {dropped.Count} file(s) into '{containers.Input.Name}' at {Secrets.Endpoint(containers.Service.Uri)}.");
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

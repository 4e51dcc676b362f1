using System.Globalization;

// Compiled into IngestWorker.Bench and IngestWorker.CallBench (see their .csproj files).

/// <summary>The benches' command line: <c>--name value</c> pairs, each name looked up where it stands.</summary>
internal sealed class BenchArgs(string[] args)
{
    /// <summary>The word after <paramref name="name"/>; null when the name is absent or last.</summary>
    public string? Text(string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    public int Int(string name, int fallback) => Text(name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    /// <summary>A comma-separated list, blanks dropped.</summary>
    public List<string> List(string name, string fallback) =>
        [.. (Text(name) ?? fallback).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}

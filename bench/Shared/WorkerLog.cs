using System.Globalization;

// Compiled into IngestWorker.Bench and IngestWorker.CallBench (see their .csproj files).

/// <summary>The worker's console lines that the benches read: ready, one outcome per blob, warnings.</summary>
internal static class WorkerLog
{
    /// <summary>The trigger's line once it watches its container: the worker may be given blobs.</summary>
    public static bool IsReady(string line) => line.Contains("Watching container", StringComparison.Ordinal);

    public static bool IsWarning(string line) =>
        line.Contains(" warn: ", StringComparison.Ordinal) || line.Contains(" fail: ", StringComparison.Ordinal) || line.Contains(" crit: ", StringComparison.Ordinal);

    /// <summary>
    /// BlobProcessor's outcome line, <c>{BlobName} {Status}{Reasons} -> {OutputContainer}/{OutputName} (attempt {Attempt}, {ElapsedMs} ms).</c>
    /// </summary>
    /// <param name="container">The output container (empty if the output names none).</param>
    /// <param name="name">The output blob's name in it.</param>
    /// <param name="attempt">The attempt that reached the outcome; 0 when it cannot be read.</param>
    public static bool TryParseOutcome(string line, out string container, out string name, out int attempt)
    {
        (container, name, attempt) = ("", "", 0);
        // The arrow is searched from the end: a blob's own name may hold one.
        var arrow = line.LastIndexOf(" -> ", StringComparison.Ordinal);
        var at = arrow < 0 ? -1 : line.IndexOf(" (attempt ", arrow, StringComparison.Ordinal);
        if (at <= 0 || !line.Contains("BlobProcessor", StringComparison.Ordinal))
            return false;
        var output = line[(arrow + 4)..at];
        var slash = output.IndexOf('/');
        container = output[..Math.Max(0, slash)];
        name = output[(slash + 1)..];
        var digits = line.AsSpan(at + 10);
        attempt = int.TryParse(digits[..Math.Max(0, digits.IndexOf(','))], NumberStyles.None, CultureInfo.InvariantCulture, out var a) ? a : 0;
        return true;
    }
}

/// <summary>
/// A worker process the bench started, and what its console says: whether it is ready, how many
/// warnings it logged (the first few echoed on stderr), and each line for the bench's own reading.
/// </summary>
internal sealed class WorkerConsole : IDisposable
{
    private const int WarningsShown = 10;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _label;
    private readonly Action<string> _onLine;
    private int _warnings;

    /// <param name="label">How its stderr and warnings are prefixed on the bench's stderr.</param>
    /// <param name="onLine">Called with each stdout line, before anything else looks at it (so a time taken there is the line's).</param>
    public WorkerConsole(System.Diagnostics.Process process, string label, Action<string> onLine)
    {
        Process = process;
        _label = label;
        _onLine = onLine;
        Children.Track(process);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => _ready.TrySetException(new InvalidOperationException($"Worker process {process.Id} exited before it was watching its container."));
        process.OutputDataReceived += (_, e) => Read(e.Data);
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"{label}: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>
    /// How the benches start the worker: its Release build, the repository's host.json, containers
    /// named after <paramref name="prefix"/>, the trigger mode, and at Information only the lines
    /// read here (the trigger's ready line and one line per outcome).
    /// </summary>
    public static System.Diagnostics.ProcessStartInfo StartInfo(string workerDll, string hostJson, string connectionString, string prefix, string mode)
    {
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(workerDll);
        info.Environment["INGESTWORKER_HOST_JSON"] = hostJson;
        info.Environment["AzureWebJobsStorage"] = connectionString;
        info.Environment["ingestWorker__containers__input"] = prefix + "-incoming";
        info.Environment["ingestWorker__containers__accepted"] = prefix + "-cleaned";
        info.Environment["ingestWorker__containers__rejected"] = prefix + "-rejected";
        info.Environment["ingestWorker__containers__poison"] = prefix + "-poison";
        info.Environment["ingestWorker__containers__state"] = prefix + "-state";
        info.Environment["ingestWorker__trigger__mode"] = mode;
        info.Environment["logging__logLevel__default"] = "Warning";
        info.Environment["logging__logLevel__IngestWorker.Triggers"] = "Information";
        // One line per outcome (the worker's default level).
        info.Environment["logging__logLevel__IngestWorker.Processing.BlobProcessor"] = "Information";
        return info;
    }

    public System.Diagnostics.Process Process { get; }

    public Task Ready => _ready.Task;

    public bool HasExited => Process.HasExited;

    public int ExitCode => Process.ExitCode;

    public int Warnings => Volatile.Read(ref _warnings);

    private void Read(string? line)
    {
        if (line is null)
            return;
        _onLine(line);
        if (WorkerLog.IsReady(line))
            _ready.TrySetResult();
        if (WorkerLog.IsWarning(line) && Interlocked.Increment(ref _warnings) <= WarningsShown)
            Console.Error.WriteLine($"{_label}: {line}");
    }

    public void Dispose()
    {
        Children.Stop(Process);
        Process.Dispose();
    }
}

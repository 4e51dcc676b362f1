using System.Diagnostics;
using System.Globalization;

/// <summary>
/// The worker as its own process (the Release build, the repository's host.json apart from container
/// names and the trigger mode). Its outcome log lines tell the bench when each blob was done, on the
/// bench's own clock (<see cref="BenchClock"/>), so latency needs no reading of outputs.
/// </summary>
internal sealed class Worker : IDisposable
{
    private const int WarningsShown = 10;
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Outcome> _outcomes = [];
    private readonly string _prefix;
    private int _warnings;

    private Worker(Process process, string prefix)
    {
        _process = process;
        _prefix = prefix;
        Children.Track(process);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => _ready.TrySetException(new InvalidOperationException($"Worker process {process.Id} exited before it was watching its container."));
        process.OutputDataReceived += (_, e) => Read(e.Data);
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"worker: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static Worker Start(string workerDll, string hostJson, string connectionString, string prefix, string mode)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
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
        // One line per outcome (the worker's default level): when each blob was done.
        info.Environment["logging__logLevel__IngestWorker.Processing.BlobProcessor"] = "Information";
        return new Worker(Process.Start(info)!, prefix);
    }

    public Task Ready => _ready.Task;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public int Warnings => Volatile.Read(ref _warnings);

    public List<Outcome> Outcomes
    {
        get
        {
            lock (_outcomes)
                return [.. _outcomes];
        }
    }

    public int DistinctOutcomes
    {
        get
        {
            lock (_outcomes)
                return _outcomes.Select(o => o.Name).Distinct(StringComparer.Ordinal).Count();
        }
    }

    private void Read(string? line)
    {
        if (line is null)
            return;
        var at = BenchClock.Now;
        if (line.Contains("Watching container", StringComparison.Ordinal))
            _ready.TrySetResult();
        // "{BlobName} {Status}{Reasons} -> {OutputContainer}/{OutputName} (attempt {Attempt}, {ElapsedMs} ms)."
        var arrow = line.LastIndexOf(" -> ", StringComparison.Ordinal);
        var attempt = arrow < 0 ? -1 : line.IndexOf(" (attempt ", arrow, StringComparison.Ordinal);
        if (attempt > 0 && line.Contains("BlobProcessor", StringComparison.Ordinal))
        {
            var output = line[(arrow + 4)..attempt];
            var slash = output.IndexOf('/');
            var container = output[..Math.Max(0, slash)];
            var name = output[(slash + 1)..];
            if (name.EndsWith(".json", StringComparison.Ordinal))
                name = name[..^5];
            var status = container == _prefix + "-cleaned" ? "accepted" : container == _prefix + "-rejected" ? "rejected" : container == _prefix + "-poison" ? "poison" : container;
            var digits = line.AsSpan(attempt + 10);
            var n = int.TryParse(digits[..Math.Max(0, digits.IndexOf(','))], NumberStyles.None, CultureInfo.InvariantCulture, out var a) ? a : 0;
            lock (_outcomes)
                _outcomes.Add(new Outcome(name, status, n, at));
        }
        if (line.Contains(" warn: ", StringComparison.Ordinal) || line.Contains(" fail: ", StringComparison.Ordinal) || line.Contains(" crit: ", StringComparison.Ordinal))
        {
            if (Interlocked.Increment(ref _warnings) <= WarningsShown)
                Console.Error.WriteLine($"worker: {line}");
        }
    }

    public void Dispose()
    {
        Children.Stop(_process);
        _process.Dispose();
    }
}

/// <param name="At">When the bench read the outcome's log line (<see cref="BenchClock"/> ms).</param>
internal sealed record Outcome(string Name, string Status, int Attempt, long At);

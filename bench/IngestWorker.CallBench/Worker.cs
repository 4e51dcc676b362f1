using System.Diagnostics;

/// <summary>
/// The worker as its own process (the Release build, the repository's host.json apart from container
/// names and the trigger mode). Its outcome log lines tell the bench when each blob was done, on the
/// bench's own clock (<see cref="BenchClock"/>), so latency needs no reading of outputs.
/// </summary>
internal sealed class Worker : IDisposable
{
    private readonly WorkerConsole _console;
    private readonly List<Outcome> _outcomes = [];
    private readonly string _prefix;

    private Worker(Process process, string prefix)
    {
        _prefix = prefix;
        _console = new WorkerConsole(process, "worker", Read);
    }

    public static Worker Start(string workerDll, string hostJson, string connectionString, string prefix, string mode) =>
        new(Process.Start(WorkerConsole.StartInfo(workerDll, hostJson, connectionString, prefix, mode))!, prefix);

    public Task Ready => _console.Ready;

    public Process Process => _console.Process;

    public bool HasExited => _console.HasExited;

    public int ExitCode => _console.ExitCode;

    public int Warnings => _console.Warnings;

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

    private void Read(string line)
    {
        var at = BenchClock.Now;
        if (!WorkerLog.TryParseOutcome(line, out var container, out var name, out var attempt))
            return;
        if (name.EndsWith(".json", StringComparison.Ordinal))
            name = name[..^5];
        var status = container == _prefix + "-cleaned" ? "accepted" : container == _prefix + "-rejected" ? "rejected" : container == _prefix + "-poison" ? "poison" : container;
        lock (_outcomes)
            _outcomes.Add(new Outcome(name, status, attempt, at));
    }

    public void Dispose() => _console.Dispose();
}

/// <param name="At">When the bench read the outcome's log line (<see cref="BenchClock"/> ms).</param>
internal sealed record Outcome(string Name, string Status, int Attempt, long At);

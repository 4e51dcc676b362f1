using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace IngestWorker.IntegrationTests.Infrastructure;

/// <summary>The worker as its own OS process (dotnet IngestWorker.dll), configured through environment variables as a user would.</summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;

    private WorkerProcess(Process process) => _process = process;

    public ConcurrentQueue<string> Output { get; } = new();

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static WorkerProcess Start(IDictionary<string, string?> settings) =>
        StartCommand(["dotnet", RepositoryPaths.WorkerDll], Path.GetTempPath(), settings);

    /// <summary>The worker started by <paramref name="command"/> (a program and its arguments) in <paramref name="workingDirectory"/>, as a container's entry point starts it.</summary>
    public static WorkerProcess StartCommand(IReadOnlyList<string> command, string workingDirectory, IDictionary<string, string?> settings)
    {
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in command.Skip(1))
            info.ArgumentList.Add(argument);
        // A null value unsets the variable (e.g. AzureWebJobsStorage, for an identity-based connection).
        foreach (var (key, value) in settings)
            if (value is null)
                info.Environment.Remove(key.Replace(":", "__", StringComparison.Ordinal));
            else
                info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the worker process.");
        var worker = new WorkerProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) worker.Output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) worker.Output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Any(line => line.Contains(text, StringComparison.Ordinal)))
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The worker exited ({_process.ExitCode}) before printing '{text}':\n{string.Join('\n', Output)}");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The worker did not print '{text}' within {timeout}:\n{string.Join('\n', Output)}");
            await Task.Delay(100);
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        // Let the asynchronous readers drain.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or an out-of-memory kill.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM (Ctrl-C in a container): the host's graceful shutdown.</summary>
    public void Terminate()
    {
        if (!_process.HasExited)
            Process.Start("kill", ["-TERM", _process.Id.ToString()])!.WaitForExit();
    }

    /// <summary>
    /// The processor's one summary line per finished blob, from a worker logging JSON with scopes
    /// (<c>logging:console:formatterName=json</c>), with the blob's name and attempt from the scope.
    /// </summary>
    public List<(string BlobName, string Message)> SummaryLines() =>
        SummaryEntries().Select(e => (e.BlobName, e.Message)).ToList();

    public List<(string BlobName, int Attempt, string Message)> SummaryEntries()
    {
        var lines = new List<(string, int, string)>();
        foreach (var line in Output)
        {
            if (!line.StartsWith('{'))
                continue;
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.GetProperty("Category").GetString() != "IngestWorker.Processing.BlobProcessor")
                continue;
            var message = root.GetProperty("Message").GetString()!;
            if (!message.Contains(" -> ", StringComparison.Ordinal))
                continue;
            var scopes = root.GetProperty("Scopes").EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object).ToList();
            // The blob's name comes from the log scope, which is what users filter on.
            var blobName = scopes.Where(s => s.TryGetProperty("BlobName", out _)).Select(s => s.GetProperty("BlobName").GetString()!).Single();
            var attempt = scopes.Where(s => s.TryGetProperty("Attempt", out _)).Select(s => s.GetProperty("Attempt") is { ValueKind: JsonValueKind.Number } n ? n.GetInt32() : int.Parse(s.GetProperty("Attempt").GetString()!)).SingleOrDefault();
            lines.Add((blobName, attempt, message));
        }
        return lines;
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}

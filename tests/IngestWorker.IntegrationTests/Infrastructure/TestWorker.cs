using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using IngestWorker.Triggers;

namespace IngestWorker.IntegrationTests.Infrastructure;

/// <summary>The real worker host, in this process, configured for one test's containers.</summary>
public sealed class TestWorker : IAsyncDisposable
{
    private readonly IHost _host;

    private TestWorker(IHost host, CapturedLogs logs)
    {
        _host = host;
        Logs = logs;
    }

    public CapturedLogs Logs { get; }

    public IServiceProvider Services => _host.Services;

    public static async Task<TestWorker> StartAsync(
        TestContainers containers,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var all = containers.Settings();
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            all[key] = value;
        var builder = IngestWorkerHost.CreateBuilder([], config => config.AddInMemoryCollection(all));
        var logs = new CapturedLogs();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        var worker = new TestWorker(host, logs);
        await host.Services.GetRequiredService<IWorkerTrigger>().Started.WaitAsync(TimeSpan.FromSeconds(30));
        return worker;
    }

    /// <summary>Waits until <paramref name="count"/> more complete scans of the input container have run.</summary>
    public async Task WaitForScansAsync(int count)
    {
        var trigger = Services.GetRequiredService<IWorkerTrigger>();
        var target = trigger.CompletedScans + count;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (trigger.CompletedScans < target)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Fewer than {count} scans ran within 60 s.");
            await Task.Delay(50);
        }
    }

    /// <summary>The summary lines the processor writes once per finished blob.</summary>
    public IReadOnlyList<LogEntry> OutcomeLines() =>
        Logs.Entries.Where(e => e.Category.EndsWith("BlobProcessor", StringComparison.Ordinal) && e.Message.Contains(" -> ", StringComparison.Ordinal)).ToList();

    /// <summary>Waits for <paramref name="count"/> summary lines: a blob's line follows its outcome by a moment.</summary>
    public async Task<IReadOnlyList<LogEntry>> WaitForOutcomeLinesAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (OutcomeLines().Count < count)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Expected {count} outcome log lines, saw {OutcomeLines().Count}.");
            await Task.Delay(20);
        }
        return OutcomeLines();
    }

    public async Task StopAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _host.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (ObjectDisposedException)
        {
        }
        _host.Dispose();
    }
}

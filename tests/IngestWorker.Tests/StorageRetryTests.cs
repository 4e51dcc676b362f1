using System.Diagnostics.Metrics;
using System.Net;
using Azure;
using IngestWorker.Options;
using IngestWorker.Storage;
using IngestWorker.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IngestWorker.Tests;

/// <summary>
/// Retries must happen in exactly one layer. A tiny HTTP server that always answers 503 counts the
/// requests one storage call produces: with the SDK's retries switched off, that is exactly
/// 1 + retry:maxRetryCount.
/// </summary>
public sealed class StorageRetryTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task A_failing_storage_call_is_tried_exactly_once_plus_the_configured_retries(int maxRetryCount)
    {
        using var server = new AlwaysUnavailableServer();
        var retry = new RetryOptions
        {
            MaxRetryCount = maxRetryCount,
            MinimumInterval = TimeSpan.FromMilliseconds(1),
            MaximumInterval = TimeSpan.FromMilliseconds(5),
            AttemptTimeout = TimeSpan.FromSeconds(10),
        };
        var service = StorageClientFactory.CreateBlobServiceClient(new StorageOptions { ConnectionString = server.ConnectionString }, retry);
        var resilience = new StorageResilience(Microsoft.Extensions.Options.Options.Create(retry), NullLogger<StorageResilience>.Instance);

        var blob = service.GetBlobContainerClient("box").GetBlobClient("item.txt");
        var error = await Assert.ThrowsAsync<StorageUnavailableException>(async () =>
            await resilience.RunAsync(async ct => await blob.GetPropertiesAsync(cancellationToken: ct), CancellationToken.None));

        Assert.Equal(503, Assert.IsType<RequestFailedException>(error.InnerException).Status);
        Assert.Contains($"{1 + maxRetryCount} tr", error.Message);
        Assert.Equal(1 + maxRetryCount, server.Requests);
        Assert.Equal(maxRetryCount, resilience.Retries);
    }

    [Fact]
    public async Task Each_retry_is_counted_on_the_meter_with_its_error_type()
    {
        using var server = new AlwaysUnavailableServer();
        var retry = new RetryOptions { MaxRetryCount = 3, MinimumInterval = TimeSpan.FromMilliseconds(1), MaximumInterval = TimeSpan.FromMilliseconds(5) };
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new IngestWorkerMetrics(services.GetRequiredService<IMeterFactory>());
        var retries = new List<(long Value, object? ErrorType)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == metrics.Meter && instrument.Name == IngestWorkerMetrics.StorageRetriesName)
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) => retries.Add((value, tags.ToArray().Single(t => t.Key == "error.type").Value)));
        listener.Start();
        var service = StorageClientFactory.CreateBlobServiceClient(new StorageOptions { ConnectionString = server.ConnectionString }, retry);
        var resilience = new StorageResilience(Microsoft.Extensions.Options.Options.Create(retry), NullLogger<StorageResilience>.Instance, metrics);

        var blob = service.GetBlobContainerClient("box").GetBlobClient("item.txt");
        await Assert.ThrowsAsync<StorageUnavailableException>(async () =>
            await resilience.RunAsync(async ct => await blob.GetPropertiesAsync(cancellationToken: ct), CancellationToken.None));

        Assert.Equal([(1L, "503"), (1L, "503"), (1L, "503")], retries);
    }

    [Fact]
    public async Task While_storage_is_down_one_retry_warning_per_window_says_how_many_were_held_back()
    {
        using var server = new AlwaysUnavailableServer();
        var retry = new RetryOptions { MaxRetryCount = 3, MinimumInterval = TimeSpan.FromMilliseconds(1), MaximumInterval = TimeSpan.FromMilliseconds(2) };
        var service = StorageClientFactory.CreateBlobServiceClient(new StorageOptions { ConnectionString = server.ConnectionString }, retry);
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero));
        var logger = new WarningLines();
        var resilience = new StorageResilience(Microsoft.Extensions.Options.Options.Create(retry), logger, clock: clock);
        var blob = service.GetBlobContainerClient("box").GetBlobClient("item.txt");
        async Task CallAsync() => await Assert.ThrowsAsync<StorageUnavailableException>(async () =>
            await resilience.RunAsync(async ct => await blob.GetPropertiesAsync(cancellationToken: ct), CancellationToken.None));

        for (var i = 0; i < 10; i++)
            await CallAsync();
        Assert.Equal(30, resilience.Retries);
        var first = Assert.Single(logger.Lines);
        Assert.Contains("retry 1 of 3", first);
        Assert.DoesNotContain("not logged one by one", first);

        clock.Advance(StorageResilience.RetryWarningWindow);
        await CallAsync();
        Assert.Equal(2, logger.Lines.Count);
        Assert.Contains("29 more storage retries since the last such line were not logged one by one", logger.Lines[1]);
    }

    [Fact]
    public void The_log_throttle_lets_one_line_through_per_window_and_counts_the_rest()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero));
        var throttle = new LogThrottle(TimeSpan.FromSeconds(5), clock);
        Assert.True(throttle.TryLog(out var held));
        Assert.Equal(0, held);
        Assert.False(throttle.TryLog(out _));
        clock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(throttle.TryLog(out _));
        clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(throttle.TryLog(out held));
        Assert.Equal(2, held);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(throttle.TryLog(out held));
        Assert.Equal(0, held);
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    private sealed class WarningLines : ILogger<StorageResilience>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
                lock (Lines)
                    Lines.Add(formatter(state, exception));
        }
    }

    [Fact]
    public async Task Answers_such_as_not_found_are_not_retried()
    {
        using var server = new AlwaysUnavailableServer(HttpStatusCode.NotFound);
        var retry = new RetryOptions { MaxRetryCount = 3, MinimumInterval = TimeSpan.FromMilliseconds(1) };
        var service = StorageClientFactory.CreateBlobServiceClient(new StorageOptions { ConnectionString = server.ConnectionString }, retry);
        var resilience = new StorageResilience(Microsoft.Extensions.Options.Options.Create(retry), NullLogger<StorageResilience>.Instance);

        var blob = service.GetBlobContainerClient("box").GetBlobClient("item.txt");
        await Assert.ThrowsAsync<RequestFailedException>(async () =>
            await resilience.RunAsync(async ct => await blob.GetPropertiesAsync(cancellationToken: ct), CancellationToken.None));

        Assert.Equal(1, server.Requests);
    }

    private sealed class AlwaysUnavailableServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly HttpStatusCode _status;
        private int _requests;

        public AlwaysUnavailableServer(HttpStatusCode status = HttpStatusCode.ServiceUnavailable)
        {
            _status = status;
            var port = FreePort();
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
            ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
                "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
                $"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
            _ = ServeAsync();
        }

        public string ConnectionString { get; }

        public int Requests => Volatile.Read(ref _requests);

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                Interlocked.Increment(ref _requests);
                context.Response.StatusCode = (int)_status;
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();

        private static int FreePort()
        {
            using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            socket.Start();
            return ((IPEndPoint)socket.LocalEndpoint).Port;
        }
    }
}

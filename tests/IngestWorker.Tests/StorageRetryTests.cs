using System.Diagnostics.Metrics;
using System.Net;
using Azure;
using IngestWorker.Options;
using IngestWorker.Storage;
using IngestWorker.Telemetry;
using Microsoft.Extensions.DependencyInjection;
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

using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Azure.Storage.Queues;
using IngestWorker.IntegrationTests.Infrastructure;
using IngestWorker.Telemetry;
using IngestWorker.Text.Dedup;
using IngestWorker.Text.Dedup.Near;
using IngestWorker.Text.Language;
using IngestWorker.Text.Pipeline;
using IngestWorker.Text.Quality;
using IngestWorker.Text.Templates;
using IngestWorker.Text.Tests.Quality;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IngestWorker.IntegrationTests;

/// <summary>
/// The <c>IngestWorker</c> meter read as an exporter reads it (a <see cref="MeterListener"/>), on
/// a real Azurite, for inputs whose outcomes are known in advance; and the one summary line per input.
/// </summary>
public sealed class MetricsTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly string[] StandardStages =
        ["size_limit", "detect_format", "decompress", "decode", "read", "normalize", "boilerplate", "language", "quality", "exact_dedup", "near_dedup"];

    [Fact]
    public async Task A_known_set_of_inputs_is_counted_by_outcome_and_reason_with_its_bytes_timings_and_latency()
    {
        var containers = new TestContainers(azurite);
        await using var worker = await TestWorker.StartAsync(containers, new Dictionary<string, string?>
        {
            ["extensions:blobs:poisonBlobThreshold"] = "2",
            ["ingestWorker:pipeline:maxInputBytes"] = "20000",
        }, services => services.AddSingleton(sp => new TextPipeline([new CurseStage(), .. StandardPipeline(sp)])));
        using var metrics = new MetricsRecorder(worker.Services.GetRequiredService<IMeterFactory>());

        var original = TestTexts.Article("metrics-1");
        var inputs = new Dictionary<string, byte[]>
        {
            ["ok/1.txt"] = Encoding.UTF8.GetBytes(original),
            ["ok/2.txt"] = Encoding.UTF8.GetBytes(TestTexts.Article("metrics-2")),
            ["ok/3.txt"] = Encoding.UTF8.GetBytes(TestTexts.Article("metrics-3")),
            // Whichever of the two is processed second is the duplicate: one accepted, one rejected either way.
            ["copy.txt"] = Encoding.UTF8.GetBytes(original),
            ["empty.txt"] = [],
            ["image.txt"] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52],
            ["brief.txt"] = Encoding.UTF8.GetBytes(QualityTexts.TooShortBrief),
            ["huge.txt"] = Encoding.UTF8.GetBytes(new string('a', 30_000)),
            ["cursed.txt"] = Encoding.UTF8.GetBytes(TestTexts.Article("metrics-cursed")),
        };
        foreach (var (name, content) in inputs)
            await containers.UploadAsync(name, content);
        var lines = await worker.WaitForOutcomeLinesAsync(inputs.Count);
        await WaitUntilAsync(() => metrics.Sum(IngestWorkerMetrics.BlobInFlightName) == 0, "in-flight back to 0");

        Assert.Equal(3, metrics.Sum(IngestWorkerMetrics.BlobAcceptedName));
        Assert.Equal(5, metrics.Sum(IngestWorkerMetrics.BlobRejectedName));
        foreach (var (reason, stage) in new[]
        {
            (ReasonCodes.DuplicateExact, "exact_dedup"), (ReasonCodes.Empty, "decode"), (ReasonCodes.BinaryContent, "decode"),
            (QualityReasons.C4TooFewSentences, "quality"), (ReasonCodes.TooLarge, "size_limit"),
        })
            Assert.Equal(1, metrics.Sum(IngestWorkerMetrics.BlobRejectedName, ("reason", reason), ("stage", stage)));
        Assert.Equal(1, metrics.Sum(IngestWorkerMetrics.BlobPoisonedName, ("error.type", typeof(InvalidOperationException).FullName)));
        // The cursed input's first attempt failed and was retried; its second used up the threshold.
        Assert.Equal(1, metrics.Sum(IngestWorkerMetrics.BlobFailedName, ("error.type", typeof(InvalidOperationException).FullName)));
        Assert.Equal(1, metrics.Sum(IngestWorkerMetrics.BlobRetriesName));
        Assert.Equal(inputs.Count + 1, metrics.Sum(IngestWorkerMetrics.BlobSeenName));
        Assert.Equal(0, metrics.Sum(IngestWorkerMetrics.StorageRetriesName));

        // Bytes in: every input that reached an outcome was read once, but the oversized one is
        // rejected by its declared size without a download.
        var read = inputs.Where(i => i.Key is not ("huge.txt" or "cursed.txt")).Sum(i => i.Value.Length);
        Assert.Equal(read, metrics.Sum(IngestWorkerMetrics.BlobIoName, ("direction", "read")));
        Assert.Equal(0, metrics.Sum(IngestWorkerMetrics.BlobIoName, ("direction", "read"), ("outcome", BlobSummary.Poisoned)));
        // Bytes out: exactly what the outcome containers hold.
        long written = 0;
        foreach (var container in new[] { containers.Accepted, containers.Rejected, containers.Poison })
        {
            await foreach (var blob in container.GetBlobsAsync())
                written += blob.Properties.ContentLength ?? 0;
        }
        Assert.Equal(written, metrics.Sum(IngestWorkerMetrics.BlobIoName, ("direction", "write")));

        // One timing per step of each input that reached an outcome through the pipeline.
        const int completed = 8;
        Assert.Equal(completed, metrics.Values(IngestWorkerMetrics.StageDurationName, ("stage", "download")).Count);
        Assert.Equal(completed, metrics.Values(IngestWorkerMetrics.StageDurationName, ("stage", "size_limit")).Count);
        Assert.Equal(completed, metrics.Values(IngestWorkerMetrics.StageDurationName, ("stage", "write_outcome")).Count);
        Assert.Equal(3, metrics.Values(IngestWorkerMetrics.StageDurationName, ("stage", "near_dedup")).Count);
        Assert.All(StandardStages, stage => Assert.NotEmpty(metrics.Values(IngestWorkerMetrics.StageDurationName, ("stage", stage))));
        Assert.All(metrics.Values(IngestWorkerMetrics.StageDurationName), s => Assert.InRange(s, 0, 60));
        Assert.Equal(completed, metrics.Values(IngestWorkerMetrics.BlobDurationName).Count);
        Assert.Equal(3, metrics.Values(IngestWorkerMetrics.BlobDurationName, ("outcome", BlobSummary.Accepted)).Count);
        // Upload to outcome, for every input including the poisoned one.
        var latencies = metrics.Values(IngestWorkerMetrics.BlobLatencyName);
        Assert.Equal(inputs.Count, latencies.Count);
        Assert.All(latencies, l => Assert.InRange(l, 0, 120));
        Assert.Single(metrics.Values(IngestWorkerMetrics.BlobLatencyName, ("outcome", BlobSummary.Poisoned)));
        var inFlight = metrics.Of(IngestWorkerMetrics.BlobInFlightName);
        Assert.Contains(inFlight, m => m.Value > 0);
        // Each storage request is timed and tagged as it is counted, so a slow kind of call shows.
        var requestDurations = metrics.Of(IngestWorkerMetrics.StorageDurationName);
        Assert.Contains(requestDurations, d => d.Has("role", "input") && d.Has("operation", "list") && d.Has("status", 200));
        Assert.Contains(requestDurations, d => d.Has("role", "accepted") && d.Has("operation", "write") && d.Has("status", 201));
        // Scan mode keeps attempts in its partitions' in-flight records: no claim record per blob.
        Assert.Contains(requestDurations, d => d.Has("role", "state") && d.Has("area", "inflight") && d.Has("operation", "write") && d.Has("status", 201));
        Assert.DoesNotContain(requestDurations, d => d.Has("area", "claims"));
        Assert.DoesNotContain(requestDurations, d => d.Has("area", "receipts"));
        Assert.All(requestDurations, d => Assert.InRange(d.Value, 0, 60));
        Assert.Equal(
            metrics.Of(IngestWorkerMetrics.StorageRequestsName).Select(r => string.Join(",", r.Tags.OrderBy(t => t.Key))).ToHashSet(),
            requestDurations.Select(r => string.Join(",", r.Tags.OrderBy(t => t.Key))).ToHashSet());

        // Tags stay within closed sets: never a blob name.
        Assert.DoesNotContain(metrics.Of(IngestWorkerMetrics.BlobRejectedName).Concat(metrics.Of(IngestWorkerMetrics.BlobIoName)),
            m => m.Tags.Values.Any(v => v is string s && inputs.Keys.Any(name => s.Contains(name, StringComparison.Ordinal))));

        // One summary line per input, whose fields say the same as the metrics.
        Assert.Equal(inputs.Keys.Order(), lines.Select(l => (string)l.Scope["BlobName"]!).Order());
        Assert.All(lines, l => Assert.Equal(BlobSummary.EventId, l.EventId));
        var brief = Assert.Single(lines, l => Equals(l.Scope["BlobName"], "brief.txt"));
        Assert.Equal(BlobSummary.Rejected, brief.State!["Outcome"]);
        Assert.Equal(QualityReasons.C4TooFewSentences, brief.State["Reasons"]);
        Assert.Equal("quality", brief.State["RejectionStage"]);
        Assert.Equal((long)inputs["brief.txt"].Length, brief.State["InputBytes"]);
        Assert.IsType<double>(brief.State["ElapsedMs"]);
        Assert.IsType<double>(brief.State["LatencyMs"]);
        foreach (var step in new[] { "download", "size_limit", "decode", "quality", "write_outcome" })
            Assert.IsType<double>(brief.State["StageMs." + step]);
        Assert.False(brief.State.ContainsKey("StageMs.exact_dedup"));
        Assert.Matches(@"^brief\.txt rejected \[c4_too_few_sentences\] -> \S+/brief\.txt\.json \(attempt 1, \d+ ms: download [\d.]+, curse [\d.]+, size_limit [\d.]+, .*quality [\d.]+, write_outcome [\d.]+; [\d.]+ s after upload\)\.$", brief.Message);
        var accepted = lines.Where(l => Equals(l.State!["Outcome"], BlobSummary.Accepted)).ToList();
        Assert.Equal(3, accepted.Count);
        Assert.All(accepted, l => Assert.Equal("", l.State!["Reasons"]));
        var cursed = Assert.Single(lines, l => Equals(l.Scope["BlobName"], "cursed.txt"));
        Assert.Equal(LogLevel.Error, cursed.Level);
        Assert.Equal(BlobSummary.Poisoned, cursed.State!["Outcome"]);
        Assert.Equal(typeof(InvalidOperationException).FullName, cursed.State["ErrorType"]);
        Assert.Contains("cursed.txt poisoned after 2 failed attempts (System.InvalidOperationException: This input is cursed.)", cursed.Message);
    }

    [Fact]
    public async Task Queue_depths_are_gauged_from_storage_only_while_someone_listens()
    {
        var containers = new TestContainers(azurite);
        await using var worker = await TestWorker.StartAsync(containers, new Dictionary<string, string?>
        {
            ["ingestWorker:trigger:mode"] = "eventGrid",
            ["ingestWorker:trigger:maxQueuePollingInterval"] = "00:00:00.200",
            ["ingestWorker:telemetry:queueDepthInterval"] = "00:00:01",
        });
        var monitor = worker.Services.GetServices<IHostedService>().OfType<QueueDepthMonitor>().Single();
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(0, monitor.Polls);

        using var metrics = new MetricsRecorder(worker.Services.GetRequiredService<IMeterFactory>());
        var queue = new QueueServiceClient(containers.ConnectionString).GetQueueClient(containers.Input.Name + "-work");
        // Unreadable messages end in the poison queue, where they stay: a depth that holds still.
        await queue.SendMessageAsync("not an event");
        await queue.SendMessageAsync("not an event either");

        await WaitUntilAsync(() =>
        {
            metrics.Observe();
            var depths = metrics.Of(IngestWorkerMetrics.QueueDepthName);
            return depths.LastOrDefault(m => m.Has("queue", "poison"))?.Value == 2 && depths.LastOrDefault(m => m.Has("queue", "work"))?.Value == 0;
        }, "poison queue depth 2, work queue depth 0");
        Assert.InRange(monitor.Polls, 1, 40);
        Assert.Equal("{message}", metrics.Instruments[IngestWorkerMetrics.QueueDepthName].Unit);
    }

    [Fact]
    public async Task The_meter_is_exported_over_otlp_when_an_endpoint_is_configured()
    {
        var port = FreePort();
        using var receiver = new HttpListener();
        receiver.Prefixes.Add($"http://127.0.0.1:{port}/");
        receiver.Start();
        var exports = new List<(string Path, byte[] Body)>();
        var receiving = Task.Run(async () =>
        {
            while (receiver.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await receiver.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                lock (exports)
                    exports.Add((context.Request.Url!.AbsolutePath, body.ToArray()));
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        });

        var containers = new TestContainers(azurite);
        await using (var worker = await TestWorker.StartAsync(containers, new Dictionary<string, string?>
        {
            [OtlpMetricsExporter.EndpointKey] = $"http://127.0.0.1:{port}",
            [OtlpMetricsExporter.ProtocolKey] = "http/protobuf",
            [OtlpMetricsExporter.IntervalKey] = "300",
            [OtlpMetricsExporter.ServiceNameKey] = "ingest-test",
        }))
        {
            Assert.Contains(worker.Logs.Entries, e => e.Message.StartsWith($"Exporting the 'IngestWorker' meter over OTLP (http/protobuf) to http://127.0.0.1:{port}/ every 300 ms", StringComparison.Ordinal));
            await containers.UploadAsync("otlp.txt", TestTexts.Article("otlp"));
            await containers.WaitForOutcomeAsync("otlp.txt");
            await WaitUntilAsync(() =>
            {
                lock (exports)
                    return exports.Any(e => Contains(e.Body, IngestWorkerMetrics.BlobAcceptedName));
            }, "an OTLP export with ingestworker.blob.accepted");
        }
        receiver.Stop();
        await receiving;

        lock (exports)
        {
            Assert.All(exports, e => Assert.Equal("/v1/metrics", e.Path));
            var last = exports.Last(e => Contains(e.Body, IngestWorkerMetrics.BlobAcceptedName)).Body;
            Assert.True(Contains(last, IngestWorkerMetrics.StageDurationName));
            Assert.True(Contains(last, "ingest-test"));
        }
    }

    [Fact]
    public async Task Without_an_endpoint_nothing_is_exported()
    {
        var containers = new TestContainers(azurite);
        await using var worker = await TestWorker.StartAsync(containers);
        Assert.DoesNotContain(worker.Logs.Entries, e => e.Message.Contains("OTLP", StringComparison.Ordinal));
    }

    private static IEnumerable<IPipelineStage> StandardPipeline(IServiceProvider services) =>
        TextPipelineBuilder.StandardStages(services.GetRequiredService<PipelineOptions>(), new PipelineServices(
            services.GetRequiredService<IExactDuplicateIndex>(), services.GetRequiredService<ISiteTemplateIndex>(),
            services.GetRequiredService<ILanguageIdentifier>(), services.GetRequiredService<INearDuplicateIndex>()));

    private static bool Contains(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Not seen within 30 s: {what}.");
            await Task.Delay(100);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Throws for one input, every time: the way to poison it.</summary>
    private sealed class CurseStage : IPipelineStage
    {
        public string Name => "curse";

        public ValueTask<StageVerdict> ProcessAsync(PipelineDocument document, CancellationToken cancellationToken) =>
            document.Source.Name == "cursed.txt" ? throw new InvalidOperationException("This input is cursed.") : ValueTask.FromResult(StageVerdict.Continue);
    }
}

using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using IngestWorker.IntegrationTests.Infrastructure;
using IngestWorker.Options;
using IngestWorker.Storage;
using IngestWorker.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace IngestWorker.IntegrationTests;

/// <summary>
/// The worker between itself and storage through <see cref="FaultProxy"/>: errors, hung requests
/// and requests that took effect although the worker was told they failed. Nothing may be lost,
/// nothing written twice, and retries must stay bounded.
/// </summary>
public sealed class FaultInjectionTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Without_faults_the_proxy_passes_uploads_downloads_leases_listings_and_errors_through_unchanged()
    {
        await using var proxy = FaultProxy.Start(azurite.ConnectionString);
        var service = ClientWithoutRetries(proxy.ConnectionString);
        var container = service.GetBlobContainerClient(UniqueContainerName());
        await container.CreateAsync();
        // Larger than the proxy's read buffer, and a name that needs escaping.
        var content = RandomNumberGenerator.GetBytes(300_000);
        var blob = container.GetBlobClient("folder/a name@with+signs.bin");

        await blob.UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions
        {
            Metadata = new Dictionary<string, string> { ["origin"] = "proxy" },
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/octet-stream" },
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
        });

        Assert.Equal(content, (await blob.DownloadContentAsync()).Value.Content.ToArray());
        var properties = (await blob.GetPropertiesAsync()).Value;
        Assert.Equal(content.Length, properties.ContentLength);
        Assert.Equal("proxy", properties.Metadata["origin"]);
        Assert.Equal("application/octet-stream", properties.ContentType);
        var direct = azurite.BlobService.GetBlobContainerClient(container.Name).GetBlobClient(blob.Name);
        Assert.Equal(content, (await direct.DownloadContentAsync()).Value.Content.ToArray());
        // Storage's own refusals come back as storage worded them.
        var conflict = await Assert.ThrowsAsync<RequestFailedException>(() => blob.UploadAsync(BinaryData.FromBytes(content),
            new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }));
        Assert.Equal((409, "BlobAlreadyExists"), (conflict.Status, conflict.ErrorCode));
        var missing = await Assert.ThrowsAsync<RequestFailedException>(() => container.GetBlobClient("missing").GetPropertiesAsync());
        Assert.Equal((404, "BlobNotFound"), (missing.Status, missing.ErrorCode));
        var lease = blob.GetBlobLeaseClient();
        await lease.AcquireAsync(TimeSpan.FromSeconds(15));
        await lease.ReleaseAsync();
        Assert.Equal([blob.Name], await container.GetBlobsAsync().Select(b => b.Name).ToListAsync());
        await container.DeleteAsync();

        Assert.Equal(0, proxy.FaultsInjectedTotal);
        Assert.Equal(proxy.RequestsSeen, proxy.Requests.Count);
        Assert.All(proxy.Requests, r => Assert.NotNull(r.StorageStatus));
    }

    [Theory]
    [InlineData(FaultKind.InternalError, 500, "InternalError")]
    [InlineData(FaultKind.ServerBusy, 503, "ServerBusy")]
    public async Task An_injected_error_reaches_the_client_as_storage_would_word_it_and_storage_never_sees_the_request(FaultKind kind, int status, string code)
    {
        var container = await DirectContainerAsync();
        await using var proxy = FaultProxy.Start(azurite.ConnectionString);
        proxy.Kinds = [kind];
        proxy.FaultRate = 1.0;
        var blob = ClientWithoutRetries(proxy.ConnectionString).GetBlobContainerClient(container.Name).GetBlobClient("never.txt");

        var upload = await Assert.ThrowsAsync<RequestFailedException>(() => blob.UploadAsync(BinaryData.FromString("text")));
        Assert.Equal((status, code), (upload.Status, upload.ErrorCode));
        // A HEAD answer has no body: the code travels in the x-ms-error-code header.
        var head = await Assert.ThrowsAsync<RequestFailedException>(() => blob.GetPropertiesAsync());
        Assert.Equal((status, code), (head.Status, head.ErrorCode));

        Assert.False((await container.GetBlobClient("never.txt").ExistsAsync()).Value);
        Assert.Equal(2, proxy.FaultsInjected(kind));
        Assert.Equal(2, proxy.FaultsInjectedTotal);
    }

    [Fact]
    public async Task An_injected_timeout_holds_the_request_until_the_client_gives_up_and_storage_never_sees_it()
    {
        var container = await DirectContainerAsync();
        await using var proxy = FaultProxy.Start(azurite.ConnectionString);
        proxy.Kinds = [FaultKind.Timeout];
        proxy.FaultRate = 1.0;
        var blob = ClientWithoutRetries(proxy.ConnectionString).GetBlobContainerClient(container.Name).GetBlobClient("never.txt");

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blob.UploadAsync(BinaryData.FromString("text"), patience.Token));

        Assert.False((await container.GetBlobClient("never.txt").ExistsAsync()).Value);
        Assert.Equal(1, proxy.FaultsInjected(FaultKind.Timeout));
        Assert.Null(Assert.Single(proxy.Requests).StorageStatus);
    }

    [Fact]
    public async Task A_lost_response_fails_the_call_although_storage_carried_it_out_so_retrying_a_conditional_create_conflicts()
    {
        var container = await DirectContainerAsync();
        await using var proxy = FaultProxy.Start(azurite.ConnectionString, seed: 3);
        proxy.Kinds = [FaultKind.ResponseLost];
        proxy.FaultRate = 1.0;
        var client = ClientWithoutRetries(proxy.ConnectionString).GetBlobContainerClient(container.Name);
        var createOnly = new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } };
        var names = Enumerable.Range(0, 6).Select(i => $"created-{i}.txt").ToList();

        foreach (var name in names)
        {
            var failure = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetBlobClient(name).UploadAsync(BinaryData.FromString(name), createOnly));
            // 500 when the answer was replaced, 0 (no answer) when the connection was dropped.
            Assert.Contains(failure.Status, new[] { 500, 0 });
        }
        output.WriteLine($"{proxy.DroppedConnections} of {names.Count} lost responses were dropped connections.");

        foreach (var name in names)
            Assert.Equal(name, (await container.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToString());
        Assert.All(proxy.Requests, r => Assert.Equal(201, r.StorageStatus));
        proxy.FaultRate = 0;
        var retry = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetBlobClient(names[0]).UploadAsync(BinaryData.FromString(names[0]), createOnly));
        Assert.Equal(409, retry.Status);
    }

    [Fact]
    public async Task Six_hundred_files_through_ten_percent_storage_faults_each_get_one_outcome_written_once_with_bounded_retries()
    {
        // Enough requests for every kind of fault to happen about 60 times at 10 %: a file costs
        // about 6 requests since the state log and outcomes as receipts (it was 24), and 200 files
        // left each kind near the bound of 30 below.
        // Six hundred: a file costs about 2.5 requests in scan mode now (no claim record), and each
        // kind of fault should still happen a few dozen times.
        const int files = 600;
        var containers = new TestContainers(azurite);
        await containers.CreateInputAsync();
        await using var proxy = FaultProxy.Start(azurite.ConnectionString, seed: 20);
        proxy.FaultRate = 0.10;
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = proxy.ConnectionString,
            // Each injected timeout costs one attempt timeout; a short one keeps the test quick.
            ["retry:attemptTimeout"] = "00:00:02",
        };
        await using var worker = await TestWorker.StartAsync(containers, settings, services =>
        {
            // The recorder must listen before the worker's first storage call, so it is created
            // with the worker's instruments rather than after the host has started.
            services.AddSingleton(sp => new StorageCallRecorder(sp.GetRequiredService<IMeterFactory>()));
            services.AddSingleton(sp => new MetricsRecorder(sp.GetRequiredService<IMeterFactory>()));
            services.AddSingleton(sp =>
            {
                sp.GetRequiredService<StorageCallRecorder>();
                sp.GetRequiredService<MetricsRecorder>();
                return new IngestWorkerMetrics(sp.GetRequiredService<IMeterFactory>());
            });
        });

        // Uploaded straight to Azurite: only the worker's calls go through the proxy.
        var names = Enumerable.Range(0, files).Select(i => $"faults/{i % 5}/file-{i:D3}.txt").ToList();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (name, _) =>
            await containers.UploadAsync(name, TestTexts.Article(name)));
        await containers.WaitForOutcomesAsync(files, TimeSpan.FromSeconds(120));
        await worker.WaitForOutcomeLinesAsync(files);
        // Faults off, and two more scans: a blob that was going to be processed again would be now.
        proxy.FaultRate = 0;
        await worker.WaitForScansAsync(2);
        await worker.StopAsync();

        var outcomes = await containers.OutcomesAsync();
        var requests = proxy.Requests;
        var recorded = worker.Services.GetRequiredService<StorageCallRecorder>().TakeSnapshot();
        Report(proxy, requests, recorded, outcomes, files);

        // Every input has exactly one outcome, and it is the one it deserves.
        Assert.Equal(names.Select(n => n + ".json").Order(), outcomes.Select(o => o.Name).Order());
        foreach (var outcome in outcomes.Where(o => o.Container != containers.Accepted.Name))
            output.WriteLine($"not accepted: {outcome.Container}/{outcome.Name}: {(await outcome.Client.GetBlobClient(outcome.Name).DownloadContentAsync()).Value.Content}");
        Assert.All(outcomes, o => Assert.Equal(containers.Accepted.Name, o.Container));
        // Finished once each: one summary line per input. Transient faults are retried within a
        // storage call, so none of them costs an input one of its attempts.
        Assert.Equal(names.Order(), worker.OutcomeLines().Select(l => BlobNameOf(l)).Order());
        Assert.All(worker.OutcomeLines(), l => Assert.Equal(1, l.Scope["Attempt"]));

        // Written once each: of all the uploads of outcomes that storage carried out, there is one
        // per input, and what it wrote is what is there now.
        var outcomeContainers = new[] { containers.Accepted.Name, containers.Rejected.Name, containers.Poison.Name };
        var outcomeWrites = FaultProxy.BlobWrites(requests, outcomeContainers);
        Assert.Equal(files, outcomeWrites.Count);
        foreach (var outcome in outcomes)
        {
            var written = Assert.Single(outcomeWrites[outcome.Name]);
            var stored = (await outcome.Client.GetBlobClient(outcome.Name).DownloadContentAsync()).Value.Content.ToArray();
            Assert.Equal(written, Convert.ToHexStringLower(SHA256.HashData(stored)));
        }

        // The faults really happened, every kind of them, and lost responses in both forms.
        foreach (var kind in Enum.GetValues<FaultKind>())
            Assert.True(proxy.FaultsInjected(kind) >= 20, $"only {proxy.FaultsInjected(kind)} faults of kind {kind}");
        Assert.InRange(proxy.DroppedConnections, 10, proxy.FaultsInjected(FaultKind.ResponseLost) - 10);
        // The worker's own request counter saw each injected error. It counts one request fewer
        // than the proxy for each dropped connection that HttpClient quietly sent again.
        Assert.Equal(proxy.FaultsInjected(FaultKind.ServerBusy), CountedWithStatus(503));
        Assert.Equal(proxy.FaultsInjected(FaultKind.InternalError) + proxy.FaultsInjected(FaultKind.ResponseLost) - proxy.DroppedConnections, CountedWithStatus(500));
        Assert.InRange(requests.Count - recorded.Values.Sum(), 0, proxy.DroppedConnections);
        // Each injected hang shows in the request durations as abandoned (status 0) at the 2 s per-try
        // timeout; one hanging when the worker stopped was abandoned sooner.
        var abandoned = worker.Services.GetRequiredService<MetricsRecorder>().Of(IngestWorkerMetrics.StorageDurationName)
            .Where(d => d.Has("status", 0) && d.Value >= 1.9).ToList();
        output.WriteLine($"requests abandoned at the per-try timeout: {abandoned.Count} (hangs injected: {proxy.FaultsInjected(FaultKind.Timeout)})");
        Assert.InRange(abandoned.Count, proxy.FaultsInjected(FaultKind.Timeout) - 2, proxy.FaultsInjected(FaultKind.Timeout) + 5);

        // Retries are bounded. Without faults a new document costs about 5 calls plus its share of
        // a state-log commit (StorageCallTests); with a tenth of them failing and each retried
        // until it succeeds, a call takes 1/0.9 tries on average. A retry storm or a blob
        // processed over and over would break these bounds (twice the expected cost).
        var perFile = requests.Count(r => !r.Query.Contains("comp=list", StringComparison.Ordinal)) / (double)files;
        Assert.True(perFile < 12, $"{perFile:F1} requests per file");
        Assert.True(recorded.Where(r => r.Key.Operation != "list").Sum(r => r.Value) / (double)files < 12);
        // The calls that name the input (its read and its outcome's write) are 2 per file without
        // faults: no claim record (the partition's in-flight record counts attempts per batch), no
        // cluster record or receipt (the shared state is in the log, the outcome is the receipt).
        var namingEachInput = names.Select(n => requests.Count(r => r.Path.Contains(n, StringComparison.Ordinal))).ToList();
        output.WriteLine($"requests naming an input: median {namingEachInput.Order().ElementAt(files / 2)}, most {namingEachInput.Max()}");
        Assert.All(namingEachInput, count => Assert.InRange(count, 2, 30));

        long CountedWithStatus(int status) => recorded.Where(r => r.Key.Status == status).Sum(r => r.Value);
    }

    [Fact]
    public async Task In_queue_mode_four_hundred_files_through_ten_percent_faults_on_blobs_and_queues_each_get_one_outcome_written_once()
    {
        // 400 so that blob faults still happen about 140 times now that the work message is the
        // claim (about 3.5 blob requests per file, was 7.7).
        const int files = 400;
        var containers = new TestContainers(azurite);
        await containers.CreateInputAsync();
        await using var blobs = FaultProxy.Start(azurite.ConnectionString, seed: 21);
        await using var queues = FaultProxy.StartForQueues(blobs.ConnectionString, seed: 22);
        blobs.FaultRate = queues.FaultRate = 0.10;
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = queues.ConnectionString,
            ["ingestWorker:trigger:mode"] = "queue",
            ["ingestWorker:trigger:maxQueuePollingInterval"] = "00:00:00.250",
            // Two files a message (16 by default): messages of several blobs, and enough queue
            // requests (about one per file) for the faults to hit sends, receives and deletes.
            ["ingestWorker:trigger:workItemsPerMessage"] = "2",
            ["retry:attemptTimeout"] = "00:00:02",
        };
        // Two workers: lost answers to queue calls (a receive, a visibility update) hand a message
        // to the other while its first holder is still at work.
        await using var first = await TestWorker.StartAsync(containers, settings);
        await using var second = await TestWorker.StartAsync(containers, settings);

        var names = Enumerable.Range(0, files).Select(i => $"queue-faults/{i % 5}/file-{i:D3}.txt").ToList();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (name, _) =>
            await containers.UploadAsync(name, TestTexts.Article(name)));
        await containers.WaitForOutcomesAsync(files, TimeSpan.FromSeconds(180));
        // Faults off; messages whose answers were lost come back within a claim duration (15 s).
        blobs.FaultRate = queues.FaultRate = 0;
        var work = new Azure.Storage.Queues.QueueServiceClient(azurite.ConnectionString).GetQueueClient(containers.Input.Name + "-work");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await work.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(250);
        await first.StopAsync();
        await second.StopAsync();

        var outcomes = await containers.OutcomesAsync();
        var blobRequests = blobs.Requests;
        var queueRequests = queues.Requests;
        output.WriteLine($"blob requests: {blobRequests.Count} ({blobRequests.Count / (double)files:F1} per file), faults: {blobs.FaultsInjectedTotal}");
        output.WriteLine($"queue requests: {queueRequests.Count}, faults: {queues.FaultsInjectedTotal}; by method: {string.Join(", ", queueRequests.GroupBy(r => r.Method).Select(g => $"{g.Key} {g.Count()}"))}");

        Assert.Equal(names.Select(n => n + ".json").Order(), outcomes.Select(o => o.Name).Order());
        Assert.All(outcomes, o => Assert.Equal(containers.Accepted.Name, o.Container));
        var finished = first.OutcomeLines().Concat(second.OutcomeLines()).Select(BlobNameOf).ToList();
        Assert.Equal(finished.Distinct().Count(), finished.Count);
        var outcomeContainers = new[] { containers.Accepted.Name, containers.Rejected.Name, containers.Poison.Name };
        var outcomeWrites = FaultProxy.BlobWrites(blobRequests, outcomeContainers);
        Assert.Equal(files, outcomeWrites.Count);
        Assert.All(outcomeWrites, w => Assert.Single(w.Value));
        Assert.Equal(0, (await work.GetPropertiesAsync()).Value.ApproximateMessagesCount);

        // The faults hit both services, and retries stayed bounded: blob calls as in scan mode
        // (listings aside, no claim record), and per file half a send and half a delete (two files a
        // message; a message that comes back is split into one per file) and rarely a visibility
        // update, with a tenth of each tried again.
        // About 3.5 blob requests per file (1,400 in all, 10 % of them faulted, about 140): the bound
        // is two thirds of that, far from chance.
        Assert.True(blobs.FaultsInjectedTotal >= 100 && queues.FaultsInjectedTotal >= 20, $"faults: {blobs.FaultsInjectedTotal} blob, {queues.FaultsInjectedTotal} queue");
        var blobPerFile = blobRequests.Count(r => !r.Query.Contains("comp=list", StringComparison.Ordinal)) / (double)files;
        Assert.True(blobPerFile < 35, $"{blobPerFile:F1} blob requests per file");
        var queueWritesPerFile = queueRequests.Count(r => r.Method is "POST" or "DELETE" or "PUT") / (double)files;
        Assert.True(queueWritesPerFile < 4, $"{queueWritesPerFile:F1} queue sends, deletes and updates per file");
    }

    [Fact]
    public async Task A_claim_survives_a_lease_renewal_that_hangs_because_there_is_time_for_another_try()
    {
        var state = await DirectContainerAsync();
        await using var proxy = FaultProxy.Start(azurite.ConnectionString);
        var options = Microsoft.Extensions.Options.Options.Create(new IngestWorkerOptions
        {
            Containers = new ContainerOptions { State = state.Name },
            Trigger = new TriggerOptions { ClaimDuration = TimeSpan.FromSeconds(15) },
        });
        var retry = new RetryOptions { AttemptTimeout = TimeSpan.FromSeconds(2) };
        var service = StorageClientFactory.CreateBlobServiceClient(new StorageOptions { ConnectionString = proxy.ConnectionString }, retry);
        var store = new BlobClaimStore(new IngestContainers(service, options),
            new StorageResilience(Microsoft.Extensions.Options.Options.Create(retry), NullLogger<StorageResilience>.Instance), options, NullLogger<BlobClaimStore>.Instance);
        var input = new InputBlob("slow.txt", "\"0x1\"", 10, DateTimeOffset.UtcNow);

        await using var claim = await store.TryAcquireAsync(input, ClaimState.Fresh(input.ETag, "1") with { Attempts = 1 }, CancellationToken.None);
        Assert.NotNull(claim);
        // The next request is the first renewal: it hangs. Everything after it goes through.
        proxy.Kinds = [FaultKind.Timeout];
        proxy.FaultRate = 1.0;
        while (proxy.FaultsInjected(FaultKind.Timeout) == 0)
            await Task.Delay(50);
        proxy.FaultRate = 0;

        // Either a renewal gets through after the hung one (a renewal is answered 200, the
        // acquire was answered 201), or the claim is given up.
        while (!claim.Lost.IsCancellationRequested && !proxy.Requests.Any(r => r is { Query: "?comp=lease", StorageStatus: 200 }))
            await Task.Delay(50);
        Assert.False(claim.Lost.IsCancellationRequested, "one hung renewal should not cost the claim: the lease had 10 s left");
    }

    private void Report(FaultProxy proxy, IReadOnlyList<ProxiedRequest> requests, IReadOnlyDictionary<RequestKind, long> recorded, List<Outcome> outcomes, int files)
    {
        output.WriteLine($"requests through the proxy: {requests.Count} ({requests.Count / (double)files:F1} per file; {requests.Count(r => r.Query.Contains("comp=list", StringComparison.Ordinal))} scans' listings)");
        output.WriteLine($"requests counted by the worker: {recorded.Values.Sum()}");
        foreach (var kind in Enum.GetValues<FaultKind>())
            output.WriteLine($"  {kind,-14} {proxy.FaultsInjected(kind),5}{(kind == FaultKind.ResponseLost ? $" ({proxy.DroppedConnections} as dropped connections)" : "")}");
        output.WriteLine($"outcomes: {string.Join(", ", outcomes.GroupBy(o => o.Container).Select(g => $"{g.Key}: {g.Count()}"))}");
        output.WriteLine("worker's count by status: " + string.Join(", ", recorded.GroupBy(r => r.Key.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Sum(r => r.Value)}")));
        output.WriteLine("proxy by storage status: " + string.Join(", ", requests.GroupBy(r => r.StorageStatus).OrderBy(g => g.Key).Select(g => $"{g.Key?.ToString() ?? "not forwarded"}: {g.Count()}")));
    }

    private static string BlobNameOf(LogEntry line) => (string)line.Scope["BlobName"]!;

    private static BlobServiceClient ClientWithoutRetries(string connectionString)
    {
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 0;
        return new BlobServiceClient(connectionString, options);
    }

    private async Task<BlobContainerClient> DirectContainerAsync()
    {
        var container = azurite.BlobService.GetBlobContainerClient(UniqueContainerName());
        await container.CreateAsync();
        return container;
    }

    private static string UniqueContainerName() => "proxy" + Guid.NewGuid().ToString("N")[..12];
}

using System.Text.Json;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using IngestWorker.IntegrationTests.Infrastructure;
using IngestWorker.Storage;
using IngestWorker.Text.Pipeline;
using Microsoft.Extensions.DependencyInjection;

namespace IngestWorker.IntegrationTests;

public sealed class ShutdownTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Stopping_lets_a_blob_in_flight_finish_within_the_shutdown_timeout()
    {
        var containers = new TestContainers(azurite);
        var slow = new SlowStage(TimeSpan.FromSeconds(2));
        var worker = await TestWorker.StartAsync(containers, new Dictionary<string, string?>
        {
            ["ingestWorker:shutdownTimeout"] = "00:00:20",
        }, services => services.AddSingleton(new TextPipeline([slow])));

        await containers.UploadAsync("slow.txt", "Takes a while.");
        await slow.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await worker.DisposeAsync();

        var outcome = await containers.WaitForOutcomeAsync("slow.txt", timeout: TimeSpan.Zero);
        Assert.Equal("accepted", outcome.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_blob_still_in_flight_at_the_shutdown_timeout_is_released_uncounted_and_finished_by_the_next_worker()
    {
        var containers = new TestContainers(azurite);
        var stuck = new SlowStage(TimeSpan.FromMinutes(5));
        var worker = await TestWorker.StartAsync(containers, new Dictionary<string, string?>
        {
            ["ingestWorker:shutdownTimeout"] = "00:00:01",
        }, services => services.AddSingleton(new TextPipeline([stuck])));

        await containers.UploadAsync("stuck.txt", TestTexts.Article("never finishes in this worker"));
        await stuck.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await worker.DisposeAsync();

        Assert.Empty(await containers.OutcomesAsync());
        var claim = containers.State.GetBlobClient(BlobNames.Claim(containers.Input.Name, "stuck.txt"));
        var properties = (await claim.GetPropertiesAsync()).Value;
        Assert.NotEqual(LeaseState.Leased, properties.LeaseState);
        using var state = JsonDocument.Parse((await claim.DownloadContentAsync()).Value.Content.ToMemory());
        Assert.Equal(0, state.RootElement.GetProperty("attempts").GetInt32());

        // The claim was released, so the next worker does not wait for it to lapse.
        await using var next = await TestWorker.StartAsync(containers);
        var outcome = await containers.WaitForOutcomeAsync("stuck.txt", timeout: TimeSpan.FromSeconds(10));
        Assert.Equal("accepted", outcome.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_claim_left_by_a_dead_worker_is_counted_and_completed_after_it_lapses()
    {
        var containers = new TestContainers(azurite);
        var uploaded = await containers.UploadAsync("orphan.txt", TestTexts.Article("orphan"));
        // What a worker killed mid-blob leaves behind: a leased claim with one attempt counted, and no outcome.
        await containers.State.CreateIfNotExistsAsync();
        var claim = containers.State.GetBlobClient(BlobNames.Claim(containers.Input.Name, "orphan.txt"));
        await claim.UploadAsync(BinaryData.FromString(
            $$"""{"etag":{{JsonSerializer.Serialize(uploaded.ETag.ToString("H"))}},"pipelineVersion":"1","attempts":1}"""));
        await claim.GetBlobLeaseClient().AcquireAsync(TimeSpan.FromSeconds(15));

        await using var worker = await TestWorker.StartAsync(containers);
        var outcome = await containers.WaitForOutcomeAsync("orphan.txt", timeout: TimeSpan.FromSeconds(45));

        Assert.Equal("accepted", outcome.GetProperty("status").GetString());
        var finished = Assert.Single(await worker.WaitForOutcomeLinesAsync(1));
        Assert.Equal(2, finished.Scope["Attempt"]);
        // The record stays (it keeps the attempt count); the lease is released.
        Assert.NotEqual(LeaseState.Leased, (await claim.GetPropertiesAsync()).Value.LeaseState);
    }

    private sealed class SlowStage(TimeSpan delay) : IPipelineStage
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => "slow";

        public async ValueTask<StageVerdict> ProcessAsync(PipelineDocument document, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            await Task.Delay(delay, cancellationToken);
            document.Text = "done";
            return StageVerdict.Continue;
        }
    }
}

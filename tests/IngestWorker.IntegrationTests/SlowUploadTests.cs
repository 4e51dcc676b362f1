using System.Net;
using System.Text;
using Azure.Storage.Sas;
using IngestWorker.Triggers;
using Microsoft.Extensions.DependencyInjection;
using IngestWorker.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace IngestWorker.IntegrationTests;

/// <summary>
/// A blob whose upload outlasts the scans' clock margin (<see cref="IngestWorker.Triggers.ChangedBlobFilter.ClockMargin"/>,
/// 30 s). Azurite stamps <c>Last-Modified</c> when a Put Blob request arrives, not when its body is
/// in, so scans that run to their end during a slow upload move their "changed since" mark past
/// that time, and the blob, once committed, looks old to every later scan of changes. Without the
/// full scans (<c>trigger:fullScanInterval</c>) this blob never got an outcome, and nothing was
/// logged about it.
/// </summary>
public sealed class SlowUploadTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    [Theory]
    [InlineData("scan")]
    [InlineData("queue")]
    public async Task A_blob_whose_upload_outlasts_the_clock_margin_still_gets_its_outcome(string mode)
    {
        var containers = new TestContainers(azurite);
        await containers.CreateInputAsync();
        await using var worker = await TestWorker.StartAsync(containers, new Dictionary<string, string?>
        {
            ["ingestWorker:trigger:mode"] = mode,
            ["ingestWorker:trigger:fullScanInterval"] = "00:00:02",
        });
        await worker.WaitForScansAsync(2);

        // One Put Blob whose body takes longer than the margin, sent as such: the storage client
        // would read the whole body before sending the request.
        var bytes = Encoding.UTF8.GetBytes(TestTexts.Article("slow"));
        var blob = containers.Input.GetBlobClient("slow.txt");
        var sas = blob.GenerateSasUri(BlobSasPermissions.Create | BlobSasPermissions.Write, DateTimeOffset.UtcNow.AddHours(1));
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        using var request = new HttpRequestMessage(HttpMethod.Put, sas)
        {
            Content = new StreamContent(new PausingStream(bytes, ChangedBlobFilter.ClockMargin + TimeSpan.FromSeconds(5))),
        };
        request.Content.Headers.ContentLength = bytes.Length;
        // Sends the headers at once (a small body would otherwise wait in the client's buffer).
        request.Headers.ExpectContinue = true;
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        request.Headers.Add("x-ms-version", "2021-12-02");
        var scansBefore = worker.Services.GetRequiredService<IWorkerTrigger>().CompletedScans;
        using (var response = await http.SendAsync(request))
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var scansDuring = worker.Services.GetRequiredService<IWorkerTrigger>().CompletedScans - scansBefore;
        var lastModified = (await blob.GetPropertiesAsync()).Value.LastModified;
        output.WriteLine($"Last-Modified {lastModified:O}, upload done {DateTimeOffset.UtcNow:O}, {scansDuring} scans during the upload");
        // What makes the case: scans went through while the blob was on its way.
        Assert.True(scansDuring >= 2);

        var outcome = await containers.WaitForOutcomeAsync("slow.txt", timeout: TimeSpan.FromSeconds(30));
        Assert.Equal("slow.txt", outcome.GetProperty("source").GetProperty("name").GetString());
        Assert.Single(await containers.OutcomesAsync());
        Assert.Contains(worker.Logs.Entries, e => e.Message.Contains(" 1 blob(s) without an outcome that the scans of changes had passed over", StringComparison.Ordinal));
    }

    /// <summary>Hands out the first half of its bytes at once and the rest only after a pause.</summary>
    private sealed class PausingStream(byte[] bytes, TimeSpan pause) : MemoryStream(bytes, writable: false)
    {
        private bool _paused;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_paused && Position >= Length / 2)
            {
                _paused = true;
                await Task.Delay(pause, cancellationToken);
            }
            var half = Position < Length / 2 ? (int)Math.Min(buffer.Length, Length / 2 - Position) : buffer.Length;
            return await base.ReadAsync(buffer[..half], cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}

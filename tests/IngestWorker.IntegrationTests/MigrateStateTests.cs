using Azure.Storage.Blobs.Models;
using System.Text.Json;
using System.Text.RegularExpressions;
using IngestWorker.IntegrationTests.Infrastructure;
using IngestWorker.State;
using IngestWorker.Text.Tests.Dedup;
using Microsoft.Extensions.Logging;

namespace IngestWorker.IntegrationTests;

/// <summary>
/// An upgrade from the per-record layout (<c>hashes/…</c>, <c>near/…</c> in the state container):
/// the worker says what to run, and <c>migrate-state</c> carries the records into the state log.
/// </summary>
public sealed class MigrateStateTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Original = "wire/story.txt";

    [Fact]
    public async Task Documents_finished_under_the_old_layout_are_found_as_duplicates_once_migrate_state_has_run()
    {
        var containers = new TestContainers(azurite);
        var seed = await File.ReadAllBytesAsync(Directory.GetFiles(RepositoryPaths.Seeds, "*.txt").Order(StringComparer.Ordinal).First());

        // A real document's records: a worker of another version finishes it, and the ops of its
        // log are written back as the old layout's blobs. Then the input goes, as after an upgrade
        // only its records (and its outcome) would be left.
        await using (await TestWorker.StartAsync(containers, Version("0")))
        {
            await containers.UploadAsync(Original, seed);
            await containers.WaitForOutcomeAsync(Original);
        }
        var kept = await containers.WaitForOutcomeAsync(Original, timeout: TimeSpan.Zero);
        var nearCopy = SyndicatedVariants.Make(kept.GetProperty("title").GetString() + "\n\n" + kept.GetProperty("text").GetString(), SyndicatedVariants.ParagraphDropped);
        var (hashes, bands, clusters) = await PlantOldLayoutAsync(containers, "0");
        Assert.Equal((1, 14, 1), (hashes, bands, clusters));
        await containers.Input.DeleteBlobAsync(Original);

        // Without migration: the worker warns and names the command, and a copy is not found.
        await using (var worker = await TestWorker.StartAsync(containers, Version("2")))
        {
            var warning = Assert.Single(worker.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("migrate-state", StringComparison.Ordinal));
            Assert.Contains("hashes/… and near/…", warning.Message);
            Assert.Contains("state log of pipeline version '2' is empty", warning.Message);
            await containers.UploadAsync("before/near.txt", nearCopy);
            var missed = await containers.WaitForOutcomeAsync("before/near.txt");
            Assert.Equal("accepted", missed.GetProperty("status").GetString());
        }
        // (A version of its own: the two copies are near duplicates of each other.)
        await containers.Input.DeleteBlobAsync("before/near.txt");
        await using (await TestWorker.StartAsync(containers, Version("3")))
        {
            await containers.UploadAsync("before/exact.txt", seed);
            var missed = await containers.WaitForOutcomeAsync("before/exact.txt");
            Assert.Equal("accepted", missed.GetProperty("status").GetString());
        }
        await containers.Input.DeleteBlobAsync("before/exact.txt");

        var dryRun = await CliProcess.RunAsync(containers, Version("1"), "migrate-state", "--dry-run");
        Assert.True(dryRun.ExitCode == 0, dryRun.Output);
        Assert.Matches(new Regex(@"to append \(dry run\)\s+16\b"), dryRun.Stdout);
        Assert.Equal(0, await SegmentCountAsync(containers, "1"));

        var first = await CliProcess.RunAsync(containers, Version("1"), "migrate-state");
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Matches(new Regex(@"appended to the log\s+16\b"), first.Stdout);
        Assert.Matches(new Regex(@"hash records\s+1\b"), first.Stdout);
        Assert.Matches(new Regex(@"band records\s+14\b"), first.Stdout);
        Assert.Matches(new Regex(@"band records of MinHash scheme w9-b2x2-s7 \(not this configuration's\)\s+1\b"), first.Stdout);
        Assert.Matches(new Regex(@"site-template records \(not migrated\)\s+1\b"), first.Stdout);
        Assert.Contains("az storage blob delete-batch", first.Stdout);
        Assert.Equal(1, await SegmentCountAsync(containers, "1"));

        var second = await CliProcess.RunAsync(containers, Version("1"), "migrate-state");
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Matches(new Regex(@"appended to the log\s+0\b"), second.Stdout);
        Assert.Matches(new Regex(@"already in the log\s+16\b"), second.Stdout);
        Assert.Equal(1, await SegmentCountAsync(containers, "1"));

        // After migration: an exact and a near copy are rejected naming the original; no warning.
        await using (var worker = await TestWorker.StartAsync(containers, Version("1")))
        {
            Assert.DoesNotContain(worker.Logs.Entries, e => e.Message.Contains("migrate-state", StringComparison.Ordinal));
            await containers.UploadAsync("copies/exact.txt", seed);
            var exact = await containers.WaitForOutcomeAsync("copies/exact.txt");
            Assert.Equal("rejected", exact.GetProperty("status").GetString());
            Assert.Equal(["duplicate_exact"], exact.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
            Assert.Equal(Original, exact.GetProperty("dedup").GetProperty("duplicateOf").GetString());

            await containers.UploadAsync("syndicated/story.txt", nearCopy);
            var near = await containers.WaitForOutcomeAsync("syndicated/story.txt");
            Assert.True(near.GetProperty("status").GetString() == "rejected", near.GetProperty("dedup").ToString());
            Assert.Equal(["duplicate_near"], near.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
            Assert.Equal(Original, near.GetProperty("dedup").GetProperty("nearDuplicateOf").GetString());
        }
    }

    /// <summary>Writes the hash, band and cluster ops of a log as the old layout's blobs, in its formats, plus a band record of another scheme and a template record.</summary>
    private static async Task<(int Hashes, int Bands, int Clusters)> PlantOldLayoutAsync(TestContainers containers, string version)
    {
        var (hashes, bands, clusters) = (0, 0, 0);
        await foreach (var segment in containers.State.GetBlobsAsync(new GetBlobsOptions { Prefix = $"log/{version}/segments/" }))
        {
            var content = (await containers.State.GetBlobClient(segment.Name).DownloadContentAsync()).Value.Content;
            var (header, ops) = SegmentCodec.Decode(content.ToArray());
            var scheme = header.Schema.MinHashScheme;
            foreach (var op in ops.Ops)
            {
                switch (op)
                {
                    case HashClaimed hash:
                        await PutAsync(containers, $"hashes/sha256/{hash.ContentHash[..2]}/{hash.ContentHash}",
                            new { container = hash.Owner.Container, name = hash.Owner.Name, etag = hash.Owner.ETag });
                        hashes++;
                        break;
                    case BandClaimed band:
                        await PutAsync(containers, $"near/{scheme}/band-{band.Band:D2}/{band.Key:x16}",
                            new { container = band.Owner.Container, name = band.Owner.Name, signature = band.Owner.Signature });
                        bands++;
                        break;
                    case ClusterSet cluster:
                        await PutAsync(containers, $"near/{scheme}/clusters/{cluster.Container}/{cluster.Name}", new { representative = cluster.Representative });
                        clusters++;
                        break;
                }
            }
        }
        await PutAsync(containers, "near/w9-b2x2-s7/band-00/00000000000000ff", new { container = "input", name = "elsewhere.txt", signature = "AAAA" });
        await containers.State.UploadBlobAsync("templates/0123456789abcdef", BinaryData.FromBytes([1, 2, 3, 4]));
        return (hashes, bands, clusters);
    }

    private static async Task PutAsync(TestContainers containers, string name, object record) =>
        await containers.State.UploadBlobAsync(name, BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(record)));

    private static async Task<int> SegmentCountAsync(TestContainers containers, string version)
    {
        var count = 0;
        await foreach (var _ in containers.State.GetBlobsAsync(new GetBlobsOptions { Prefix = $"log/{version}/segments/" }))
            count++;
        return count;
    }

    private static Dictionary<string, string?> Version(string version) => new() { ["ingestWorker:pipeline:version"] = version };
}

using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using IngestWorker.IntegrationTests.Infrastructure;
using IngestWorker.Storage;
using IngestWorker.Text.Pipeline;

namespace IngestWorker.IntegrationTests;

/// <summary>
/// Input names are data, never paths: a worker given every hostile name we could think of writes
/// only where its own names say, never onto another blob, and gives each input one outcome.
/// </summary>
public sealed class HostileNameTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Victim = "zz/victim.json";

    [Fact]
    public async Task No_input_name_makes_the_worker_create_or_change_a_blob_outside_its_own_names()
    {
        var containers = new TestContainers(azurite);
        BlobContainerClient[] all = [containers.Input, containers.Accepted, containers.Rejected, containers.Poison, containers.State];
        foreach (var container in all)
            await container.CreateIfNotExistsAsync();

        // A real outcome, and a bystander in every container, at the places the names below aim at.
        await containers.UploadAsync(Victim, """{"title":"Bystander","text":"An input that is not hostile at all."}""");
        await containers.Accepted.GetBlobClient(Victim).UploadAsync(BinaryData.FromString("""{"status":"accepted","text":"a real outcome"}"""));
        foreach (var container in all.Skip(2))
            await container.GetBlobClient(Victim).UploadAsync(BinaryData.FromString("bystander"));
        await containers.State.GetBlobClient("claims/" + Victim).UploadAsync(BinaryData.FromString("bystander"));

        var hostile = HostileNames(all.Select(c => c.Name));
        var i = 0;
        foreach (var name in hostile)
            await PutRawAsync(containers.Input, name, Encoding.UTF8.GetBytes(TestTexts.Article("hostile-" + i++)));

        // Storage keeps the names as they were sent (only '\' becomes '/'): the upload bypassed the SDK's normalising.
        var inputs = await ListAsync(containers.Input);
        var expected = hostile.Select(n => n.Replace('\\', '/')).Append(Victim).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(expected.Order(StringComparer.Ordinal), inputs.Keys.Order(StringComparer.Ordinal));
        Assert.Contains(inputs.Keys, n => !BlobNameSafety.IsAddressable(n));

        var before = new Dictionary<string, Dictionary<string, string>>();
        foreach (var container in all)
            before[container.Name] = await ListAsync(container);

        await using (var worker = await TestWorker.StartAsync(containers))
        {
            await containers.WaitForOutcomesAsync(inputs.Count, TimeSpan.FromMinutes(3));
            // A few more scans: an input handed out again would be processed (and logged) again.
            await worker.WaitForScansAsync(3);
            var unsafeInputs = inputs.Keys.Count(n => !BlobNameSafety.IsAddressable(n));
            var lines = await worker.WaitForOutcomeLinesAsync(inputs.Count);
            Assert.Equal(inputs.Count, lines.Count);
            Assert.Equal(unsafeInputs, lines.Count(l => l.Message.Contains(ReasonCodes.UnsafeName, StringComparison.Ordinal)));
            Assert.DoesNotContain(worker.Logs.Entries, e => e.Message.Contains("will be tried again", StringComparison.Ordinal));
        }

        var after = new Dictionary<string, Dictionary<string, string>>();
        foreach (var container in all)
            after[container.Name] = await ListAsync(container);

        // Nothing that was there changed or went.
        foreach (var (container, blobs) in before)
        {
            foreach (var (name, etag) in blobs)
            {
                Assert.True(after[container].TryGetValue(name, out var now), $"{container}/{name} is gone");
                Assert.True(etag == now, $"{container}/{name} was overwritten");
            }
        }

        // Every new blob is one of the worker's own names for one of the inputs.
        var outputs = inputs.Keys.Select(BlobNames.Output).ToHashSet(StringComparer.Ordinal);
        var claims = inputs.Keys.Select(n => BlobNames.Claim(containers.Input.Name, n)).ToHashSet(StringComparer.Ordinal);
        // The shared state log names its blobs by number, never by an input's name.
        string[] workerFolders = [BlobNames.StateSegmentPrefix("1"), BlobNames.StateCheckpointPrefix("1"), "scanner/", "stats/", "partitions/", "inflight/"];
        foreach (var container in all)
        {
            foreach (var name in after[container.Name].Keys.Where(n => !before[container.Name].ContainsKey(n)))
            {
                var expectedPlace = container == containers.Input ? false
                    : container == containers.State ? claims.Contains(name) || workerFolders.Any(f => name.StartsWith(f, StringComparison.Ordinal))
                    : outputs.Contains(name);
                Assert.True(expectedPlace, $"unexpected blob {container.Name}/{JsonSerializer.Serialize(name)}");
            }
        }
        Assert.DoesNotContain(after[containers.State.Name].Keys, name => name.StartsWith(BlobNames.ReceiptsRoot, StringComparison.Ordinal));

        // Exactly one outcome per input, under its own (or hashed) name, recording the name as it is.
        var outcomeContainers = new[] { containers.Accepted, containers.Rejected, containers.Poison };
        foreach (var (input, etag) in inputs)
        {
            var output = BlobNames.Output(input);
            var holders = outcomeContainers.Where(c => after[c.Name].ContainsKey(output) && !before[c.Name].ContainsKey(output)).ToList();
            Assert.True(holders.Count == 1, $"{JsonSerializer.Serialize(input)} has {holders.Count} outcomes");
            var document = JsonDocument.Parse((await holders[0].GetBlobClient(output).DownloadContentAsync()).Value.Content.ToMemory()).RootElement;
            Assert.Equal(input, document.GetProperty("source").GetProperty("name").GetString());
            Assert.Equal(etag, document.GetProperty("source").GetProperty("etag").GetString());
            var reasons = document.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).ToList();
            if (BlobNameSafety.IsAddressable(input))
            {
                Assert.DoesNotContain(ReasonCodes.UnsafeName, reasons);
            }
            else
            {
                Assert.Equal(containers.Rejected, holders[0]);
                Assert.Equal([ReasonCodes.UnsafeName], reasons);
                Assert.Equal(JsonValueKind.Null, document.GetProperty("text").ValueKind);
            }
        }
        Assert.Equal(inputs.Count, outcomeContainers.Sum(c => after[c.Name].Count - before[c.Name].Count));
    }

    /// <summary>
    /// Every name we could think of that might reach outside its container or folder. Left out: names
    /// holding NUL, another C0 control but TAB, LF and CR, U+FFFE or U+FFFF, which Azurite stores but
    /// then cannot list (HTTP 500), so no scan sees them (issue 16, another part); the unit tests
    /// cover them.
    /// </summary>
    private static List<string> HostileNames(IEnumerable<string> containerNames)
    {
        var names = new List<string>();
        // Aimed at zz/victim.json in every container, from the depth of every derived name:
        // outcomes (…/x.json in an outcome container, also the receipts), claims (claims/{input}/x),
        // near-duplicate clusters (near/{scheme}/clusters/{input}/x).
        foreach (var container in containerNames)
        {
            for (var depth = 1; depth <= 5; depth++)
            {
                var up = string.Concat(Enumerable.Repeat("../", depth));
                names.Add($"{up}{container}/{Victim}");
                names.Add($"{up}{container}/zz/victim");
            }
        }
        names.AddRange(
        [
            ".", "..", "./dot.txt", "a/./b.txt", "a/../b.txt", "a/..", "a/.", "a/b/../../../c.txt",
            "trailing/", "trailing.txt/", "/leading.txt", "//two.txt", "back\\slash.txt", "back\\..\\..\\slash.txt",
            "tab\there.txt", "lf\nhere.txt", "cr\rhere.txt", "del\u007f.txt", "c1\u0085.txt", "c1\u009f.txt",
            "nonchar\ufdd0.txt", "nonchar\U0001FFFE.txt",
            "%2e%2e/%2e%2e/pct.txt", "%2E%2E%2F%2E%2E%2Fpct.txt", "pct%00.txt", "pct%.txt", "pct%252e.txt",
            "q?x=1&y=../2.txt", "hash#frag.txt", "sp ace.txt", "a@0x1.txt",
            "ünï/名前.txt", "\U0001F600.txt", "\uff0e\uff0e/fullwidth.txt", "\u2024\u2024/leader.txt", "zero\u200bwidth.txt", "a./b.txt",
            BlobNames.HashedPrefix + new string('0', 64),
            "long/" + new string('a', 1015) + ".txt",
            "../long/" + new string('b', 1012) + ".txt",
            "long-unicode/" + string.Concat(Enumerable.Repeat("\U0001F600", 503)) + ".txt",
        ]);
        return names;
    }

    /// <summary>
    /// Uploads with the name's every UTF-8 byte percent-encoded and the URI left as it is: the SDK
    /// (through <see cref="Uri"/>) would remove dot segments and trim slashes before storage saw them.
    /// </summary>
    private static async Task PutRawAsync(BlobContainerClient container, string name, byte[] content)
    {
        var sas = container.GenerateSasUri(BlobContainerSasPermissions.Write | BlobContainerSasPermissions.Create, DateTimeOffset.UtcNow.AddHours(1));
        var path = string.Concat(Encoding.UTF8.GetBytes(name).Select(b => $"%{b:X2}"));
        var uri = new Uri($"{container.Uri.AbsoluteUri}/{path}{sas.Query}", new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Put, uri) { Content = new ByteArrayContent(content) };
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        request.Headers.Add("x-ms-version", "2023-01-03");
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"PUT {JsonSerializer.Serialize(name)}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Name → ETag (header form) of every blob in the container.</summary>
    private static async Task<Dictionary<string, string>> ListAsync(BlobContainerClient container)
    {
        var blobs = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var item in container.GetBlobsAsync())
            blobs.Add(item.Name, item.Properties.ETag!.Value.ToString("H"));
        return blobs;
    }
}

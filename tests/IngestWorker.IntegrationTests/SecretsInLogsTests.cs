using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Azure.Storage;
using Azure.Storage.Sas;
using IngestWorker.IntegrationTests.Infrastructure;
using IngestWorker.Telemetry;
using IngestWorker.Text.Pipeline;
using Microsoft.Extensions.DependencyInjection;

namespace IngestWorker.IntegrationTests;

/// <summary>
/// Account keys and shared access signatures never reach a log line: not in messages, fields,
/// scopes or exception text, whether the worker runs, fails a blob, cannot reach storage, is
/// refused by it, or cannot start for bad configuration.
/// </summary>
public sealed class SecretsInLogsTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task A_worker_on_an_account_key_and_one_on_a_sas_log_neither()
    {
        var account = ConnectionStringParts(azurite.ConnectionString);
        if (!account.TryGetValue("AccountKey", out var key))
            return; // INGESTWORKER_TEST_STORAGE without a key: no SAS can be made here, and there is no key to leak.
        var sas = new AccountSasBuilder(AccountSasPermissions.All, DateTimeOffset.UtcNow.AddHours(1),
                AccountSasServices.Blobs | AccountSasServices.Queues, AccountSasResourceTypes.All)
            .ToSasQueryParameters(new StorageSharedKeyCredential(account["AccountName"], key)).ToString();
        var signature = SasSignature(sas);
        var sasConnectionString = $"BlobEndpoint={account["BlobEndpoint"]};QueueEndpoint={account["QueueEndpoint"]};SharedAccessSignature={sas}";

        var containers = new TestContainers(azurite);
        var failing = new Dictionary<string, string?> { ["extensions:blobs:poisonBlobThreshold"] = "2" };
        void Pipeline(IServiceCollection services) => services.AddSingleton(new TextPipeline([new FailingStage()]));
        await using var withKey = await TestWorker.StartAsync(containers, failing, Pipeline);
        await using var withSas = await TestWorker.StartAsync(containers, new Dictionary<string, string?>(failing)
        {
            ["AzureWebJobsStorage"] = sasConnectionString,
            ["ingestWorker:trigger:mode"] = "queue",
        }, Pipeline);
        for (var i = 0; i < 6; i++)
            await containers.UploadAsync($"secrets/{i}.txt", TestTexts.Article($"secrets-{i}"));
        await containers.WaitForOutcomesAsync(6);
        await withKey.StopAsync();
        await withSas.StopAsync();

        var lines = withKey.Logs.Entries.Concat(withSas.Logs.Entries).ToList();
        // The two workers did run, fail and poison blobs, and log it all with exceptions.
        Assert.Contains(withSas.Logs.Entries, e => e.Message.StartsWith("Watching container", StringComparison.Ordinal));
        Assert.Contains(lines, e => e.Exception is not null);
        Assert.Contains(lines, e => Equals(e.State?.GetValueOrDefault("Outcome"), BlobSummary.Poisoned));
        AssertNoSecret(lines.Select(Everything), key, signature);
    }

    [Fact]
    public async Task Start_up_failures_log_no_key_and_no_signature()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        var signature = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var sas = $"sv=2023-11-03&ss=bq&srt=sco&sp=rwdlacup&se=2030-01-01T00%3A00%3A00Z&sig={Uri.EscapeDataString(signature)}";
        var closed = $"http://127.0.0.1:{ClosedPort()}/acct";
        var account = ConnectionStringParts(azurite.ConnectionString);
        var blobs = account.GetValueOrDefault("BlobEndpoint", closed);
        var queues = account.GetValueOrDefault("QueueEndpoint", closed);

        var runs = new (string What, Dictionary<string, string?> Settings, int? ExitCode)[]
        {
            ("unreachable, key", Settings($"DefaultEndpointsProtocol=http;AccountName=acct;AccountKey={key};BlobEndpoint={closed};QueueEndpoint={closed};", key), null),
            ("unreachable, SAS", Settings($"BlobEndpoint={closed};QueueEndpoint={closed};SharedAccessSignature={sas}"), null),
            ("refused, key", Settings($"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={key};BlobEndpoint={blobs};QueueEndpoint={queues};"), 1),
            ("refused, SAS, queue mode", Settings($"BlobEndpoint={blobs};QueueEndpoint={queues};SharedAccessSignature={sas}", ("ingestWorker:trigger:mode", "queue")), 1),
            ("bad configuration", Settings($"DefaultEndpointsProtocol=http;AccountName=acct;AccountKey={key};BlobEndpoint=not a url", key,
                ("OTEL_EXPORTER_OTLP_ENDPOINT", $"collector:4317/?sig={Uri.EscapeDataString(signature)}"),
                ("ingestWorker:trigger:pollingInterval", "soon")), 2),
        };
        var outputs = await Task.WhenAll(runs.Select(async run =>
        {
            using var worker = WorkerProcess.Start(run.Settings);
            if (run.ExitCode is { } expected)
            {
                Assert.Equal(expected, await worker.WaitForExitAsync(TimeSpan.FromSeconds(90)));
            }
            else
            {
                await worker.WaitForOutputAsync("is not reachable yet", TimeSpan.FromSeconds(90));
                worker.Terminate();
                await worker.WaitForExitAsync(TimeSpan.FromSeconds(60));
            }
            return (run.What, Output: string.Join("\n", worker.Output));
        }));

        foreach (var (what, output) in outputs)
        {
            Assert.False(string.IsNullOrWhiteSpace(output), what);
            AssertNoSecret([output], key, signature, what);
        }
        var badConfiguration = outputs.Single(o => o.What == "bad configuration").Output;
        Assert.Contains("AzureWebJobsStorage is not a valid storage connection string", badConfiguration);
        Assert.Contains("OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute http:// or https:// URL", badConfiguration);
        Assert.Contains("Storage at", outputs.Single(o => o.What == "refused, SAS, queue mode").Output);
    }

    private static Dictionary<string, string?> Settings(string connectionString, params (string Key, string Value)[] more) =>
        Settings(connectionString, null, more);

    private static Dictionary<string, string?> Settings(string connectionString, string? headerSecret, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connectionString,
            // Everything a user could see: JSON lines carry the message, every field, every scope and the exception.
            ["logging:console:formatterName"] = "json",
            ["logging:console:formatterOptions:includeScopes"] = "true",
            ["logging:logLevel:default"] = "Debug",
            ["logging:logLevel:Azure"] = "Debug",
            ["retry:maxRetryCount"] = "1",
            ["retry:minimumInterval"] = "00:00:00.050",
            ["retry:attemptTimeout"] = "00:00:05",
        };
        // A header an OTLP receiver authenticates with is a secret too.
        if (headerSecret is not null)
            settings["OTEL_EXPORTER_OTLP_HEADERS"] = "api-key=" + headerSecret;
        foreach (var (key, value) in more)
            settings[key] = value;
        return settings;
    }

    private static void AssertNoSecret(IEnumerable<string> texts, string key, string signature, string? what = null)
    {
        foreach (var text in texts)
        {
            Assert.False(text.Contains(key, StringComparison.Ordinal), $"{what}: the account key is in: {text}");
            Assert.False(text.Contains(signature, StringComparison.Ordinal) || text.Contains(Uri.EscapeDataString(signature), StringComparison.Ordinal),
                $"{what}: the SAS signature is in: {text}");
        }
    }

    private static string Everything(LogEntry entry) => string.Join("\n",
        new[] { entry.Message, entry.Exception ?? "" }
            .Concat(entry.Scope.Select(s => $"{s.Key}={s.Value}"))
            .Concat((entry.State ?? new Dictionary<string, object?>()).Select(s => $"{s.Key}={s.Value}")));

    private static Dictionary<string, string> ConnectionStringParts(string connectionString) =>
        connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.OrdinalIgnoreCase);

    private static string SasSignature(string sas) =>
        Uri.UnescapeDataString(sas.Split('&').Single(p => p.StartsWith("sig=", StringComparison.Ordinal))["sig=".Length..]);

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class FailingStage : IPipelineStage
    {
        public string Name => "failing";

        public ValueTask<StageVerdict> ProcessAsync(PipelineDocument document, CancellationToken cancellationToken) =>
            throw new InvalidOperationException($"Processing {document.Source.Name} broke.");
    }
}

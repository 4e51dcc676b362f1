using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using IngestWorker.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace IngestWorker.IntegrationTests;

/// <summary><c>/healthz/live</c> and <c>/healthz/ready</c> of a real worker on Azurite, and of one whose storage is away.</summary>
public sealed class HealthEndpointTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task A_started_worker_is_live_and_ready_and_says_why()
    {
        var containers = new TestContainers(azurite);
        var port = FreePort();
        await using var worker = await TestWorker.StartAsync(containers, HttpSettings(port));

        var (liveStatus, live) = await GetAsync(port, "healthz/live");
        Assert.Equal(HttpStatusCode.OK, liveStatus);
        Assert.Equal("Healthy", live.GetProperty("checks").GetProperty("trigger").GetProperty("status").GetString());

        var (readyStatus, ready) = await GetAsync(port, "healthz/ready");
        Assert.Equal(HttpStatusCode.OK, readyStatus);
        Assert.Equal("Healthy", ready.GetProperty("status").GetString());
        var checks = ready.GetProperty("checks");
        Assert.True(checks.GetProperty("storage").GetProperty("data").GetProperty("reachable").GetBoolean());
        Assert.Contains("loaded", checks.GetProperty("languageModel").GetProperty("description").GetString());
        // Scan mode has no lease to report.
        Assert.False(checks.TryGetProperty("scanLease", out _));
        // The dashboard is off unless asked for.
        using var dashboard = await Http.GetAsync($"http://127.0.0.1:{port}/");
        Assert.Equal(HttpStatusCode.NotFound, dashboard.StatusCode);
    }

    [Fact]
    public async Task Ready_follows_storage_going_away_and_coming_back_from_its_cached_look_and_liveness_does_not()
    {
        await using var proxy = FaultProxy.Start(azurite.ConnectionString);
        var containers = new TestContainers(azurite);
        var port = FreePort();
        var settings = HttpSettings(port);
        settings["AzureWebJobsStorage"] = proxy.ConnectionString;
        settings["ingestWorker:http:storageCheckInterval"] = "00:00:01";
        settings["retry:maxRetryCount"] = "0";
        await using var worker = await TestWorker.StartAsync(containers, settings);
        await WaitForReadyAsync(port, HttpStatusCode.OK);

        // Probes are answered from the cached look: storage sees one look per storageCheckInterval
        // (1 s here), however many probes come. (The trigger's listings go through the proxy too.)
        int Looks() => proxy.Requests.Count(r => r.Method != "PUT" && r.Path.EndsWith("/" + containers.Input.Name, StringComparison.Ordinal)
            && r.Query.Contains("restype=container", StringComparison.Ordinal) && !r.Query.Contains("comp=", StringComparison.Ordinal));
        var before = Looks();
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 30; i++)
            await GetAsync(port, "healthz/ready");
        var looks = Looks() - before;
        Assert.True(looks <= elapsed.Elapsed.TotalSeconds + 1, $"{looks} looks at storage for 30 probes in {elapsed.Elapsed.TotalSeconds:0.0} s");

        proxy.Kinds = [FaultKind.ServerBusy];
        proxy.FaultRate = 1;
        var down = await WaitForReadyAsync(port, HttpStatusCode.ServiceUnavailable);
        var storage = down.GetProperty("checks").GetProperty("storage");
        Assert.False(storage.GetProperty("data").GetProperty("reachable").GetBoolean());
        Assert.Contains("storage is unavailable", storage.GetProperty("description").GetString());
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(port, "healthz/live")).Status);

        proxy.FaultRate = 0;
        await WaitForReadyAsync(port, HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_worker_whose_storage_is_unreachable_is_live_but_not_ready()
    {
        var containers = new TestContainers(azurite);
        var port = FreePort();
        var settings = containers.Settings();
        foreach (var (key, value) in HttpSettings(port))
            settings[key] = value;
        // Nothing listens there: the trigger waits out the outage and never starts.
        settings["AzureWebJobsStorage"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:{FreePort()}/devstoreaccount1;";
        settings["retry:maxRetryCount"] = "0";
        settings["retry:attemptTimeout"] = "00:00:01";
        using var host = IngestWorkerHost.CreateBuilder([], config => config.AddInMemoryCollection(settings)).Build();
        await host.StartAsync();
        try
        {
            var (readyStatus, ready) = await GetAsync(port, "healthz/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, readyStatus);
            Assert.Equal("Unhealthy", ready.GetProperty("status").GetString());
            Assert.Contains("start-up storage check", ready.GetProperty("checks").GetProperty("storage").GetProperty("description").GetString());
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(port, "healthz/live")).Status);
        }
        finally
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await host.StopAsync(timeout.Token);
        }
    }

    [Fact]
    public async Task In_queue_mode_readiness_reports_the_scan_lease_and_a_non_leader_is_ready_too()
    {
        var containers = new TestContainers(azurite);
        var (port1, port2) = (FreePort(), FreePort());
        var queue = containers.Prefix + "-work";
        var one = HttpSettings(port1);
        one["ingestWorker:trigger:mode"] = "queue";
        one["ingestWorker:trigger:queue"] = queue;
        var two = new Dictionary<string, string?>(one) { ["ingestWorker:http:port"] = port2.ToString() };
        await using var first = await TestWorker.StartAsync(containers, one);
        await using var second = await TestWorker.StartAsync(containers, two);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var leaders = new List<bool>();
            foreach (var port in new[] { port1, port2 })
            {
                var (status, ready) = await GetAsync(port, "healthz/ready");
                Assert.Equal(HttpStatusCode.OK, status);
                var lease = ready.GetProperty("checks").GetProperty("scanLease");
                Assert.Equal("Healthy", lease.GetProperty("status").GetString());
                leaders.Add(lease.GetProperty("data").GetProperty("leader").GetBoolean());
            }
            if (leaders.Count(l => l) == 1)
                break;
            Assert.True(DateTime.UtcNow < deadline, "no single scan leader among the two workers within 60 s");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Only_requests_addressed_to_the_loopback_server_by_name_are_answered_so_dns_rebinding_gets_nothing()
    {
        var containers = new TestContainers(azurite);
        var port = FreePort();
        await using var worker = await TestWorker.StartAsync(containers, HttpSettings(port, dashboard: true));

        // A page on rebind.example whose name now resolves to 127.0.0.1: the browser connects to the
        // worker but says which name it meant. Every endpoint refuses it, the probes' too.
        foreach (var path in new[] { "", "api/summary", "api/documents", "api/documents/1", "dashboard.js", "healthz/live", "healthz/ready", "no-such-page" })
        {
            foreach (var foreign in new[] { $"rebind.example:{port}", "rebind.example", $"127.0.0.1.rebind.example:{port}", $"localhost:{port + 1}", "" })
            {
                var (status, body) = await GetWithHostAsync(port, path, foreign);
                Assert.True(status == HttpStatusCode.MisdirectedRequest, $"/{path} with Host '{foreign}' answered {(int)status}");
                Assert.Equal($"This server answers only to Host 127.0.0.1:{port} or localhost:{port}.\n", body);
            }
        }
        foreach (var own in new[] { $"127.0.0.1:{port}", $"localhost:{port}", $"LOCALHOST:{port}" })
        {
            Assert.Equal(HttpStatusCode.OK, (await GetWithHostAsync(port, "", own)).Status);
            Assert.Equal(HttpStatusCode.OK, (await GetWithHostAsync(port, "api/summary", own)).Status);
            Assert.Equal(HttpStatusCode.OK, (await GetWithHostAsync(port, "healthz/live", own)).Status);
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetWithHostAsync(int port, string path, string host)
    {
        // Written by hand: HttpClient will not send an empty or mismatched Host the way a rebinding page's browser does.
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        await using var stream = client.GetStream();
        var request = $"GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        var response = await reader.ReadToEndAsync();
        var status = (HttpStatusCode)int.Parse(response.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        var head = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var body = response[(head + 4)..];
        // Chunked bodies (the JSON endpoints) are not decoded: only the refusal's plain text is compared.
        return (status, body);
    }

    internal static Dictionary<string, string?> HttpSettings(int port, bool dashboard = false) => new()
    {
        ["ingestWorker:http:enabled"] = "true",
        ["ingestWorker:http:port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["ingestWorker:http:dashboard"] = dashboard ? "true" : "false",
    };

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(int port, string path)
    {
        using var response = await Http.GetAsync($"http://127.0.0.1:{port}/{path}");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, body);
    }

    private static async Task<JsonElement> WaitForReadyAsync(int port, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var (status, body) = await GetAsync(port, "healthz/ready");
            if (status == expected)
                return body;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"/healthz/ready did not answer {(int)expected} within 30 s; last: {(int)status} {body}");
            await Task.Delay(200);
        }
    }
}

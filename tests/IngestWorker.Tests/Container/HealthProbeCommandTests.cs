using IngestWorker.Http;
using IngestWorker.Options;

namespace IngestWorker.Tests.Container;

/// <summary>
/// <c>IngestWorker probe</c>, the image's health check, where it needs no running worker. Asking a
/// running one, and one that has stopped, is PublishedWorkerTests (integration tests).
/// </summary>
public sealed class HealthProbeCommandTests
{
    [Theory]
    [InlineData("0.0.0.0", 8080, "live", "http://127.0.0.1:8080/healthz/live")]
    [InlineData("::", 9000, "ready", "http://[::1]:9000/healthz/ready")]
    [InlineData("127.0.0.1", 8081, "live", "http://127.0.0.1:8081/healthz/live")]
    [InlineData("::1", 8080, "live", "http://[::1]:8080/healthz/live")]
    [InlineData("10.1.2.3", 8080, "live", "http://10.1.2.3:8080/healthz/live")]
    public void The_probe_asks_the_address_the_server_listens_on_or_loopback_for_every_address(string address, int port, string endpoint, string expected) =>
        Assert.Equal(new Uri(expected), HealthProbeCommand.TargetFor(new HttpOptions { Address = address, Port = port }, endpoint));

    [Fact]
    public void An_address_that_is_not_an_ip_address_has_no_target() =>
        Assert.Null(HealthProbeCommand.TargetFor(new HttpOptions { Address = "localhost" }, "live"));

    [Fact]
    public async Task With_the_http_server_off_the_probe_is_unhealthy_and_says_why()
    {
        var (exitCode, output) = await ProbeAsync("live", "--ingestWorker:http:enabled=false", "--ingestWorker:http:dashboard=false");
        Assert.Equal(HealthProbeCommand.Unhealthy, exitCode);
        Assert.Contains("HTTP server is off (ingestWorker:http:enabled is not true)", output);
    }

    [Fact]
    public async Task An_endpoint_other_than_live_or_ready_is_refused()
    {
        var (exitCode, output) = await ProbeAsync("alive");
        Assert.Equal(HealthProbeCommand.Unhealthy, exitCode);
        Assert.Contains("'alive' is not an endpoint; use 'live' or 'ready'.", output);
    }

    [Fact]
    public async Task A_port_that_is_not_a_number_is_reported_and_unhealthy()
    {
        var (exitCode, output) = await ProbeAsync("--ingestWorker:http:enabled=true", "--ingestWorker:http:port=abc");
        Assert.Equal(HealthProbeCommand.Unhealthy, exitCode);
        Assert.StartsWith("IngestWorker probe: cannot read the configuration:", output);
    }

    [Fact]
    public async Task A_host_json_that_does_not_exist_is_reported_and_unhealthy()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-host-{Guid.NewGuid():N}.json");
        var (exitCode, output) = await ProbeAsync("ready", "--host-json", missing);
        Assert.Equal(HealthProbeCommand.Unhealthy, exitCode);
        Assert.Contains(missing, output);
    }

    private static async Task<(int ExitCode, string Output)> ProbeAsync(params string[] args)
    {
        using var output = new StringWriter();
        var exitCode = await HealthProbeCommand.RunAsync(args, output);
        return (exitCode, output.ToString());
    }
}

using System.Net;
using IngestWorker.Http;

namespace IngestWorker.Tests;

public sealed class HostHeaderFilterTests
{
    [Theory]
    [InlineData("127.0.0.1:8080", true)]
    [InlineData("localhost:8080", true)]
    [InlineData("LocalHost:8080", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("localhost", false)]
    [InlineData("localhost:8081", false)]
    [InlineData("[::1]:8080", false)]
    [InlineData("rebind.example:8080", false)]
    [InlineData("localhost.rebind.example:8080", false)]
    [InlineData("127.0.0.1:8080@rebind.example", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void A_loopback_server_answers_only_to_its_own_address_and_localhost_with_its_port(string? host, bool allowed) =>
        Assert.Equal(allowed, HostHeaderFilter.For(IPAddress.Loopback, 8080)!.IsAllowed(host));

    [Fact]
    public void On_ipv6_loopback_the_bracketed_literal_is_the_address_and_port_80_may_be_left_out()
    {
        var filter = HostHeaderFilter.For(IPAddress.IPv6Loopback, 80)!;
        Assert.Equal(["[::1]:80", "localhost:80", "[::1]", "localhost"], filter.Allowed);
        Assert.False(filter.IsAllowed("127.0.0.1:80"));
    }

    [Fact]
    public void A_server_for_a_platforms_probes_is_not_filtered_because_they_name_the_pod_ip()
    {
        Assert.Null(HostHeaderFilter.For(IPAddress.Any, 8080));
        Assert.Null(HostHeaderFilter.For(IPAddress.Parse("10.0.0.7"), 8080));
    }
}

using IngestWorker.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace IngestWorker.Tests.Partitions;

public sealed class PartitionOptionsTests
{
    [Fact]
    public void The_partition_settings_bind_with_their_defaults_and_can_be_set()
    {
        using (var host = Build([]))
        {
            var partitions = host.Services.GetRequiredService<IOptions<IngestWorkerOptions>>().Value.Partitions;
            Assert.Equal((16, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)), (partitions.Count, partitions.RenewalInterval, partitions.OwnershipExpiry));
            Assert.Empty(IngestWorkerHost.FindConfigurationErrors(host.Services));
        }
        using (var host = Build(new() { ["ingestWorker:partitions:count"] = "32", ["ingestWorker:partitions:renewalInterval"] = "00:00:05", ["ingestWorker:partitions:ownershipExpiry"] = "00:00:20" }))
        {
            Assert.Empty(IngestWorkerHost.FindConfigurationErrors(host.Services));
            Assert.Equal(32, host.Services.GetRequiredService<IOptions<IngestWorkerOptions>>().Value.Partitions.Count);
        }
    }

    [Fact]
    public void Bad_partition_settings_are_refused_by_their_keys()
    {
        using var host = Build(new() { ["ingestWorker:partitions:count"] = "1000", ["ingestWorker:partitions:renewalInterval"] = "00:00:20" });
        var errors = string.Join("\n", IngestWorkerHost.FindConfigurationErrors(host.Services));
        Assert.Contains("ingestWorker:partitions:count must be between 1 and 999", errors);
        Assert.Contains("ingestWorker:partitions:ownershipExpiry (00:00:30) must be at least three times ingestWorker:partitions:renewalInterval (00:00:20)", errors);
    }

    private static IHost Build(Dictionary<string, string?> settings) =>
        IngestWorkerHost.CreateBuilder(["--host-json", Path.Combine(ConfigurationTests.RepositoryRoot(), "host.json")],
            config => config.AddInMemoryCollection(settings)).Build();
}

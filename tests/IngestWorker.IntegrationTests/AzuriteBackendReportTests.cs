using IngestWorker.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace IngestWorker.IntegrationTests;

/// <summary>Which Azurite the shared fixture runs, printed where the test results show it.</summary>
public sealed class AzuriteBackendReportTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task The_shared_azurite_says_which_backend_it_runs()
    {
        output.WriteLine(Azurite.Backend);

        Assert.StartsWith("Azurite backend: ", Azurite.Backend);
        Assert.NotNull((await azurite.BlobService.GetPropertiesAsync()).Value);
        if (AzuriteBackend.Current.Kind == AzuriteBackendKind.Npm)
        {
            // On the npm path no Testcontainers code runs: its assembly is not even loaded.
            Assert.DoesNotContain(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == "Testcontainers");
        }
    }
}

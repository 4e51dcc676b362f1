namespace IngestWorker.IntegrationTests.Infrastructure;

/// <summary>
/// A test that runs Azurite through Testcontainers. xunit 2 decides skips when it discovers the
/// tests, so the cheap engine check (<see cref="DockerEngine"/>) runs here: where no engine on this
/// machine answers, or INGESTWORKER_TEST_AZURITE=npm, the test is skipped and the reason says which.
/// With INGESTWORKER_TEST_AZURITE=docker it always runs, and fails, saying why, without an engine.
/// </summary>
public sealed class DockerFactAttribute : FactAttribute
{
    public DockerFactAttribute()
    {
        try
        {
            Skip = AzuriteBackend.DockerUnavailableReason(
                Environment.GetEnvironmentVariable(AzuriteBackend.ForceVariable), () => DockerEngine.Local);
        }
        catch (InvalidOperationException)
        {
            // A value of INGESTWORKER_TEST_AZURITE that is not understood: the test runs and says so.
        }
    }
}

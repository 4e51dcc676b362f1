using System.Text.Json;
using IngestWorker.IntegrationTests.Infrastructure;

namespace IngestWorker.IntegrationTests;

/// <summary>
/// Keyless connections, the Azure Functions way (AzureWebJobsStorage__blobServiceUri, __queueServiceUri,
/// __credential, __clientId), tested for real: an Azurite that takes OAuth bearer tokens over HTTPS
/// (a certificate this test makes; the worker trusts it through SSL_CERT_FILE), and the
/// managed-identity token endpoint of Container Apps and App Service (IDENTITY_ENDPOINT /
/// IDENTITY_HEADER) served on loopback. The worker and the CLI run as their own processes with no
/// account key in their environment. The credential is pinned so it cannot reach the instance
/// metadata address: with IDENTITY_ENDPOINT set the managed-identity credential asks only that
/// endpoint, and the default chain is narrowed to the managed identity (AZURE_TOKEN_CREDENTIALS).
/// </summary>
public sealed class IdentityConnectionTests : IAsyncLifetime
{
    private const string UserAssignedClientId = "6a1b7f0e-55f0-4c3c-9d0e-2f1d4f3b8e21";

    private readonly LoopbackCertificate _tls = new();
    private readonly LoopbackTokenEndpoint _tokens = new();
    private Azurite _azurite = null!;

    public async Task InitializeAsync() => _azurite = await Azurite.StartWithOAuthAsync(_tls);

    public async Task DisposeAsync()
    {
        await _azurite.DisposeAsync();
        await _tokens.DisposeAsync();
        _tls.Dispose();
    }

    [Fact]
    public async Task A_user_assigned_managed_identity_runs_the_queue_mode_worker_with_no_key()
    {
        var containers = new TestContainers(_azurite);
        var settings = IdentitySettings(containers);
        settings["ingestWorker:trigger:mode"] = "queue";
        settings["AzureWebJobsStorage:credential"] = "managedidentity";
        settings["AzureWebJobsStorage:clientId"] = UserAssignedClientId;
        Assert.DoesNotContain(settings.Values, v => v?.Contains("AccountKey", StringComparison.OrdinalIgnoreCase) == true);

        using var worker = WorkerProcess.Start(settings);
        await worker.WaitForOutputAsync($"Storage: the managed identity with client id {UserAssignedClientId} at {_azurite.BlobEndpoint}", TimeSpan.FromSeconds(60));
        await containers.UploadAsync("keyless.txt", TestTexts.Article("keyless"));
        var outcome = await containers.WaitForOutcomeAsync("keyless.txt");
        Assert.Equal("accepted", outcome.GetProperty("status").GetString());

        // Every token came from the host's endpoint, for storage, for the user-assigned identity.
        Assert.NotEmpty(_tokens.Requests);
        Assert.All(_tokens.Requests, r =>
        {
            Assert.True(r.HadHeader);
            Assert.Equal("https://storage.azure.com", r.Resource);
            Assert.Equal(UserAssignedClientId, r.ClientId);
        });

        // The operator CLI takes the same settings.
        var status = await CliProcess.RunAsync(containers, settings, "status", "--json");
        Assert.True(status.ExitCode == 0, status.Output);
        Assert.Equal(1, JsonDocument.Parse(status.Stdout).RootElement.GetProperty("outcomes").GetProperty("accepted").GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task The_default_credential_chain_finds_the_system_assigned_identity()
    {
        var containers = new TestContainers(_azurite);
        var settings = IdentitySettings(containers);
        // Only the managed identity in the chain: nothing asks a developer tool, a metadata address or Entra ID.
        settings["AZURE_TOKEN_CREDENTIALS"] = "ManagedIdentityCredential";

        using var worker = WorkerProcess.Start(settings);
        await worker.WaitForOutputAsync("Storage: Azure.Identity's default credential chain at", TimeSpan.FromSeconds(60));
        await containers.UploadAsync("chain.txt", TestTexts.Article("chain"));
        Assert.Equal("accepted", (await containers.WaitForOutcomeAsync("chain.txt")).GetProperty("status").GetString());
        Assert.All(_tokens.Requests, r => Assert.Null(r.ClientId));
    }

    [Fact]
    public async Task An_identity_that_gets_no_token_stops_the_worker_with_a_message_that_says_so()
    {
        var containers = new TestContainers(_azurite);
        var settings = IdentitySettings(containers);
        settings["AzureWebJobsStorage:credential"] = "managedidentity";
        _tokens.Grants = false;

        using var worker = WorkerProcess.Start(settings);
        Assert.Equal(1, await worker.WaitForExitAsync(TimeSpan.FromSeconds(90)));
        var output = string.Join("\n", worker.Output);
        Assert.Contains($"No token for storage at {_azurite.BlobEndpoint}", output);
        Assert.Contains("AzureWebJobsStorage__credential", output);
    }

    /// <summary>The containers' settings with the connection string replaced by an identity-based connection.</summary>
    private Dictionary<string, string?> IdentitySettings(TestContainers containers)
    {
        var settings = containers.Settings();
        settings["AzureWebJobsStorage"] = null;
        settings["AzureWebJobsStorage:blobServiceUri"] = _azurite.BlobEndpoint.ToString();
        settings["AzureWebJobsStorage:queueServiceUri"] = _azurite.QueueEndpoint.ToString();
        foreach (var (key, value) in _tokens.IdentitySettings.Concat(_tls.TrustSettings))
            settings[key] = value;
        return settings;
    }
}

using Azure.Identity;
using IngestWorker.Options;
using IngestWorker.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace IngestWorker.Tests;

/// <summary>
/// AzureWebJobsStorage read the Azure Functions way: a connection string, or identity-based
/// children. No token is asked for here (creating a credential sends nothing); the integration
/// tests get one from a loopback token endpoint (IdentityConnectionTests).
/// </summary>
public sealed class StorageConnectionTests
{
    [Fact]
    public void An_account_name_implies_the_public_cloud_endpoints_and_the_default_credential_chain()
    {
        var connection = Connection(new() { ["AzureWebJobsStorage:accountName"] = "newsarchive01" });
        Assert.Equal(new Uri("https://newsarchive01.blob.core.windows.net"), connection.BlobServiceUri);
        Assert.Equal(new Uri("https://newsarchive01.queue.core.windows.net"), connection.QueueServiceUri);
        Assert.IsType<DefaultAzureCredential>(connection.Credential);
        Assert.Equal("Azure.Identity's default credential chain at https://newsarchive01.blob.core.windows.net/ and https://newsarchive01.queue.core.windows.net/", connection.Description);
        Assert.Equal("newsarchive01", connection.CreateBlobServiceClient(new()).AccountName);
    }

    [Fact]
    public void Service_uris_win_over_the_account_name_and_managedidentity_with_a_client_id_is_that_user_assigned_identity()
    {
        var connection = Connection(new()
        {
            ["AzureWebJobsStorage:accountName"] = "newsarchive01",
            ["AzureWebJobsStorage:blobServiceUri"] = "https://newsarchive01.privatelink.blob.core.windows.net",
            ["AzureWebJobsStorage:credential"] = "ManagedIdentity",
            ["AzureWebJobsStorage:clientId"] = "6a1b7f0e-55f0-4c3c-9d0e-2f1d4f3b8e21",
        });
        Assert.Equal(new Uri("https://newsarchive01.privatelink.blob.core.windows.net"), connection.BlobServiceUri);
        Assert.Equal(new Uri("https://newsarchive01.queue.core.windows.net"), connection.QueueServiceUri);
        Assert.IsType<ManagedIdentityCredential>(connection.Credential);
        Assert.StartsWith("the managed identity with client id 6a1b7f0e-55f0-4c3c-9d0e-2f1d4f3b8e21 at https://newsarchive01.privatelink.blob.core.windows.net/", connection.Description);
    }

    [Fact]
    public void A_connection_string_still_works_and_its_description_holds_no_key()
    {
        const string connectionString = "DefaultEndpointsProtocol=https;AccountName=newsarchive01;AccountKey=c2VjcmV0c2VjcmV0c2VjcmV0;EndpointSuffix=core.windows.net";
        var connection = Connection(new() { ["AzureWebJobsStorage"] = connectionString });
        Assert.Null(connection.Credential);
        Assert.Equal("a connection string (AzureWebJobsStorage)", connection.Description);
        Assert.Equal("newsarchive01", connection.CreateBlobServiceClient(new()).AccountName);
        Assert.Equal("newsarchive01", connection.CreateQueueServiceClient(new()).AccountName);
    }

    [Fact]
    public void Nothing_configured_is_the_local_azurite()
    {
        var connection = Connection(new());
        Assert.Null(connection.Credential);
        Assert.Equal("devstoreaccount1", connection.CreateBlobServiceClient(new()).AccountName);
    }

    [Theory]
    [InlineData("AzureWebJobsStorage:accountName", "News_Archive", "AzureWebJobsStorage__accountName must be a storage account name")]
    [InlineData("AzureWebJobsStorage:blobServiceUri", "http://newsarchive01.blob.core.windows.net", "AzureWebJobsStorage__blobServiceUri must be an absolute https:// URL")]
    [InlineData("AzureWebJobsStorage:credential", "clientsecret", "AzureWebJobsStorage__credential must be 'managedidentity' or unset")]
    [InlineData("AzureWebJobsStorage:clientId", "my-identity", "AzureWebJobsStorage__clientId must be the client id (a GUID)")]
    [InlineData("AzureWebJobsStorage:tenantId", "6a1b7f0e-55f0-4c3c-9d0e-2f1d4f3b8e21", "AzureWebJobsStorage__tenantId is not a setting this worker reads")]
    public void A_bad_identity_setting_is_named(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?> { ["AzureWebJobsStorage:accountName"] = "newsarchive01", [key] = value };
        Assert.Contains(Errors(settings), e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_connection_string_and_identity_settings_together_are_refused_without_showing_the_key()
    {
        var errors = Errors(new()
        {
            ["AzureWebJobsStorage"] = "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net",
            ["AzureWebJobsStorage:accountName"] = "newsarchive01",
        });
        var error = Assert.Single(errors);
        Assert.StartsWith("AzureWebJobsStorage holds a connection string and identity-based settings", error);
        Assert.DoesNotContain("c2VjcmV0", error);
    }

    [Fact]
    public void Identity_settings_without_an_endpoint_or_without_a_queue_endpoint_in_a_queue_mode_are_refused()
    {
        Assert.Contains(Errors(new() { ["AzureWebJobsStorage:credential"] = "managedidentity" }),
            e => e.StartsWith("An identity-based connection needs AzureWebJobsStorage__accountName or AzureWebJobsStorage__blobServiceUri", StringComparison.Ordinal));
        var blobOnly = new Dictionary<string, string?> { ["AzureWebJobsStorage:blobServiceUri"] = "https://newsarchive01.blob.core.windows.net" };
        Assert.Empty(Errors(blobOnly));
        blobOnly["ingestWorker:trigger:mode"] = "eventGrid";
        Assert.Contains(Errors(blobOnly), e => e.StartsWith("The 'eventGrid' trigger mode reads a queue: set AzureWebJobsStorage__queueServiceUri", StringComparison.Ordinal));
        blobOnly["AzureWebJobsStorage:queueServiceUri"] = "https://newsarchive01.queue.core.windows.net";
        Assert.Empty(Errors(blobOnly));
    }

    private static StorageConnection Connection(Dictionary<string, string?> settings)
    {
        using var host = Build(settings);
        Assert.Empty(IngestWorkerHost.FindConfigurationErrors(host.Services));
        return host.Services.GetRequiredService<StorageConnection>();
    }

    private static IReadOnlyList<string> Errors(Dictionary<string, string?> settings)
    {
        using var host = Build(settings);
        return IngestWorkerHost.FindConfigurationErrors(host.Services);
    }

    private static IHost Build(Dictionary<string, string?> settings) =>
        IngestWorkerHost.CreateBuilder(["--host-json", Path.Combine(ConfigurationTests.RepositoryRoot(), "host.json")],
            config => config.AddInMemoryCollection(settings)).Build();
}

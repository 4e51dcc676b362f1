using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using IngestWorker.Options;

namespace IngestWorker.Storage;

/// <summary>
/// Turns validated <see cref="StorageOptions"/> into clients: with the connection string, or with
/// the service endpoints and a token credential, as Azure Functions reads <c>AzureWebJobsStorage</c>.
/// The credential is made once, so the blob and queue clients share its token cache.
/// </summary>
public sealed class StorageConnection
{
    private readonly StorageOptions _options;

    public StorageConnection(StorageOptions options)
    {
        _options = options;
        if (!options.IsIdentityBased)
            return;
        Credential = CreateCredential(options);
        BlobServiceUri = ServiceUri(options.BlobServiceUri, options.AccountName, "blob");
        QueueServiceUri = ServiceUri(options.QueueServiceUri, options.AccountName, "queue");
    }

    /// <summary>The token credential of an identity-based connection; null with a connection string.</summary>
    public TokenCredential? Credential { get; }

    public Uri? BlobServiceUri { get; }

    public Uri? QueueServiceUri { get; }

    /// <summary>How the worker connects, for the start-up log: never a key.</summary>
    public string Description => Credential is null
        ? $"a connection string ({StorageOptions.ConnectionStringKey})"
        : $"{CredentialName(_options)} at {BlobServiceUri}{(QueueServiceUri is null ? "" : $" and {QueueServiceUri}")}";

    public BlobServiceClient CreateBlobServiceClient(BlobClientOptions options) => Credential is null
        ? new BlobServiceClient(_options.EffectiveConnectionString, options)
        : new BlobServiceClient(BlobServiceUri, Credential, options);

    public QueueServiceClient CreateQueueServiceClient(QueueClientOptions options) => Credential is null
        ? new QueueServiceClient(_options.EffectiveConnectionString, options)
        : new QueueServiceClient(QueueServiceUri ?? throw new InvalidOperationException(
            $"The queue trigger modes need {StorageOptions.IdentityKey("queueServiceUri")} or {StorageOptions.IdentityKey("accountName")}."), Credential, options);

    private static TokenCredential CreateCredential(StorageOptions options)
    {
        var clientId = string.IsNullOrWhiteSpace(options.ClientId) ? null : options.ClientId.Trim();
        if (IsManagedIdentity(options))
            // Only the managed identity: on Container Apps and App Service it asks the endpoint in
            // IDENTITY_ENDPOINT; nothing else in the chain is tried.
            return new ManagedIdentityCredential(clientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId));
        var chain = new DefaultAzureCredentialOptions();
        if (clientId is not null)
        {
            chain.ManagedIdentityClientId = clientId;
            chain.WorkloadIdentityClientId = clientId;
        }
        return new DefaultAzureCredential(chain);
    }

    private static bool IsManagedIdentity(StorageOptions options) =>
        string.Equals(options.Credential?.Trim(), StorageOptions.ManagedIdentityCredential, StringComparison.OrdinalIgnoreCase);

    private static string CredentialName(StorageOptions options) => IsManagedIdentity(options)
        ? string.IsNullOrWhiteSpace(options.ClientId) ? "the system-assigned managed identity" : $"the managed identity with client id {options.ClientId.Trim()}"
        : "Azure.Identity's default credential chain";

    private static Uri? ServiceUri(string? explicitUri, string? accountName, string service) =>
        !string.IsNullOrWhiteSpace(explicitUri) ? new Uri(explicitUri.Trim())
        : !string.IsNullOrWhiteSpace(accountName) ? new Uri($"https://{accountName.Trim()}.{service}.core.windows.net")
        : null;
}

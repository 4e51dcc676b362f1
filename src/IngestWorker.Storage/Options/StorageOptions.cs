namespace IngestWorker.Options;

/// <summary>
/// The storage account and how the worker proves who it is, from the <c>AzureWebJobsStorage</c>
/// setting as in Azure Functions: either its value, a connection string, or (with no value) its
/// identity-based children <c>AzureWebJobsStorage__accountName</c> or <c>__blobServiceUri</c> /
/// <c>__queueServiceUri</c>, with <c>__credential</c> and <c>__clientId</c>. Validated by
/// <see cref="StorageOptionsValidator"/>; turned into clients by <c>Storage/StorageConnection</c>.
/// </summary>
public sealed class StorageOptions
{
    public const string ConnectionStringKey = "AzureWebJobsStorage";

    /// <summary>What the worker uses when nothing is configured: a local Azurite on its standard ports.</summary>
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    /// <summary>The one value <see cref="Credential"/> may name; without it, Azure.Identity's default chain is used.</summary>
    public const string ManagedIdentityCredential = "managedidentity";

    /// <summary>The identity-based settings, as children of <see cref="ConnectionStringKey"/>.</summary>
    public static readonly IReadOnlyList<string> IdentityKeys = ["accountName", "blobServiceUri", "queueServiceUri", "credential", "clientId"];

    /// <summary>A storage connection string (the value of <c>AzureWebJobsStorage</c> itself); null when the connection is identity-based.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The account's name: its endpoints are then the public cloud's <c>https://NAME.blob.core.windows.net</c> and <c>.queue.</c>.</summary>
    public string? AccountName { get; set; }

    /// <summary>The blob endpoint, for another cloud or a private endpoint; wins over the one <see cref="AccountName"/> implies.</summary>
    public string? BlobServiceUri { get; set; }

    /// <summary>The queue endpoint (the queue and Event Grid trigger modes need one); wins over the one <see cref="AccountName"/> implies.</summary>
    public string? QueueServiceUri { get; set; }

    /// <summary><c>managedidentity</c> for the managed identity alone; unset for Azure.Identity's default chain.</summary>
    public string? Credential { get; set; }

    /// <summary>The client id of a user-assigned managed identity; unset for the system-assigned one.</summary>
    public string? ClientId { get; set; }

    /// <summary>True when any identity-based setting is present.</summary>
    public bool IsIdentityBased =>
        !string.IsNullOrWhiteSpace(AccountName) || !string.IsNullOrWhiteSpace(BlobServiceUri) || !string.IsNullOrWhiteSpace(QueueServiceUri)
        || !string.IsNullOrWhiteSpace(Credential) || !string.IsNullOrWhiteSpace(ClientId);

    /// <summary>The connection string to use when the connection is not identity-based.</summary>
    public string EffectiveConnectionString => string.IsNullOrWhiteSpace(ConnectionString) ? DevelopmentStorage : ConnectionString;

    public static string IdentityKey(string name) => $"{ConnectionStringKey}__{name}";
}

using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace IngestWorker.Options;

/// <summary>
/// Checks the storage connection before anything starts: one of a connection string or an
/// identity-based connection, never half of each, with endpoints a token may be sent to (https)
/// and a queue endpoint whenever the trigger mode reads a queue. Every message names its key;
/// values that may hold a key are never echoed.
/// </summary>
internal sealed partial class StorageOptionsValidator(IConfiguration configuration) : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var errors = new List<string>();
        foreach (var child in configuration.GetSection(StorageOptions.ConnectionStringKey).GetChildren())
            if (!StorageOptions.IdentityKeys.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
                errors.Add($"{StorageOptions.IdentityKey(child.Key)} is not a setting this worker reads; the identity-based ones are {string.Join(", ", StorageOptions.IdentityKeys.Select(StorageOptions.IdentityKey))}.");

        if (options.IsIdentityBased)
        {
            if (!string.IsNullOrWhiteSpace(options.ConnectionString))
                errors.Add($"{StorageOptions.ConnectionStringKey} holds a connection string and identity-based settings ({StorageOptions.ConnectionStringKey}__…) are set too; keep one of the two.");
            else
                CheckIdentityBased(errors, options);
        }
        else if (options.ConnectionString is { } connectionString)
        {
            CheckConnectionString(errors, connectionString);
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private void CheckIdentityBased(List<string> errors, StorageOptions options)
    {
        var accountName = StorageOptions.IdentityKey("accountName");
        var blobServiceUri = StorageOptions.IdentityKey("blobServiceUri");
        var queueServiceUri = StorageOptions.IdentityKey("queueServiceUri");
        if (options.AccountName is { } account && !AccountName().IsMatch(account))
            errors.Add($"{accountName} must be a storage account name (3 to 24 lower-case letters and digits); it is '{account}'.");
        CheckEndpoint(errors, blobServiceUri, options.BlobServiceUri);
        CheckEndpoint(errors, queueServiceUri, options.QueueServiceUri);
        if (string.IsNullOrWhiteSpace(options.AccountName) && string.IsNullOrWhiteSpace(options.BlobServiceUri))
            errors.Add($"An identity-based connection needs {accountName} or {blobServiceUri}.");
        var mode = configuration[$"{IngestWorkerOptions.Section}:trigger:mode"] ?? TriggerOptions.ScanMode;
        if (mode is TriggerOptions.QueueMode or TriggerOptions.EventGridMode
            && string.IsNullOrWhiteSpace(options.AccountName) && string.IsNullOrWhiteSpace(options.QueueServiceUri))
            errors.Add($"The '{mode}' trigger mode reads a queue: set {queueServiceUri} (or {accountName}) beside {blobServiceUri}.");
        if (options.Credential is { } credential && !credential.Equals(StorageOptions.ManagedIdentityCredential, StringComparison.OrdinalIgnoreCase))
            errors.Add($"{StorageOptions.IdentityKey("credential")} must be '{StorageOptions.ManagedIdentityCredential}' or unset (Azure.Identity's default chain: environment, workload identity, managed identity, Azure CLI…); it is '{credential}'.");
        if (options.ClientId is { } clientId && !Guid.TryParse(clientId, out _))
            errors.Add($"{StorageOptions.IdentityKey("clientId")} must be the client id (a GUID) of a user-assigned managed identity; it is '{clientId}'.");
    }

    private static void CheckEndpoint(List<string> errors, string key, string? value)
    {
        if (value is null)
            return;
        // Azure.Storage refuses to send a bearer token over plain http, and so would Azure.
        if (!(Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && string.IsNullOrEmpty(uri.Query)))
            errors.Add($"{key} must be an absolute https:// URL without a query, e.g. https://myaccount.blob.core.windows.net; it is '{Telemetry.Secrets.Endpoint(value)}'.");
    }

    private static void CheckConnectionString(List<string> errors, string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            errors.Add($"{StorageOptions.ConnectionStringKey} is empty; set it to a storage connection string ({StorageOptions.DevelopmentStorage} for Azurite), or use an identity-based connection ({StorageOptions.IdentityKey("accountName")}).");
            return;
        }
        try
        {
            _ = new BlobServiceClient(connectionString);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            // The value itself is never echoed: it usually contains an account key.
            errors.Add($"{StorageOptions.ConnectionStringKey} is not a valid storage connection string ({e.GetType().Name}); the value is not shown because it may contain a key.");
        }
    }

    // Azure's rule for storage account names.
    [GeneratedRegex("^[a-z0-9]{3,24}$")]
    private static partial Regex AccountName();
}

namespace IngestWorker.Options;

/// <summary>The storage account, from the <c>AzureWebJobsStorage</c> setting as in Azure Functions.</summary>
public sealed class StorageOptions
{
    public const string ConnectionStringKey = "AzureWebJobsStorage";

    /// <summary>A storage connection string; the default points at a local Azurite on its standard ports.</summary>
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";
}

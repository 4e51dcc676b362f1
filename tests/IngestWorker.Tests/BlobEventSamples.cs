using IngestWorker.Triggers;

namespace IngestWorker.Tests;

/// <summary>BlobCreated events shaped as Azure Storage publishes them, in both schemas (shared with the integration tests).</summary>
internal static class BlobEventSamples
{
    // Shaped as Azure Storage publishes it (Event Grid schema), for a blob in folder news/.
    internal static string EventGridBlobCreated(string account, string container, string name, string etag = "0x8DCB2E4835CD0", string id = "831e1650-001e-001b-66ab-eeb76e069631") => $$"""
        [{
          "topic": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/news/providers/Microsoft.Storage/storageAccounts/{{account}}",
          "subject": "/blobServices/default/containers/{{container}}/blobs/{{name}}",
          "eventType": "Microsoft.Storage.BlobCreated",
          "eventTime": "2026-11-22T18:41:00.9584103Z",
          "id": "{{id}}",
          "data": {
            "api": "PutBlob",
            "clientRequestId": "6d79dbfb-0e37-4fc4-981f-442c9ca65760",
            "requestId": "831e1650-001e-001b-66ab-eeb76e000000",
            "eTag": "{{etag}}",
            "contentType": "text/plain",
            "contentLength": 2048,
            "blobType": "BlockBlob",
            "url": "https://{{account}}.blob.core.windows.net/{{container}}/{{Uri.EscapeDataString(name).Replace("%2F", "/")}}",
            "sequencer": "00000000000004420000000000028963",
            "storageDiagnostics": { "batchId": "b68529f3-68cd-4744-baa4-3c0498ec19f0" }
          },
          "dataVersion": "",
          "metadataVersion": "1"
        }]
        """;

    internal static string CloudEventBlobCreated(string url, string etag = "0x8DCB2E4835CD0", string type = WorkMessage.BlobCreated) => $$"""
        {
          "source": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/news/providers/Microsoft.Storage/storageAccounts/acct",
          "subject": "/blobServices/default/containers/incoming/blobs/a.txt",
          "type": "{{type}}",
          "time": "2026-11-22T18:41:00.9584103Z",
          "id": "9aeb0fdf-c01e-0131-0922-9eb54906e209",
          "data": {
            "api": "PutBlockList",
            "clientRequestId": "4c5dd7fb-2c48-4a27-bb30-5361b5de920a",
            "requestId": "9aeb0fdf-c01e-0131-0922-9eb549000000",
            "eTag": "{{etag}}",
            "contentType": "text/html",
            "contentLength": 30699,
            "blobType": "BlockBlob",
            "url": "{{url}}",
            "sequencer": "000000000000000000000000000099240000000000c41c18",
            "storageDiagnostics": { "batchId": "681fe319-3006-00a8-0022-9e7cde000000" }
          },
          "specversion": "1.0"
        }
        """;
}

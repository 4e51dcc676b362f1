using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using IngestWorker.Options;
using IngestWorker.Telemetry;
using Microsoft.Extensions.Options;
using HttpPipelinePosition = Azure.Core.HttpPipelinePosition;

namespace IngestWorker.Storage;

/// <summary>One received message, with the receipt that lets its holder extend, release or delete it.</summary>
public sealed class WorkMessageLease
{
    public WorkMessageLease(QueueMessage message)
    {
        MessageId = message.MessageId;
        PopReceipt = message.PopReceipt;
        (Body, Note) = MessageRetryNote.Unwrap(message.Body);
        DequeueCount = message.DequeueCount;
        InsertedOn = message.InsertedOn;
    }

    public string MessageId { get; }
    public string PopReceipt { get; internal set; }

    /// <summary>The body as it was first sent (without the <see cref="Note"/>).</summary>
    public BinaryData Body { get; }

    /// <summary>What earlier receptions left on the message when they gave it back.</summary>
    public MessageRetryNote Note { get; }

    /// <summary>How many times the queue has handed the message out, this time included; it survives any crash.</summary>
    public long DequeueCount { get; }
    public DateTimeOffset? InsertedOn { get; }
}

/// <summary>
/// The work queue and its poison queue (Azure Storage queues), as the triggers use them. Messages
/// never expire: a message is removed only once its blob has an outcome, or moved to the poison queue.
/// </summary>
public sealed class WorkQueues
{
    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    private readonly StorageResilience _resilience;

    public WorkQueues(StorageConnection storage, IOptions<RetryOptions> retry, IOptions<IngestWorkerOptions> options,
        IngestWorkerMetrics metrics, StorageResilience resilience)
    {
        _resilience = resilience;
        var name = options.Value.Trigger.WorkQueueName(options.Value.Containers.Input);
        var clientOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        // As for blobs: StorageResilience is the one retry layer, and the per-try timeout is Polly's.
        clientOptions.Retry.MaxRetries = 0;
        clientOptions.Retry.NetworkTimeout = retry.Value.AttemptTimeout + TimeSpan.FromSeconds(5);
        clientOptions.AddPolicy(new StorageRequestCounter(options.Value.Containers, metrics,
            new Dictionary<string, string> { [name] = "queue", [TriggerOptions.PoisonQueueName(name)] = "poison-queue" }), HttpPipelinePosition.PerRetry);
        var service = storage.CreateQueueServiceClient(clientOptions);
        Work = service.GetQueueClient(name);
        Poison = service.GetQueueClient(TriggerOptions.PoisonQueueName(name));
    }

    public QueueClient Work { get; }

    public QueueClient Poison { get; }

    public async ValueTask EnsureExistAsync(CancellationToken cancellationToken)
    {
        foreach (var queue in new[] { Work, Poison })
            await _resilience.RunAsync(async ct => { await queue.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false); }, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask SendAsync(string message, CancellationToken cancellationToken) =>
        _resilience.RunAsync(async ct => { await Work.SendMessageAsync(message, timeToLive: NeverExpires, cancellationToken: ct).ConfigureAwait(false); }, cancellationToken);

    public ValueTask<WorkMessageLease[]> ReceiveAsync(int count, TimeSpan visibility, CancellationToken cancellationToken) =>
        _resilience.RunAsync(async ct =>
            (await Work.ReceiveMessagesAsync(count, visibility, ct).ConfigureAwait(false)).Value.Select(m => new WorkMessageLease(m)).ToArray(),
            cancellationToken);

    /// <summary>Keeps the message hidden for <paramref name="visibility"/> more (0 = give it back now).</summary>
    /// <param name="note">When set, the message is given back carrying it (in the same request) around its body.</param>
    /// <returns>False when the message is gone or was received by someone else (its visibility lapsed).</returns>
    public async ValueTask<bool> HideAsync(WorkMessageLease message, TimeSpan visibility, CancellationToken cancellationToken, MessageRetryNote? note = null)
    {
        var content = note?.Wrap(message.Body);
        try
        {
            var receipt = await _resilience.RunAsync(async ct =>
                (content is null
                    ? await Work.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: visibility, cancellationToken: ct).ConfigureAwait(false)
                    : await Work.UpdateMessageAsync(message.MessageId, message.PopReceipt, content, visibility, ct).ConfigureAwait(false)).Value,
                cancellationToken).ConfigureAwait(false);
            message.PopReceipt = receipt.PopReceipt;
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 400)
        {
            return false;
        }
    }

    public async ValueTask DeleteAsync(WorkMessageLease message, CancellationToken cancellationToken)
    {
        try
        {
            await _resilience.RunAsync(async ct => { await Work.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct).ConfigureAwait(false); }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 400)
        {
            // Already deleted, or received again elsewhere after its visibility lapsed; that
            // reception finds the blob's outcome and deletes it then.
        }
    }

    /// <summary>Puts a message on the poison queue (for <c>replay</c>): one blob of a message that named several.</summary>
    public ValueTask SendPoisonAsync(string message, CancellationToken cancellationToken) =>
        _resilience.RunAsync(async ct => { await Poison.SendMessageAsync(message, timeToLive: NeverExpires, cancellationToken: ct).ConfigureAwait(false); }, cancellationToken);

    /// <summary>Copies the message to the poison queue (for <c>replay</c>), then removes it from the work queue.</summary>
    public async ValueTask PoisonAsync(WorkMessageLease message, CancellationToken cancellationToken)
    {
        var body = message.Body.ToString();
        await _resilience.RunAsync(async ct => { await Poison.SendMessageAsync(body, timeToLive: NeverExpires, cancellationToken: ct).ConfigureAwait(false); }, cancellationToken).ConfigureAwait(false);
        await DeleteAsync(message, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<int> ApproximateDepthAsync(QueueClient queue, CancellationToken cancellationToken)
    {
        try
        {
            return await _resilience.RunAsync(async ct => (await queue.GetPropertiesAsync(ct).ConfigureAwait(false)).Value.ApproximateMessagesCount, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return 0;
        }
    }
}

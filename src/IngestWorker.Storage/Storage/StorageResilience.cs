using System.Net.Sockets;
using Azure;
using IngestWorker.Options;
using IngestWorker.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace IngestWorker.Storage;

/// <summary>
/// The single retry layer for storage calls: a per-try timeout inside a retry of transient
/// failures, configured by host.json's <c>retry</c> section. Every adapter routes each storage
/// call through here exactly once; the SDK's own retries are off (<see cref="StorageClientFactory"/>).
/// </summary>
public sealed class StorageResilience
{
    private readonly ResiliencePipeline _pipeline;
    private readonly int _tries;
    private long _retries;

    // One retry warning per window; the storage retries metric counts them all.
    internal static readonly TimeSpan RetryWarningWindow = TimeSpan.FromSeconds(5);

    public StorageResilience(IOptions<RetryOptions> options, ILogger<StorageResilience> logger, IngestWorkerMetrics? metrics = null, TimeProvider? clock = null)
    {
        var retry = options.Value;
        var warnings = new LogThrottle(RetryWarningWindow, clock ?? TimeProvider.System);
        _tries = retry.MaxRetryCount + 1;
        var builder = new ResiliencePipelineBuilder();
        if (retry.MaxRetryCount > 0)
        {
            var exponential = retry.Strategy == RetryStrategies.ExponentialBackoff;
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = retry.MaxRetryCount,
                BackoffType = exponential ? DelayBackoffType.Exponential : DelayBackoffType.Constant,
                Delay = exponential ? retry.MinimumInterval : retry.DelayInterval,
                MaxDelay = exponential ? retry.MaximumInterval : null,
                UseJitter = exponential,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } e && IsTransient(e, args.Context.CancellationToken)),
                OnRetry = args =>
                {
                    Interlocked.Increment(ref _retries);
                    metrics?.StorageRetry(ErrorType(args.Outcome.Exception));
                    if (!warnings.TryLog(out var heldBack))
                        return ValueTask.CompletedTask;
                    if (heldBack == 0)
                        logger.LogWarning("Storage call failed transiently ({Error}); retry {Retry} of {MaxRetries} in {DelayMs} ms.",
                            Describe(args.Outcome.Exception), args.AttemptNumber + 1, retry.MaxRetryCount, (int)args.RetryDelay.TotalMilliseconds);
                    else
                        logger.LogWarning("Storage call failed transiently ({Error}); retry {Retry} of {MaxRetries} in {DelayMs} ms. {HeldBack} more storage retries since the last such line were not logged one by one (metric ingestworker.storage.retries counts them).",
                            Describe(args.Outcome.Exception), args.AttemptNumber + 1, retry.MaxRetryCount, (int)args.RetryDelay.TotalMilliseconds, heldBack);
                    return ValueTask.CompletedTask;
                },
            });
        }
        builder.AddTimeout(retry.AttemptTimeout);
        _pipeline = builder.Build();
    }

    /// <summary>Retries performed since start (for tests and diagnostics).</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <exception cref="StorageUnavailableException">The call failed transiently on every try.</exception>
    public async ValueTask<T> RunAsync<T>(Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(call, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransient(e, cancellationToken))
        {
            throw Unavailable(e);
        }
    }

    /// <exception cref="StorageUnavailableException">The call failed transiently on every try.</exception>
    public async ValueTask RunAsync(Func<CancellationToken, ValueTask> call, CancellationToken cancellationToken)
    {
        try
        {
            await _pipeline.ExecuteAsync(call, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransient(e, cancellationToken))
        {
            throw Unavailable(e);
        }
    }

    private StorageUnavailableException Unavailable(Exception e) =>
        new($"Storage stayed unavailable through {_tries} {(_tries == 1 ? "try" : "tries")} ({Describe(e)}).", e);

    /// <summary>
    /// Whether trying the same call again may succeed: network failures, timeouts, throttling and
    /// server errors. Client errors (404, 409, 412, 403…) are answers, not failures, and are not retried.
    /// </summary>
    public static bool IsTransient(Exception exception, CancellationToken callerToken) => exception switch
    {
        RequestFailedException { Status: 0 or 408 or 429 or 500 or 502 or 503 or 504 } => true,
        RequestFailedException => false,
        TimeoutRejectedException or HttpRequestException or IOException or SocketException => true,
        // The SDK reports its own network timeout as a cancellation nobody asked for.
        OperationCanceledException => !callerToken.IsCancellationRequested,
        AggregateException a => a.InnerExceptions.Any(inner => IsTransient(inner, callerToken)),
        _ => false,
    };

    // A closed set, as a metric tag must be: an HTTP status, "timeout", or an exception type.
    internal static string ErrorType(Exception? e) => e switch
    {
        RequestFailedException { Status: > 0 } r => r.Status.ToString(System.Globalization.CultureInfo.InvariantCulture),
        TimeoutRejectedException => "timeout",
        RequestFailedException { InnerException: { } inner } => inner.GetType().FullName!,
        null => "",
        _ => e.GetType().FullName!,
    };

    private static string Describe(Exception? e) => e switch
    {
        // Status 0: no HTTP answer at all (connection refused, reset, DNS).
        RequestFailedException { Status: 0 } r => r.InnerException?.Message ?? r.Message,
        RequestFailedException r => $"HTTP {r.Status} {r.ErrorCode}".TrimEnd(),
        null => "no exception",
        TimeoutRejectedException => "timed out",
        _ => e.Message,
    };
}

/// <summary>
/// A storage call failed transiently on every try: storage (or the way to it) is down. That is no
/// input's fault, so it never counts as a failed attempt of a blob.
/// </summary>
public sealed class StorageUnavailableException(string message, Exception innerException) : Exception(message, innerException);

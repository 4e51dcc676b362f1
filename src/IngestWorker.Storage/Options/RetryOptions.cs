namespace IngestWorker.Options;

/// <summary>
/// <c>retry</c> in host.json: how one storage call is retried when it fails transiently (timeouts,
/// 408/429/5xx, dropped connections). Field names follow the Functions retry policy. This is the
/// only retry layer: the Azure SDK's own retries are switched off so the two never multiply.
/// </summary>
public sealed class RetryOptions
{
    public const string Section = "retry";

    /// <summary><c>exponentialBackoff</c> (default) or <c>fixedDelay</c>.</summary>
    public string Strategy { get; set; } = RetryStrategies.ExponentialBackoff;

    /// <summary>Retries after the first try; 0 disables retrying.</summary>
    public int MaxRetryCount { get; set; } = 5;

    /// <summary>For <c>fixedDelay</c>: the pause between tries.</summary>
    public TimeSpan DelayInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>For <c>exponentialBackoff</c>: the first pause, doubled (with jitter) on each retry.</summary>
    public TimeSpan MinimumInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>For <c>exponentialBackoff</c>: the longest pause.</summary>
    public TimeSpan MaximumInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The longest one try of one storage call may take before it counts as failed.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

public static class RetryStrategies
{
    public const string ExponentialBackoff = "exponentialBackoff";
    public const string FixedDelay = "fixedDelay";
}

using System.Text.RegularExpressions;
using IngestWorker.Text.Decoding;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace IngestWorker.Options;

// Every message starts with the configuration key it is about, so a user who sees the host refuse
// to start knows exactly which line of host.json (or which environment variable) to fix.

internal sealed partial class BlobsOptionsValidator : IValidateOptions<BlobsOptions>
{
    public ValidateOptionsResult Validate(string? name, BlobsOptions options)
    {
        var errors = new List<string>();
        Check.Range(errors, $"{BlobsOptions.Section}:maxDegreeOfParallelism", options.MaxDegreeOfParallelism, 1, 256);
        Check.Range(errors, $"{BlobsOptions.Section}:poisonBlobThreshold", options.PoisonBlobThreshold, 1, 100);
        return Check.Result(errors);
    }
}

internal sealed class RetryOptionsValidator : IValidateOptions<RetryOptions>
{
    public ValidateOptionsResult Validate(string? name, RetryOptions options)
    {
        var errors = new List<string>();
        const string s = RetryOptions.Section;
        if (options.Strategy is not (RetryStrategies.ExponentialBackoff or RetryStrategies.FixedDelay))
            errors.Add($"{s}:strategy must be '{RetryStrategies.ExponentialBackoff}' or '{RetryStrategies.FixedDelay}'; it is '{options.Strategy}'.");
        Check.Range(errors, $"{s}:maxRetryCount", options.MaxRetryCount, 0, 50);
        Check.Duration(errors, $"{s}:delayInterval", options.DelayInterval, TimeSpan.Zero, TimeSpan.FromMinutes(5));
        Check.Duration(errors, $"{s}:minimumInterval", options.MinimumInterval, TimeSpan.Zero, TimeSpan.FromMinutes(5));
        Check.Duration(errors, $"{s}:maximumInterval", options.MaximumInterval, TimeSpan.Zero, TimeSpan.FromMinutes(15));
        Check.Duration(errors, $"{s}:attemptTimeout", options.AttemptTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        if (options.MaximumInterval < options.MinimumInterval)
            errors.Add($"{s}:maximumInterval ({options.MaximumInterval}) must not be shorter than {s}:minimumInterval ({options.MinimumInterval}).");
        return Check.Result(errors);
    }
}

internal sealed partial class IngestWorkerOptionsValidator(IConfiguration configuration) : IValidateOptions<IngestWorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestWorkerOptions options)
    {
        const string s = IngestWorkerOptions.Section;
        // Our own section rejects unknown keys: a misspelt setting would otherwise be silently ignored.
        var errors = UnknownConfigurationKeys.Find(configuration.GetSection(s), typeof(IngestWorkerOptions))
            .Select(key => $"{key} is not a setting IngestWorker knows (check the spelling against docs/configuration.md).")
            .ToList();
        // Every list setting of ours is in this section (extensions:blobs and retry have none).
        errors.AddRange(ConfigurationValueChecks.ScalarsForLists(configuration.GetSection(s), typeof(IngestWorkerOptions)));

        var containers = new (string Key, string Value)[]
        {
            ($"{s}:containers:input", options.Containers.Input),
            ($"{s}:containers:accepted", options.Containers.Accepted),
            ($"{s}:containers:rejected", options.Containers.Rejected),
            ($"{s}:containers:poison", options.Containers.Poison),
            ($"{s}:containers:state", options.Containers.State),
        };
        foreach (var (key, value) in containers)
        {
            if (!ContainerName().IsMatch(value ?? ""))
                errors.Add($"{key}: '{value}' is not a valid container name (3–63 characters: lower-case letters, digits and single hyphens, starting and ending with a letter or digit).");
        }
        foreach (var clash in containers.GroupBy(c => c.Value).Where(g => g.Count() > 1))
            errors.Add($"{string.Join(" and ", clash.Select(c => c.Key))} are all '{clash.Key}'; each role needs its own container.");

        if (options.Trigger.PollingInterval is { } pollingInterval)
            Check.Duration(errors, $"{s}:trigger:pollingInterval", pollingInterval, TimeSpan.FromMilliseconds(50), TimeSpan.FromHours(1));
        Check.Duration(errors, $"{s}:trigger:fullScanInterval", options.Trigger.FullScanInterval, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        Check.Duration(errors, $"{s}:trigger:claimDuration", options.Trigger.ClaimDuration, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(60));
        Check.Duration(errors, $"{s}:trigger:failedBlobRetryDelay", options.Trigger.FailedBlobRetryDelay, TimeSpan.Zero, TimeSpan.FromHours(1));
        Check.Range(errors, $"{s}:trigger:unlistableNameProbes", options.Trigger.UnlistableNameProbes, 0, 100_000);
        Check.Duration(errors, $"{s}:trigger:unlistableNameWarningInterval", options.Trigger.UnlistableNameWarningInterval, TimeSpan.Zero, TimeSpan.FromDays(1));
        Check.Duration(errors, $"{s}:shutdownTimeout", options.ShutdownTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        var trigger = options.Trigger;
        string[] modes = [TriggerOptions.ScanMode, TriggerOptions.QueueMode, TriggerOptions.EventGridMode];
        if (!modes.Contains(trigger.Mode, StringComparer.Ordinal))
            errors.Add($"{s}:trigger:mode: '{trigger.Mode}' is not one of {string.Join(", ", modes.Select(m => $"'{m}'"))}.");
        var queue = trigger.WorkQueueName(options.Containers.Input ?? "");
        // Queue names: 3–63 characters like container names, and the poison queue adds 7. (A name
        // derived from a bad input container name is that key's error, already reported.)
        var derivedFromBadContainer = string.IsNullOrEmpty(trigger.Queue) && !ContainerName().IsMatch(options.Containers.Input ?? "");
        if (trigger.Mode != TriggerOptions.ScanMode && !derivedFromBadContainer && (!ContainerName().IsMatch(queue) || queue.Length > 56))
            errors.Add($"{s}:trigger:queue: '{queue}' is not a valid queue name (3–56 characters: lower-case letters, digits and single hyphens; '-poison' is added for the poison queue).");
        Check.Range(errors, $"{s}:trigger:batchSize", trigger.BatchSize, 1, 32);
        Check.Range(errors, $"{s}:trigger:workItemsPerMessage", trigger.WorkItemsPerMessage, 1, 32);
        Check.Duration(errors, $"{s}:trigger:scanCheckpointInterval", trigger.ScanCheckpointInterval, TimeSpan.Zero, TimeSpan.FromMinutes(10));
        Check.Range(errors, $"{s}:trigger:maxDequeueCount", trigger.MaxDequeueCount, 1, 1000);
        Check.Duration(errors, $"{s}:trigger:maxQueuePollingInterval", trigger.MaxQueuePollingInterval, TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(10));
        Check.Duration(errors, $"{s}:trigger:minQueuePollingInterval", trigger.MinQueuePollingInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10));
        Check.Duration(errors, $"{s}:trigger:scanLeaseDuration", trigger.ScanLeaseDuration, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(60));
        Check.Duration(errors, $"{s}:telemetry:queueDepthInterval", options.Telemetry.QueueDepthInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Check.Duration(errors, $"{s}:statistics:flushInterval", options.Statistics.FlushInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        HttpOptionsCheck.Validate(errors, options.Http);
        PartitionOptionsCheck.Validate(errors, options.Partitions);
        if (options.Memory.ReleaseAfterIdle != TimeSpan.Zero)
            Check.Duration(errors, $"{s}:memory:releaseAfterIdle", options.Memory.ReleaseAfterIdle, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));

        Check.Range(errors, $"{s}:state:maxBatchDocuments", options.State.MaxBatchDocuments, 1, 10_000);
        Check.Range(errors, $"{s}:state:checkpointEvery", options.State.CheckpointEvery, 1, 1_000_000);
        Check.Range(errors, $"{s}:state:maxCommitAttempts", options.State.MaxCommitAttempts, 1, 1000);
        Check.Duration(errors, $"{s}:state:maxConflictPause", options.State.MaxConflictPause, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1));
        Check.Range(errors, $"{s}:state:keepCheckpoints", options.State.KeepCheckpoints, 1, 1000);
        Check.Duration(errors, $"{s}:state:pruneAfter", options.State.PruneAfter, TimeSpan.Zero, TimeSpan.FromDays(365));
        Check.Duration(errors, $"{s}:state:resyncAfter", options.State.ResyncAfter, TimeSpan.Zero, TimeSpan.FromDays(1));
        if (options.State.ResyncAfter * 2 > options.State.PruneAfter)
            errors.Add($"{s}:state:resyncAfter: {options.State.ResyncAfter} must be at most half of {s}:state:pruneAfter ({options.State.PruneAfter}), so that a worker looks for pruned segments well before they may be gone.");

        var pipeline = options.Pipeline;
        if (!PipelineVersion().IsMatch(pipeline.Version ?? ""))
            errors.Add($"{s}:pipeline:version: '{pipeline.Version}' must be 1–64 characters of letters, digits, '.', '_' or '-' (it becomes part of receipt names).");
        if (pipeline.MaxInputBytes is < 1 or > 256L * 1024 * 1024)
            errors.Add($"{s}:pipeline:maxInputBytes must be between 1 and 268435456 (256 MB); it is {pipeline.MaxInputBytes}.");
        Check.Range(errors, $"{s}:pipeline:maxRemovedLinesListed", pipeline.MaxRemovedLinesListed, 0, 100_000);
        Check.Range(errors, $"{s}:pipeline:maxBlocks", pipeline.MaxBlocks, 100, 10_000_000);
        Check.Range(errors, $"{s}:pipeline:maxHtmlElements", pipeline.MaxHtmlElements, 100, 10_000_000);
        Check.Duration(errors, $"{s}:pipeline:maxDocumentTime", pipeline.MaxDocumentTime, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Check.Range(errors, $"{s}:pipeline:maxHtmlNestingDepth", pipeline.MaxHtmlNestingDepth, 16, 4096);
        try
        {
            pipeline.Boilerplate.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            var key = e.ParamName is { Length: > 0 } p ? char.ToLowerInvariant(p[0]) + p[1..] : "";
            var reason = e.Message.Split(" (Parameter", 2)[0].Split('\n')[0].Trim();
            errors.Add($"{s}:pipeline:boilerplate:{key} is out of range: {reason}");
        }
        var language = pipeline.Language;
        if (language.Enabled)
        {
            var model = LanguageModelPath.Resolve(language);
            if (!File.Exists(model))
                errors.Add(string.IsNullOrWhiteSpace(language.ModelPath)
                    ? $"{LanguageModelPath.Key}: the default model {model} is missing; run `npm ci` in the repository before building (it installs lid.176.ftz), set the path to a fastText model, or set {s}:pipeline:language:enabled to false."
                    : $"{LanguageModelPath.Key}: no file at {model}.");
            if (language.MinConfidence is < 0 or > 1)
                errors.Add($"{s}:pipeline:language:minConfidence must be between 0 and 1; it is {language.MinConfidence}.");
            Check.Range(errors, $"{s}:pipeline:language:alternatives", language.Alternatives, 0, 20);
            Check.Range(errors, $"{s}:pipeline:language:minParagraphChars", language.MinParagraphChars, 1, 1_000_000);
            if (language.MinParagraphConfidence is < 0 or > 1)
                errors.Add($"{s}:pipeline:language:minParagraphConfidence must be between 0 and 1; it is {language.MinParagraphConfidence}.");
            if (language.MixedShare is <= 0 or > 1)
                errors.Add($"{s}:pipeline:language:mixedShare must be above 0 and at most 1; it is {language.MixedShare}.");
            if (language.Allowed.Any(string.IsNullOrWhiteSpace))
                errors.Add($"{s}:pipeline:language:allowed has an empty entry.");
        }
        try
        {
            pipeline.Quality.Validate();
        }
        catch (ArgumentException e)
        {
            var key = (e.ParamName ?? "").Replace('.', ':');
            var reason = e.Message.Split(" (Parameter", 2)[0].Split('\n')[0].Trim();
            errors.Add($"{s}:pipeline:quality:{key} is out of range: {reason}");
        }
        try
        {
            pipeline.NearDuplicates.Validate();
        }
        catch (ArgumentException e)
        {
            var reason = e.Message.Split(" (Parameter", 2)[0].Split('\n')[0].Trim();
            errors.Add($"{s}:pipeline:nearDuplicates:{e.ParamName} is out of range: {reason}");
        }
        var templates = pipeline.SiteTemplates;
        Check.Range(errors, $"{s}:pipeline:siteTemplates:minDocuments", templates.MinDocuments, 2, 1_000_000);
        Check.Range(errors, $"{s}:pipeline:siteTemplates:maxLineLength", templates.MaxLineLength, 1, 100_000);
        Check.Range(errors, $"{s}:pipeline:siteTemplates:maxLinesPerSite", templates.MaxLinesPerSite, 16, 1_000_000);
        try
        {
            _ = new LegacyEncodingDetector(pipeline.LegacyEncodings);
        }
        catch (ArgumentException e)
        {
            errors.Add($"{s}:pipeline:legacyEncodings: {e.Message}");
        }
        return Check.Result(errors);
    }

    // Azure's rule for container names.
    [GeneratedRegex("^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*$")]
    private static partial Regex ContainerName();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex PipelineVersion();
}

internal static class HttpOptionsCheck
{
    public static void Validate(List<string> errors, HttpOptions http)
    {
        const string s = HttpOptions.Section;
        Check.Range(errors, $"{s}:port", http.Port, 1, 65535);
        if (!System.Net.IPAddress.TryParse(http.Address ?? "", out _))
            errors.Add($"{s}:address: '{http.Address}' is not an IP address (e.g. 127.0.0.1, or 0.0.0.0 for a container's probes).");
        else if (http.Dashboard && !http.IsLoopback)
            // The dashboard shows document text and has no authentication: it is for the machine it runs on.
            errors.Add($"{s}:dashboard is on, but {s}:address is '{http.Address}'; the dashboard is served on a loopback address only (127.0.0.1 or ::1).");
        Check.Range(errors, $"{s}:recentDocuments", http.RecentDocuments, 1, 10_000);
        Check.Duration(errors, $"{s}:storageCheckInterval", http.StorageCheckInterval, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
    }
}

internal static class Check
{
    public static void Range(List<string> errors, string key, int value, int min, int max)
    {
        if (value < min || value > max)
            errors.Add($"{key} must be between {min} and {max}; it is {value}.");
    }

    public static void Duration(List<string> errors, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
            errors.Add($"{key} must be between {min:c} and {max:c}; it is {value:c}.");
    }

    public static ValidateOptionsResult Result(List<string> errors) =>
        errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
}

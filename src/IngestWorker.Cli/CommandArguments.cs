using System.Globalization;

namespace IngestWorker.Cli;

/// <summary>Option parsing shared by the operator commands.</summary>
internal static class CommandArguments
{
    public static string Value(string command, string[] args, ref int i) =>
        i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{command}: {args[i]} needs a value.");

    /// <summary><c>--key=value</c>: a configuration override, applied by Program before the command runs.</summary>
    public static bool IsConfigurationOverride(string arg) =>
        arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains('=', StringComparison.Ordinal);

    /// <summary>
    /// <c>--now</c>: the instant ages are measured from, instead of the clock. It lets an operator
    /// rehearse a later run (with <c>--dry-run</c>) and lets tests age receipts without waiting days.
    /// </summary>
    public static DateTimeOffset Instant(string command, string option, string value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant)
            ? instant
            : throw new ArgumentException($"{command}: {option} takes an ISO 8601 date and time such as 2025-01-31T12:00:00Z, not '{value}'.");

    /// <summary>"3d 4h", "2h 5m", "12m 3s", "45s".</summary>
    public static string Age(TimeSpan age)
    {
        if (age < TimeSpan.Zero)
            return "in the future";
        if (age.TotalDays >= 1)
            return $"{(int)age.TotalDays}d {age.Hours}h";
        if (age.TotalHours >= 1)
            return $"{(int)age.TotalHours}h {age.Minutes}m";
        if (age.TotalMinutes >= 1)
            return $"{(int)age.TotalMinutes}m {age.Seconds}s";
        return $"{(int)age.TotalSeconds}s";
    }
}

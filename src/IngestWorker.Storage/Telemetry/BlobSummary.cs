using System.Collections;
using System.Globalization;
using System.Text;
using IngestWorker.Text.Pipeline;
using Microsoft.Extensions.Logging;

namespace IngestWorker.Telemetry;

/// <summary>
/// What is known about an input once it has its outcome. It is both the worker's one summary log
/// line for the input (its fields are the line's structured state, so the JSON formatter writes
/// each as a field) and what the outcome metrics are recorded from, so the two never disagree.
/// </summary>
public sealed class BlobSummary : IReadOnlyList<KeyValuePair<string, object?>>
{
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
    public const string Poisoned = "poisoned";

    /// <summary>The event every summary line carries, so a log query can select them without parsing text.</summary>
    public static readonly EventId EventId = new(1000, "BlobOutcome");

    private const string Template =
        "{BlobName} {Outcome} {Reasons} -> {OutputContainer}/{OutputName} (attempt {Attempt}, {ElapsedMs} ms; {LatencyMs} ms after upload)";

    private IReadOnlyList<KeyValuePair<string, object?>>? _fields;

    public BlobSummary(string blobName, string outcome, IReadOnlyList<string> reasons, string outputContainer, string outputName, int attempt)
    {
        BlobName = blobName;
        Outcome = outcome;
        Reasons = reasons;
        OutputContainer = outputContainer;
        OutputName = outputName;
        Attempt = attempt;
    }

    public string BlobName { get; }

    /// <summary><see cref="Accepted"/>, <see cref="Rejected"/> or <see cref="Poisoned"/>.</summary>
    public string Outcome { get; }

    public IReadOnlyList<string> Reasons { get; }

    public string OutputContainer { get; }

    public string OutputName { get; }

    /// <summary>The attempt that reached the outcome; for a poisoned input, the failed attempts.</summary>
    public int Attempt { get; }

    public string? RejectionStage { get; init; }

    /// <summary>A poisoned input's last error: its exception type, or why it had none.</summary>
    public string? ErrorType { get; init; }

    public string? Error { get; init; }

    /// <summary>Bytes of input read for this outcome (0 when it was rejected by its declared size).</summary>
    public long InputBytes { get; init; }

    /// <summary>Bytes of the outcome document written (0 when an earlier try had already written it).</summary>
    public long OutputBytes { get; init; }

    /// <summary>From the start of the download to the outcome written; null for a poisoned input.</summary>
    public TimeSpan? Total { get; init; }

    /// <summary><c>download</c>, each pipeline stage that ran, <c>write_outcome</c> (the outcome, which is also the receipt).</summary>
    public IReadOnlyList<StageTiming> Steps { get; init; } = [];

    /// <summary>From the input's last modification to its outcome written; null when storage did not say when that was.</summary>
    public TimeSpan? Latency { get; init; }

    /// <summary>The same summary with the outcome where it was found (a write whose answer was lost, found later).</summary>
    public BlobSummary WithOutput(string outputContainer, string outputName, long outputBytes) =>
        new(BlobName, Outcome, Reasons, outputContainer, outputName, Attempt)
        {
            RejectionStage = RejectionStage,
            ErrorType = ErrorType,
            Error = Error,
            InputBytes = InputBytes,
            OutputBytes = outputBytes,
            Total = Total,
            Steps = Steps,
            Latency = Latency,
        };

    public int Count => Fields.Count;

    public KeyValuePair<string, object?> this[int index] => Fields[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => Fields.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // Built on first use: init-only properties are set after the constructor has run. Two threads
    // building it at once build the same list, so either may win.
    private IReadOnlyList<KeyValuePair<string, object?>> Fields => _fields ??= BuildFields();

    private List<KeyValuePair<string, object?>> BuildFields()
    {
        var fields = new List<KeyValuePair<string, object?>>
        {
            new("BlobName", BlobName),
            new("Outcome", Outcome),
            new("Reasons", string.Join(",", Reasons)),
            new("OutputContainer", OutputContainer),
            new("OutputName", OutputName),
            new("Attempt", Attempt),
            new("InputBytes", InputBytes),
            new("OutputBytes", OutputBytes),
        };
        if (RejectionStage is not null)
            fields.Add(new("RejectionStage", RejectionStage));
        if (ErrorType is not null)
            fields.Add(new("ErrorType", ErrorType));
        if (Error is not null)
            fields.Add(new("Error", Error));
        if (Total is { } total)
            fields.Add(new("ElapsedMs", Milliseconds(total)));
        foreach (var step in Steps)
            fields.Add(new("StageMs." + step.Stage, Milliseconds(step.Elapsed)));
        if (Latency is { } latency)
            fields.Add(new("LatencyMs", Milliseconds(latency)));
        fields.Add(new("{OriginalFormat}", Template));
        return fields;
    }

    /// <summary>The line as the plain console formatter shows it.</summary>
    public override string ToString()
    {
        var line = new StringBuilder(BlobName).Append(' ').Append(Outcome);
        if (Outcome == Poisoned)
            line.Append(CultureInfo.InvariantCulture, $" after {Attempt} failed attempts ({ErrorType}: {Error})");
        else if (Reasons.Count > 0)
            line.Append(" [").AppendJoin(", ", Reasons).Append(']');
        line.Append(" -> ").Append(OutputContainer).Append('/').Append(OutputName);

        var details = new List<string>();
        if (Outcome != Poisoned)
        {
            // "attempt N, T ms: step t, step t…": tests and scripts look for "attempt N,".
            var attempt = string.Create(CultureInfo.InvariantCulture, $"attempt {Attempt}");
            if (Total is { } total)
            {
                attempt += string.Create(CultureInfo.InvariantCulture, $", {total.TotalMilliseconds:F0} ms");
                if (Steps.Count > 0)
                    attempt += ": " + string.Join(", ", Steps.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Stage} {s.Elapsed.TotalMilliseconds:0.#}")));
            }
            details.Add(attempt);
        }
        if (Latency is { } latency)
            details.Add(string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, latency.TotalSeconds):0.###} s after upload"));
        if (details.Count > 0)
            line.Append(" (").AppendJoin("; ", details).Append(')');
        line.Append('.');
        if (Outcome == Poisoned)
            line.Append(" It is not tried again until it changes.");
        return line.ToString();
    }

    private static double Milliseconds(TimeSpan elapsed) => Math.Round(elapsed.TotalMilliseconds, 3);
}

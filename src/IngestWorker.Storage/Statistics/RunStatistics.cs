using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using IngestWorker.Telemetry;
using IngestWorker.Text.Pipeline;

namespace IngestWorker.Statistics;

/// <summary>
/// Counts of what the pipeline did to a set of documents, in the manner of datatrove's per-step
/// stats: for each stage, the documents that reached it, those it dropped (by reason) and the
/// characters it took out; and totals over the documents. Plain sums, so that the counts of any
/// number of workers and hours add up to the counts of their union (<see cref="Add"/>).
/// </summary>
public sealed class RunStatistics
{
    public RunTotals Totals { get; set; } = new();

    /// <summary>In pipeline order (the order stages were first seen).</summary>
    public List<StepStatistics> Steps { get; set; } = [];

    /// <summary>Documents and accepted documents per page type (HTML input whose reader judged it; <c>pageType</c> in the output).</summary>
    public SortedDictionary<string, PageTypeCounts> PageTypes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Counts one outcome: a pipeline run that ended accepted or rejected, or (result null) a poisoned input or one rejected for its name.</summary>
    public void Record(BlobSummary summary, PipelineResult? result)
    {
        Totals.Documents++;
        Totals.InputBytes += summary.InputBytes;
        switch (summary.Outcome)
        {
            case BlobSummary.Accepted: Totals.Accepted++; break;
            case BlobSummary.Rejected: Totals.Rejected++; break;
            default: Totals.Poisoned++; break;
        }
        if (result is null)
            return;
        if (result.IsAccepted)
            Totals.OutputChars += result.Document.Text?.Length ?? 0;
        if (result.Document.Page?.Type is { } pageType)
        {
            if (!PageTypes.TryGetValue(pageType.Type, out var counts))
                PageTypes[pageType.Type] = counts = new PageTypeCounts();
            counts.Documents++;
            if (result.IsAccepted)
                counts.Accepted++;
        }
        foreach (var chars in result.StageCharacters)
        {
            var step = Step(chars.Stage);
            step.DocumentsIn++;
            step.CharsIn += chars.Before;
            if (result.Rejection is { } rejection && rejection.Stage == chars.Stage)
            {
                // As in datatrove, the filter that drops a document is credited with all of its text.
                step.DocumentsDropped++;
                step.CharsRemoved += chars.Before;
                var reason = step.Reason(rejection.Code);
                reason.Documents++;
                reason.Chars += chars.Before;
            }
            else
            {
                step.CharsOut += chars.After;
                step.CharsRemoved += chars.Removed;
            }
        }
    }

    public void Add(RunStatistics other)
    {
        Totals.Add(other.Totals);
        foreach (var step in other.Steps)
            Step(step.Name).Add(step);
        foreach (var (type, counts) in other.PageTypes)
        {
            if (!PageTypes.TryGetValue(type, out var mine))
                PageTypes[type] = mine = new PageTypeCounts();
            mine.Documents += counts.Documents;
            mine.Accepted += counts.Accepted;
        }
    }

    public RunStatistics Clone()
    {
        var copy = new RunStatistics();
        copy.Add(this);
        return copy;
    }

    private StepStatistics Step(string name)
    {
        foreach (var step in Steps)
        {
            if (step.Name == name)
                return step;
        }
        var added = new StepStatistics { Name = name };
        Steps.Add(added);
        return added;
    }
}

public sealed class PageTypeCounts
{
    public long Documents { get; set; }
    public long Accepted { get; set; }
}

public sealed class RunTotals
{
    /// <summary>Outcomes counted: accepted + rejected + poisoned.</summary>
    public long Documents { get; set; }
    public long Accepted { get; set; }
    public long Rejected { get; set; }
    public long Poisoned { get; set; }

    /// <summary>Input bytes read (0 for inputs rejected by their declared size, and for poisoned ones).</summary>
    public long InputBytes { get; set; }

    /// <summary>Characters of text in the accepted documents.</summary>
    public long OutputChars { get; set; }

    public void Add(RunTotals other)
    {
        Documents += other.Documents;
        Accepted += other.Accepted;
        Rejected += other.Rejected;
        Poisoned += other.Poisoned;
        InputBytes += other.InputBytes;
        OutputChars += other.OutputChars;
    }
}

/// <summary>
/// One stage. Characters are those of the document's text as the stage found it and left it
/// (<see cref="PipelineDocument.TextLength"/>): none before decoding, so the stages before it drop
/// documents but no characters.
/// </summary>
public sealed class StepStatistics
{
    public string Name { get; set; } = "";

    /// <summary>Documents that reached the stage.</summary>
    public long DocumentsIn { get; set; }

    /// <summary>Documents the stage rejected.</summary>
    public long DocumentsDropped { get; set; }

    [JsonIgnore]
    public long DocumentsForwarded => DocumentsIn - DocumentsDropped;

    /// <summary>Text characters of the documents on entering the stage.</summary>
    public long CharsIn { get; set; }

    /// <summary>Text characters of the forwarded documents on leaving the stage.</summary>
    public long CharsOut { get; set; }

    /// <summary>All text of the dropped documents, and what the stage cut from the others (markup, boilerplate lines, …).</summary>
    public long CharsRemoved { get; set; }

    /// <summary>Dropped documents by reason code (the rejection's first code).</summary>
    public SortedDictionary<string, ReasonStatistics> Reasons { get; set; } = new(StringComparer.Ordinal);

    internal ReasonStatistics Reason(string code)
    {
        if (!Reasons.TryGetValue(code, out var reason))
            Reasons[code] = reason = new ReasonStatistics();
        return reason;
    }

    public void Add(StepStatistics other)
    {
        DocumentsIn += other.DocumentsIn;
        DocumentsDropped += other.DocumentsDropped;
        CharsIn += other.CharsIn;
        CharsOut += other.CharsOut;
        CharsRemoved += other.CharsRemoved;
        foreach (var (code, reason) in other.Reasons)
        {
            var mine = Reason(code);
            mine.Documents += reason.Documents;
            mine.Chars += reason.Chars;
        }
    }
}

public sealed class ReasonStatistics
{
    public long Documents { get; set; }
    public long Chars { get; set; }
}

/// <summary>
/// One worker process's cumulative counts for one hour under one pipeline version: the content of
/// <c>stats/{pipelineVersion}/{yyyy-MM-ddTHH}/{worker}.json</c> in the state container. Only that
/// worker writes it, always whole, so rewriting it (a retry, the next flush) is idempotent.
/// </summary>
public sealed class HourlyStatisticsFile
{
    public const int CurrentFormat = 1;
    public const string Prefix = "stats/";

    public int Format { get; set; } = CurrentFormat;
    public string PipelineVersion { get; set; } = "";

    /// <summary>The start of the hour (UTC) in which the counted outcomes were written.</summary>
    public DateTimeOffset Hour { get; set; }
    public string Worker { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
    public RunStatistics Statistics { get; set; } = new();

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string VersionPrefix(string pipelineVersion) => $"{Prefix}{pipelineVersion}/";

    public static string HourName(DateTimeOffset hour) => hour.UtcDateTime.ToString("yyyy-MM-dd'T'HH", CultureInfo.InvariantCulture);

    public static string BlobName(string pipelineVersion, DateTimeOffset hour, string worker) =>
        $"{VersionPrefix(pipelineVersion)}{HourName(hour)}/{worker}.json";

    /// <summary>The hour a blob name under <see cref="VersionPrefix"/> stands for; null for names that are not ours.</summary>
    public static DateTimeOffset? HourOf(string blobName, string pipelineVersion)
    {
        var prefix = VersionPrefix(pipelineVersion);
        if (!blobName.StartsWith(prefix, StringComparison.Ordinal))
            return null;
        var rest = blobName.AsSpan(prefix.Length);
        var slash = rest.IndexOf('/');
        if (slash < 0 || !rest.EndsWith(".json", StringComparison.Ordinal))
            return null;
        return DateTime.TryParseExact(rest[..slash], "yyyy-MM-dd'T'HH", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var hour)
            ? new DateTimeOffset(hour, TimeSpan.Zero)
            : null;
    }

    public static DateTimeOffset HourStart(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }
}

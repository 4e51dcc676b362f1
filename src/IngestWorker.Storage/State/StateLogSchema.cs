using System.Globalization;
using IngestWorker.Text.Dedup.Near;
using IngestWorker.Text.Pipeline;

namespace IngestWorker.State;

/// <summary>
/// The settings that the state log's content depends on. Band keys and signatures are only
/// comparable under one MinHash scheme, and <see cref="StateIndex.Apply"/> keeps
/// <see cref="MaxLinesPerSite"/> lines per site, so every worker appending to one log must agree
/// on both; every segment's header names them, and a worker that disagrees refuses to start.
/// </summary>
/// <param name="MinHashScheme">The MinHash settings as <see cref="SchemeOf"/> names them (<c>w5-b14x8-s1</c>).</param>
/// <param name="TemplateMinDocuments">Recorded for the operator's sake; documents may be judged under other values.</param>
/// <param name="TemplateMaxLineLength">Recorded for the operator's sake, like <paramref name="TemplateMinDocuments"/>.</param>
public sealed record StateLogSchema(string MinHashScheme, int MaxLinesPerSite, int TemplateMinDocuments, int TemplateMaxLineLength)
{
    public static StateLogSchema From(PipelineOptions pipeline) => new(
        SchemeOf(pipeline.NearDuplicates),
        pipeline.SiteTemplates.MaxLinesPerSite,
        pipeline.SiteTemplates.MinDocuments,
        pipeline.SiteTemplates.MaxLineLength);

    /// <summary>The settings a signature depends on: signatures made under other settings never meet.</summary>
    public static string SchemeOf(MinHashOptions options) => string.Create(CultureInfo.InvariantCulture,
        $"w{options.ShingleWords}-b{options.Bands}x{options.RowsPerBand}-s{options.Seed}");

    /// <summary>Why a worker of this schema cannot use a log written under <paramref name="log"/>; null when it can.</summary>
    public string? Conflict(StateLogSchema log, string pipelineVersion, string where)
    {
        var differences = new List<string>();
        if (log.MinHashScheme != MinHashScheme)
            differences.Add($"MinHash scheme {log.MinHashScheme} (this worker: {MinHashScheme}, from ingestWorker:pipeline:nearDuplicates)");
        if (log.MaxLinesPerSite != MaxLinesPerSite)
            differences.Add($"ingestWorker:pipeline:siteTemplates:maxLinesPerSite {log.MaxLinesPerSite} (this worker: {MaxLinesPerSite})");
        return differences.Count == 0
            ? null
            : $"The state log of pipeline version '{pipelineVersion}' ({where}) was written with {string.Join(" and ", differences)}. " +
              "Its near-duplicate bands and template counts cannot be shared with this worker's: set the log's settings again, " +
              "or change ingestWorker:pipeline:version to start a new log (and reprocess under it).";
    }
}

/// <summary>A worker's settings do not match the state log's (<see cref="StateLogSchema.Conflict"/>): a configuration problem that stops the worker.</summary>
public sealed class StateLogSchemaException(string message) : InvalidOperationException(message);

using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using IngestWorker.Telemetry;
using IngestWorker.Text.Pipeline;
using IngestWorker.Text.Quality;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IngestWorker.Tests;

public sealed partial class TelemetryTests
{
    [Fact]
    public void Every_instrument_is_documented_in_docs_operations_with_its_unit()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new IngestWorkerMetrics(services.GetRequiredService<IMeterFactory>());
        var published = new Dictionary<string, string?>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Meter == metrics.Meter)
                published[instrument.Name] = instrument.Unit;
        };
        listener.Start();
        _ = metrics.CreateQueueDepthGauge(() => []);

        // | `ingestworker.blob.accepted` | counter | `{blob}` | … | … |
        var operations = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "operations.md"));
        var documented = InstrumentRow().Matches(operations).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["unit"].Value);
        Assert.Equal(published.Keys.Order(), documented.Keys.Order());
        Assert.All(published, p => Assert.Equal(p.Value, documented[p.Key]));
        Assert.All(published.Keys, name => Assert.Matches("^ingestworker(\\.[a-z_]+)+$", name));
    }

    [Fact]
    public void Reason_tags_are_the_published_codes_and_anything_else_is_other()
    {
        Assert.Equal(ReasonCodes.DuplicateNear, IngestWorkerMetrics.ReasonTag(ReasonCodes.DuplicateNear));
        Assert.Equal(ReasonCodes.TooLarge, IngestWorkerMetrics.ReasonTag(ReasonCodes.TooLarge));
        Assert.All(QualityReasons.All, code => Assert.Equal(code, IngestWorkerMetrics.ReasonTag(code)));
        Assert.Equal(IngestWorkerMetrics.OtherReason, IngestWorkerMetrics.ReasonTag("news/some-blob-name.txt"));
        Assert.Equal(IngestWorkerMetrics.OtherReason, IngestWorkerMetrics.ReasonTag(null));
    }

    [Fact]
    public void An_accepted_summary_line_lists_every_step_and_the_latency()
    {
        var summary = new BlobSummary("news/a.txt", BlobSummary.Accepted, [], "cleaned", "news/a.txt.json", 1)
        {
            InputBytes = 1200,
            OutputBytes = 5400,
            Total = TimeSpan.FromMilliseconds(42.4),
            Steps = [new("download", TimeSpan.FromMilliseconds(3.24)), new("decode", TimeSpan.FromMilliseconds(0.04)), new("write_outcome", TimeSpan.FromMilliseconds(12))],
            Latency = TimeSpan.FromMilliseconds(1250),
        };

        Assert.Equal("news/a.txt accepted -> cleaned/news/a.txt.json (attempt 1, 42 ms: download 3.2, decode 0, write_outcome 12; 1.25 s after upload).", summary.ToString());
        var fields = summary.ToDictionary();
        Assert.Equal("accepted", fields["Outcome"]);
        Assert.Equal("", fields["Reasons"]);
        Assert.Equal(1, fields["Attempt"]);
        Assert.Equal(1200L, fields["InputBytes"]);
        Assert.Equal(5400L, fields["OutputBytes"]);
        Assert.Equal(42.4, fields["ElapsedMs"]);
        Assert.Equal(3.24, fields["StageMs.download"]);
        Assert.Equal(12.0, fields["StageMs.write_outcome"]);
        Assert.Equal(1250.0, fields["LatencyMs"]);
        Assert.True(fields.ContainsKey("{OriginalFormat}"));
        Assert.False(fields.ContainsKey("ErrorType"));
    }

    [Fact]
    public void A_rejected_summary_line_names_its_reasons()
    {
        var summary = new BlobSummary("b.txt", BlobSummary.Rejected, ["gopher_short_doc", "c4_too_few_sentences"], "rejected", "b.txt.json", 2)
        {
            RejectionStage = "quality",
            Total = TimeSpan.FromMilliseconds(8),
        };

        Assert.Equal("b.txt rejected [gopher_short_doc, c4_too_few_sentences] -> rejected/b.txt.json (attempt 2, 8 ms).", summary.ToString());
        Assert.Equal("gopher_short_doc,c4_too_few_sentences", summary.ToDictionary()["Reasons"]);
        Assert.Equal("quality", summary.ToDictionary()["RejectionStage"]);
        Assert.False(summary.ToDictionary().ContainsKey("LatencyMs"));
    }

    [Fact]
    public void A_poisoned_summary_line_says_why_and_that_it_is_left_alone()
    {
        var summary = new BlobSummary("c.txt", BlobSummary.Poisoned, [ReasonCodes.ProcessingFailed], "poison", "c.txt.json", 5)
        {
            ErrorType = "System.InvalidOperationException",
            Error = "the stage broke",
            Latency = TimeSpan.FromSeconds(61),
        };

        Assert.Equal("c.txt poisoned after 5 failed attempts (System.InvalidOperationException: the stage broke) -> poison/c.txt.json (61 s after upload). It is not tried again until it changes.",
            summary.ToString());
        Assert.Equal("System.InvalidOperationException", summary.ToDictionary()["ErrorType"]);
    }

    [Theory]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=c2VjcmV0a2V5c2VjcmV0a2V5c2VjcmV0a2V5Cg==;EndpointSuffix=core.windows.net",
        "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=REDACTED;EndpointSuffix=core.windows.net")]
    [InlineData("BlobEndpoint=https://acct.blob.core.windows.net/;SharedAccessSignature=sv=2023-11-03&ss=bq&srt=sco&sp=rwdl&se=2030-01-01&sig=AbC%2Bd%3D;QueueEndpoint=https://q/",
        "BlobEndpoint=https://acct.blob.core.windows.net/;SharedAccessSignature=REDACTED;QueueEndpoint=https://q/")]
    [InlineData("GET https://acct.blob.core.windows.net/in/a.txt?sv=2023-11-03&sig=AbC%2Bd%3D&se=2030 failed",
        "GET https://acct.blob.core.windows.net/in/a.txt?sv=2023-11-03&sig=REDACTED&se=2030 failed")]
    [InlineData("Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=abc+def=",
        "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=REDACTED")]
    [InlineData("news/design-signature.txt accepted -> cleaned/news/design-signature.txt.json", "news/design-signature.txt accepted -> cleaned/news/design-signature.txt.json")]
    public void Secrets_are_redacted_and_nothing_else(string text, string expected) =>
        Assert.Equal(expected, Secrets.Redact(text));

    [Fact]
    public void An_endpoint_is_shown_without_its_query_or_user_information()
    {
        Assert.Equal("https://acct.blob.core.windows.net/", Secrets.Endpoint(new Uri("https://acct.blob.core.windows.net/?sv=2023&sig=abc")));
        Assert.Equal("http://collector:4318/v1/metrics", Secrets.Endpoint("http://user:password@collector:4318/v1/metrics?token=abc"));
        Assert.Equal(Secrets.Mask, Secrets.Endpoint("not a url"));
    }

    [Fact]
    public void Otlp_settings_are_checked_and_an_endpoint_is_never_echoed()
    {
        IConfiguration Config(params (string Key, string Value)[] settings) =>
            new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => (string?)s.Value)).Build();

        Assert.Empty(OtlpMetricsExporter.FindConfigurationErrors(Config()));
        Assert.False(OtlpMetricsExporter.IsConfigured(Config()));
        var good = Config((OtlpMetricsExporter.EndpointKey, "http://localhost:4317"), (OtlpMetricsExporter.ProtocolKey, "grpc"), (OtlpMetricsExporter.IntervalKey, "15000"));
        Assert.Empty(OtlpMetricsExporter.FindConfigurationErrors(good));
        Assert.True(OtlpMetricsExporter.IsConfigured(good));

        var errors = OtlpMetricsExporter.FindConfigurationErrors(Config(
            (OtlpMetricsExporter.EndpointKey, "collector:4317?token=s3cr3t"),
            (OtlpMetricsExporter.ProtocolKey, "http/json"),
            (OtlpMetricsExporter.IntervalKey, "15s"))).ToList();
        Assert.Equal(3, errors.Count);
        Assert.StartsWith("OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute http:// or https:// URL", errors[0]);
        Assert.Equal("OTEL_EXPORTER_OTLP_PROTOCOL must be 'grpc' or 'http/protobuf'; it is 'http/json'.", errors[1]);
        Assert.Equal("OTEL_METRIC_EXPORT_INTERVAL must be a whole number of milliseconds above 0; it is '15s'.", errors[2]);
        Assert.DoesNotContain(errors, e => e.Contains("s3cr3t", StringComparison.Ordinal));
        Assert.Single(OtlpMetricsExporter.FindConfigurationErrors(Config((OtlpMetricsExporter.EndpointKey, "ftp://collector"))));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IngestWorker.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("The repository root (IngestWorker.sln) was not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^\| `(?<name>ingestworker\.[a-z_.]+)` \| [a-z -]+ \| `(?<unit>[^`]+)` \|", RegexOptions.Multiline)]
    private static partial Regex InstrumentRow();
}

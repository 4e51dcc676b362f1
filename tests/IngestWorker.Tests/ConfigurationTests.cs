using IngestWorker.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace IngestWorker.Tests;

public sealed class ConfigurationTests
{
    [Fact]
    public void The_repository_host_json_binds_to_the_documented_defaults()
    {
        using var host = Build(new Dictionary<string, string?>());
        var blobs = host.Services.GetRequiredService<IOptions<BlobsOptions>>().Value;
        var ours = host.Services.GetRequiredService<IOptions<IngestWorkerOptions>>().Value;
        var retry = host.Services.GetRequiredService<IOptions<RetryOptions>>().Value;
        var storage = host.Services.GetRequiredService<IOptions<StorageOptions>>().Value;

        Assert.Equal(16, blobs.MaxDegreeOfParallelism);
        Assert.Equal(5, blobs.PoisonBlobThreshold);
        Assert.Equal(("incoming", "cleaned", "rejected", "poison"), (ours.Containers.Input, ours.Containers.Accepted, ours.Containers.Rejected, ours.Containers.Poison));
        Assert.Equal(10L * 1024 * 1024, ours.Pipeline.MaxInputBytes);
        Assert.Null(ours.Trigger.PollingInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(500), ours.Trigger.ScanInterval);
        Assert.Equal(RetryStrategies.ExponentialBackoff, retry.Strategy);
        Assert.Null(storage.ConnectionString);
        Assert.False(storage.IsIdentityBased);
        Assert.Equal("UseDevelopmentStorage=true", storage.EffectiveConnectionString);
    }

    [Fact]
    public void The_scan_interval_defaults_by_mode_and_a_set_polling_interval_wins_in_every_mode()
    {
        using (var queue = Build(new() { ["ingestWorker:trigger:mode"] = "queue" }))
            Assert.Equal(TimeSpan.FromSeconds(1), queue.Services.GetRequiredService<IOptions<IngestWorkerOptions>>().Value.Trigger.ScanInterval);
        using (var set = Build(new() { ["ingestWorker:trigger:mode"] = "queue", ["ingestWorker:trigger:pollingInterval"] = "00:00:00.300" }))
            Assert.Equal(TimeSpan.FromMilliseconds(300), set.Services.GetRequiredService<IOptions<IngestWorkerOptions>>().Value.Trigger.ScanInterval);
        Assert.Single(ConfigurationErrors(new() { ["ingestWorker:trigger:pollingInterval"] = "00:00:00.010" }), e => e.Contains("pollingInterval", StringComparison.Ordinal));
    }

    [Fact]
    public void The_quality_thresholds_in_host_json_are_the_published_defaults_and_bind_without_errors()
    {
        using var host = Build(new Dictionary<string, string?>());
        Assert.Empty(IngestWorkerHost.FindConfigurationErrors(host.Services));
        var quality = host.Services.GetRequiredService<IOptions<IngestWorkerOptions>>().Value.Pipeline.Quality;
        var defaults = new IngestWorker.Text.Quality.QualityOptions();
        // Every value, family by family, including the C4 line rules that are off (null) by default.
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(defaults), System.Text.Json.JsonSerializer.Serialize(quality));

        var section = host.Services.GetRequiredService<IConfiguration>().GetSection("ingestWorker:pipeline:quality");
        Assert.Equal("50", section["gopherQuality:minWords"]);
        Assert.Equal("0.16", section["gopherRepetition:maxTop4GramCharFrac"]);
        Assert.Equal("0.67", section["fineWeb:maxShortLineFrac"]);
    }

    [Fact]
    public void Environment_style_keys_override_host_json()
    {
        using var host = Build(new Dictionary<string, string?>
        {
            ["extensions:blobs:maxDegreeOfParallelism"] = "3",
            ["ingestWorker:containers:input"] = "dropbox",
        });
        Assert.Equal(3, host.Services.GetRequiredService<IOptions<BlobsOptions>>().Value.MaxDegreeOfParallelism);
        Assert.Equal("dropbox", host.Services.GetRequiredService<IOptions<IngestWorkerOptions>>().Value.Containers.Input);
    }

    [Fact]
    public void Functions_prefixed_environment_variables_override_host_json()
    {
        const string variable = IngestWorkerHost.FunctionsOverridePrefix + "extensions__blobs__poisonBlobThreshold";
        Environment.SetEnvironmentVariable(variable, "7");
        try
        {
            using var host = Build(new Dictionary<string, string?>());
            Assert.Equal(7, host.Services.GetRequiredService<IOptions<BlobsOptions>>().Value.PoisonBlobThreshold);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Theory]
    [InlineData("extensions:blobs:maxDegreeOfParallelism", "0")]
    [InlineData("extensions:blobs:poisonBlobThreshold", "-1")]
    [InlineData("retry:strategy", "sometimes")]
    [InlineData("retry:maxRetryCount", "1000")]
    [InlineData("ingestWorker:containers:input", "Not_A_Container")]
    [InlineData("ingestWorker:containers:poison", "cleaned")]
    [InlineData("ingestWorker:trigger:claimDuration", "00:05:00")]
    [InlineData("ingestWorker:pipeline:maxInputBytes", "0")]
    [InlineData("ingestWorker:pipeline:maxDocumentTime", "00:00:00.5")]
    [InlineData("ingestWorker:pipeline:maxDocumentTime", "02:00:00")]
    [InlineData("ingestWorker:pipeline:maxHtmlNestingDepth", "8")]
    [InlineData("ingestWorker:pipeline:version", "v 2/with spaces")]
    [InlineData("ingestWorker:pipeline:legacyEncodings:0", "klingon-8")]
    [InlineData("ingestWorker:pipeline:boilerplate:lengthLow", "0")]
    [InlineData("ingestWorker:pipeline:boilerplate:maxLinkDensity", "1.5")]
    [InlineData("ingestWorker:pipeline:siteTemplates:minDocuments", "1")]
    [InlineData("ingestWorker:pipeline:language:modelPath", "/no/such/model.ftz")]
    [InlineData("ingestWorker:pipeline:language:minConfidence", "1.2")]
    [InlineData("ingestWorker:pipeline:quality:gopherQuality:minWords", "-5")]
    [InlineData("ingestWorker:pipeline:quality:fineWeb:maxShortLineFrac", "2")]
    [InlineData("ingestWorker:pipeline:nearDuplicates:bands", "0")]
    [InlineData("ingestWorker:pipeline:nearDuplicates:similarityThreshold", "1.5")]
    [InlineData("ingestWorker:pipeline:nearDuplicates:shingleWords", "0")]
    [InlineData("ingestWorker:trigger:mode", "blobTrigger")]
    [InlineData("ingestWorker:trigger:batchSize", "64")]
    [InlineData("ingestWorker:trigger:scanLeaseDuration", "00:05:00")]
    [InlineData("ingestWorker:trigger:maxDequeueCount", "0")]
    [InlineData("ingestWorker:state:keepCheckpoints", "0")]
    [InlineData("ingestWorker:state:resyncAfter", "00:31:00")]
    public async Task A_bad_value_stops_the_host_with_a_message_naming_its_key(string key, string value)
    {
        var settings = new Dictionary<string, string?> { [key] = value };
        var error = Assert.Single(ConfigurationErrors(settings));
        Assert.Contains(key.Replace(":0", "", StringComparison.Ordinal), error, StringComparison.OrdinalIgnoreCase);
        // The same problem also stops a host started directly (ValidateOnStart), e.g. by a test or an embedder.
        await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            using var host = Build(settings);
            await host.StartAsync();
        });
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_reported_with_its_key()
    {
        var error = Assert.Single(ConfigurationErrors(new() { ["extensions:blobs:maxDegreeOfParallelism"] = "lots" }));
        Assert.Contains("extensions:blobs:maxDegreeOfParallelism", error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("'lots'", error);
    }

    [Theory]
    [InlineData("ingestWorker:http:port", "abc", "a whole number")]
    [InlineData("ingestWorker:http:enabled", "yes", "true or false")]
    [InlineData("ingestWorker:http:dashboard", "on", "true or false")]
    [InlineData("ingestWorker:trigger:pollingInterval", "soon", "a duration")]
    [InlineData("ingestWorker:pipeline:maxInputBytes", "10MB", "a whole number")]
    [InlineData("ingestWorker:pipeline:language:minConfidence", "high", "a number")]
    [InlineData("ingestWorker:pipeline:quality:gopherQuality:minWords", "fifty", "a whole number")]
    [InlineData("ingestWorker:pipeline:nearDuplicates:similarityThreshold", "0,8", "a number")]
    [InlineData("extensions:blobs:maxDegreeOfParallelism", "99999999999", "a whole number")]
    [InlineData("retry:attemptTimeout", "30s", "a duration")]
    public void A_value_that_does_not_convert_is_reported_by_its_key_first_and_the_host_still_builds(string key, string value, string expected)
    {
        // Building must not throw either: the HTTP server's switch is read while the host is built.
        var error = Assert.Single(ConfigurationErrors(new() { [key] = value }));
        Assert.StartsWith($"{key}: '{value}' is not {expected}", error);
    }

    [Fact]
    public void Every_value_that_does_not_convert_is_reported_not_only_the_first()
    {
        var errors = ConfigurationErrors(new()
        {
            ["ingestWorker:http:port"] = "abc",
            ["ingestWorker:http:enabled"] = "yes",
            ["ingestWorker:trigger:batchSize"] = "many",
        });
        Assert.Equal(3, errors.Count);
        Assert.Contains("ingestWorker:http:port: 'abc' is not a whole number.", errors);
        Assert.Contains("ingestWorker:http:enabled: 'yes' is not true or false.", errors);
        Assert.Contains("ingestWorker:trigger:batchSize: 'many' is not a whole number.", errors);
    }

    [Theory]
    [InlineData("ingestWorker:pipeline:language:allowed", "fr")]
    [InlineData("ingestWorker:pipeline:legacyEncodings", "windows-1252")]
    [InlineData("ingestWorker:pipeline:quality:disabledReasons", "c4_too_few_sentences")]
    public async Task A_single_value_given_for_a_list_setting_is_an_error_instead_of_being_ignored(string key, string value)
    {
        // What an environment variable such as ingestWorker__pipeline__language__allowed=fr becomes.
        var settings = new Dictionary<string, string?> { [key] = value };
        var error = Assert.Single(ConfigurationErrors(settings));
        Assert.StartsWith($"{key} is a list, but it is given one value ('{value}')", error);
        Assert.Contains($"{key.Replace(":", "__", StringComparison.Ordinal)}__0", error);
        await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            using var host = Build(settings);
            await host.StartAsync();
        });
        // Numbered keys are the way to give a list, and bind.
        using var ok = Build(new() { [key + ":0"] = value });
        Assert.Empty(IngestWorkerHost.FindConfigurationErrors(ok.Services));
    }

    [Fact]
    public void Logging_values_that_do_not_convert_are_found_before_the_host_is_built()
    {
        static IReadOnlyList<string> Errors(Dictionary<string, string?> settings) =>
            LoggingConfigurationCheck.Find(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

        Assert.Empty(Errors(new()
        {
            ["logging:logLevel:default"] = "Warning",
            ["logging:logLevel:Azure"] = "none",
            ["logging:console:logLevel:IngestWorker"] = "Debug",
            ["logging:console:formatterName"] = "json",
            ["logging:console:logToStandardErrorThreshold"] = "Trace",
            ["logging:console:formatterOptions:includeScopes"] = "true",
            ["logging:console:formatterOptions:jsonWriterOptions:indented"] = "false",
        }));
        var errors = Errors(new()
        {
            ["logging:logLevel:default"] = "loud",
            ["logging:console:logLevel:IngestWorker"] = "verbose",
            ["logging:console:formatterOptions:includeScopes"] = "yes",
            ["logging:console:logToStandardErrorThreshold"] = "all",
        });
        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("logging:logLevel:default: 'loud' is not a log level (one of Trace, Debug,", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logging:console:logLevel:IngestWorker: 'verbose' is not a log level", StringComparison.Ordinal));
        Assert.Contains("logging:console:formatterOptions:includeScopes: 'yes' is not true or false.", errors);
        Assert.Contains(errors, e => e.StartsWith("logging:console:logToStandardErrorThreshold: 'all' is not one of 'trace', 'debug',", StringComparison.Ordinal));
    }

    [Fact]
    public void Allowed_languages_must_be_labels_of_the_loaded_model()
    {
        using (var host = Build(new() { ["ingestWorker:pipeline:language:allowed:0"] = "en", ["ingestWorker:pipeline:language:allowed:1"] = "__label__de" }))
        {
            Assert.Empty(IngestWorkerHost.FindConfigurationErrors(host.Services));
            Assert.Empty(IngestWorkerHost.FindLanguageModelErrors(host.Services));
        }
        using (var host = Build(new() { ["ingestWorker:pipeline:language:allowed:0"] = "en", ["ingestWorker:pipeline:language:allowed:1"] = "eng" }))
        {
            Assert.Empty(IngestWorkerHost.FindConfigurationErrors(host.Services));
            var error = Assert.Single(IngestWorkerHost.FindLanguageModelErrors(host.Services));
            Assert.StartsWith("ingestWorker:pipeline:language:allowed: 'eng' is not a label of the language model ", error);
            Assert.Contains("its 176 labels are: af, als, am,", error);
        }
        // Off, the model is not loaded and nothing is checked against it.
        using (var host = Build(new() { ["ingestWorker:pipeline:language:enabled"] = "false", ["ingestWorker:pipeline:language:allowed:0"] = "eng" }))
            Assert.Empty(IngestWorkerHost.FindLanguageModelErrors(host.Services));
    }

    [Fact]
    public void A_misspelt_key_in_our_section_is_reported_by_its_full_path_instead_of_being_ignored()
    {
        var error = Assert.Single(ConfigurationErrors(new() { ["ingestWorker:pipeline:maxInputByte"] = "5" }));
        Assert.StartsWith("ingestWorker:pipeline:maxInputByte is not a setting", error);
    }

    [Fact]
    public void Several_mistakes_are_reported_together()
    {
        var errors = ConfigurationErrors(new()
        {
            ["extensions:blobs:maxDegreeOfParallelism"] = "0",
            ["ingestWorker:containers:input"] = "X",
            ["retry:maxRetryCount"] = "-1",
        });
        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public void A_broken_connection_string_is_reported_without_echoing_it()
    {
        const string secretish = "AccountName=x;AccountKey=c2VjcmV0LWtleS10aGF0LW11c3Qtbm90LWxlYWs=;Nonsense";
        var error = Assert.Single(ConfigurationErrors(new() { ["AzureWebJobsStorage"] = secretish }));
        Assert.StartsWith("AzureWebJobsStorage", error);
        Assert.DoesNotContain("c2VjcmV0", error);
    }

    [Fact]
    public void Telemetry_settings_are_checked_at_start_each_naming_its_key()
    {
        using (var host = Build(new()))
            Assert.Equal(TimeSpan.FromSeconds(10), host.Services.GetRequiredService<IOptions<IngestWorkerOptions>>().Value.Telemetry.QueueDepthInterval);
        var errors = ConfigurationErrors(new()
        {
            ["ingestWorker:telemetry:queueDepthInterval"] = "00:00:00.100",
            ["ingestWorker:telemetry:otlpEndpoint"] = "http://collector:4317",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "collector:4317",
            // A binding error elsewhere must not hide the OTLP check.
            ["ingestWorker:trigger:pollingInterval"] = "soon",
        });
        Assert.Contains(errors, e => e.StartsWith("OTEL_EXPORTER_OTLP_ENDPOINT must be", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("pollingInterval", StringComparison.OrdinalIgnoreCase));

        errors = ConfigurationErrors(new()
        {
            ["ingestWorker:telemetry:queueDepthInterval"] = "00:00:00.100",
            ["ingestWorker:telemetry:otlpEndpoint"] = "http://collector:4317",
        });
        Assert.Contains("ingestWorker:telemetry:queueDepthInterval must be between 00:00:01 and 01:00:00; it is 00:00:00.1000000.", errors);
        // The endpoint is the standard OTEL_EXPORTER_OTLP_ENDPOINT, not a key of ours.
        Assert.Contains("ingestWorker:telemetry:otlpEndpoint is not a setting IngestWorker knows (check the spelling against docs/configuration.md).", errors);
    }

    [Fact]
    public void The_http_server_and_dashboard_are_off_by_default_and_their_settings_are_checked()
    {
        using (var host = Build(new()))
        {
            var http = host.Services.GetRequiredService<IOptions<IngestWorkerOptions>>().Value.Http;
            Assert.Equal((false, false, "127.0.0.1", 8080), (http.Enabled, http.Dashboard, http.Address, http.Port));
            // Off means no server at all, not a server that answers 404.
            Assert.Empty(host.Services.GetServices<IHostedService>().OfType<IngestWorker.Http.HttpServer>());
        }
        using (var host = Build(new() { ["ingestWorker:http:dashboard"] = "true" }))
        {
            Assert.Empty(IngestWorkerHost.FindConfigurationErrors(host.Services));
            Assert.Single(host.Services.GetServices<IHostedService>().OfType<IngestWorker.Http.HttpServer>());
        }

        var errors = ConfigurationErrors(new()
        {
            ["ingestWorker:http:enabled"] = "true",
            ["ingestWorker:http:port"] = "70000",
            ["ingestWorker:http:address"] = "0.0.0.0",
            ["ingestWorker:http:dashboard"] = "true",
            ["ingestWorker:http:recentDocuments"] = "0",
            ["ingestWorker:http:storageCheckInterval"] = "00:00:00.100",
            ["ingestWorker:http:dashbord"] = "true",
        });
        Assert.Contains("ingestWorker:http:port must be between 1 and 65535; it is 70000.", errors);
        Assert.Contains(errors, e => e.StartsWith("ingestWorker:http:dashboard is on, but ingestWorker:http:address is '0.0.0.0'", StringComparison.Ordinal));
        Assert.Contains("ingestWorker:http:recentDocuments must be between 1 and 10000; it is 0.", errors);
        Assert.Contains(errors, e => e.StartsWith("ingestWorker:http:storageCheckInterval must be between", StringComparison.Ordinal));
        Assert.Contains("ingestWorker:http:dashbord is not a setting IngestWorker knows (check the spelling against docs/configuration.md).", errors);
        Assert.Contains(ConfigurationErrors(new() { ["ingestWorker:http:address"] = "localhost" }), e => e.StartsWith("ingestWorker:http:address: 'localhost' is not an IP address", StringComparison.Ordinal));
    }

    private static IReadOnlyList<string> ConfigurationErrors(Dictionary<string, string?> settings)
    {
        using var host = Build(settings);
        return IngestWorkerHost.FindConfigurationErrors(host.Services);
    }

    private static IHost Build(Dictionary<string, string?> settings) =>
        IngestWorkerHost.CreateBuilder(["--host-json", Path.Combine(RepositoryRoot(), "host.json")],
            config => config.AddInMemoryCollection(settings)).Build();

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IngestWorker.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("IngestWorker.sln not found above " + AppContext.BaseDirectory);
    }
}

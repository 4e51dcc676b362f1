using System.Net;
using System.Net.Sockets;
using IngestWorker.IntegrationTests.Infrastructure;

namespace IngestWorker.IntegrationTests;

/// <summary>The worker program as a user starts it: exit codes and messages.</summary>
public sealed class WorkerProcessTests
{
    [Fact]
    public async Task A_bad_setting_in_the_environment_stops_the_program_with_exit_code_2_and_names_the_key()
    {
        using var worker = WorkerProcess.Start(new Dictionary<string, string?>
        {
            ["extensions:blobs:maxDegreeOfParallelism"] = "0",
            ["ingestWorker:trigger:pollingInterval"] = "soon",
        });

        Assert.Equal(2, await worker.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var output = string.Join("\n", worker.Output);
        Assert.Contains("extensions:blobs:maxDegreeOfParallelism must be between 1 and 256; it is 0.", output);
        Assert.Contains("ingestWorker:trigger:pollingInterval", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", output); // a list of fixes, not a stack trace
    }

    [Theory]
    [InlineData("ingestWorker:http:port", "abc", "ingestWorker:http:port: 'abc' is not a whole number.")]
    [InlineData("ingestWorker:http:enabled", "yes", "ingestWorker:http:enabled: 'yes' is not true or false.")]
    [InlineData("ingestWorker:pipeline:language:allowed", "fr", "ingestWorker:pipeline:language:allowed is a list, but it is given one value ('fr')")]
    [InlineData("ingestWorker:pipeline:language:allowed:0", "xx", "ingestWorker:pipeline:language:allowed: 'xx' is not a label of the language model")]
    [InlineData("logging:logLevel:Default", "loud", "logging:logLevel:Default: 'loud' is not a log level")]
    public async Task A_value_that_does_not_fit_its_setting_stops_the_program_with_exit_code_2_and_one_line_naming_the_key(string key, string value, string line)
    {
        // As environment variables, e.g. ingestWorker__http__port=abc.
        using var worker = WorkerProcess.Start(new Dictionary<string, string?> { [key] = value });

        Assert.Equal(2, await worker.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var output = worker.Output.ToList();
        Assert.Equal("IngestWorker cannot start; fix the configuration:", output[0]);
        Assert.StartsWith("  - " + line, Assert.Single(output.Skip(1)));
        Assert.DoesNotContain(output, l => l.Contains("   at ", StringComparison.Ordinal)); // a fix to make, not a stack trace
    }

    [Fact]
    public async Task A_file_that_is_not_a_fasttext_model_stops_the_program_with_exit_code_2()
    {
        var model = Path.Combine(Path.GetTempPath(), $"not-a-model-{Guid.NewGuid():N}.ftz");
        await File.WriteAllTextAsync(model, "these bytes are not a fastText model");
        try
        {
            using var worker = WorkerProcess.Start(new Dictionary<string, string?> { ["ingestWorker:pipeline:language:modelPath"] = model });

            Assert.Equal(2, await worker.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            var output = string.Join("\n", worker.Output);
            Assert.Contains("ingestWorker:pipeline:language:modelPath", output);
            Assert.Contains(model, output);
            Assert.DoesNotContain("   at ", output);
        }
        finally
        {
            File.Delete(model);
        }
    }

    [Fact]
    public async Task A_health_port_already_in_use_stops_the_program_with_exit_code_2_and_one_line_saying_so()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var worker = WorkerProcess.Start(new Dictionary<string, string?>
        {
            ["ingestWorker:http:enabled"] = "true",
            ["ingestWorker:http:port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        Assert.Equal(2, await worker.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var output = string.Join("\n", worker.Output);
        Assert.Contains($"IngestWorker cannot start: ingestWorker:http:port: cannot listen on 127.0.0.1:{port}", output);
        Assert.DoesNotContain("   at ", output);
    }
}

using CsCheck;
using Xunit.Abstractions;
using IngestWorker.Text.Output;
using IngestWorker.Text.Pipeline;

namespace IngestWorker.Text.Tests.Fuzz;

/// <summary>
/// The whole text pipeline on hostile files (see <see cref="FuzzInputs"/>): whatever the bytes and
/// the name, a run ends in a verdict (accepted, or rejected with a code from <see cref="ReasonCodes"/>)
/// and never throws; everything it outputs is well-formed; and the same input gives the same output.
/// Runs for a bounded time (<see cref="FuzzSettings"/>); failures are shrunk and become regression
/// tests in <see cref="FuzzRegressionTests"/>.
/// </summary>
[Collection(FuzzCollection.Name)]
public sealed class PipelineFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void Any_file_gets_a_well_formed_verdict_and_the_same_one_every_time() =>
        FuzzSettings.Run(FuzzInputs.Any, input =>
        {
            var first = Run(input);
            FuzzChecks.Result(first);
            // The outcome record is built from every run, whatever its name holds.
            Assert.Equal(32, OutputFactory.FromResult(first).Id.Length);
            // Fresh state each time: with shared indexes the second run would be a duplicate of the first.
            var second = Run(input);
            Assert.Equal(FuzzChecks.Fingerprint(first), FuzzChecks.Fingerprint(second));
        }, input => input.ToString(), output, weight: 3);

    private static readonly OutputDocumentFactory OutputFactory = new(new PipelineOptions(), TimeProvider.System);

    internal static PipelineResult Run(FuzzInput input)
    {
        var pipeline = new TextPipeline(TextPipelineBuilder.StandardStages(new PipelineOptions(), PipelineServices.InMemory()));
        var source = new DocumentSource("incoming", input.Name, "\"etag\"", input.Bytes.Length);
        return pipeline.RunAsync(source, input.Bytes, CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }
}

/// <summary>The fuzz properties run one after another: each already uses the cores it is given.</summary>
[CollectionDefinition(Name)]
public sealed class FuzzCollection
{
    public const string Name = "Fuzz";
}

using IngestWorker.Processing;
using IngestWorker.Storage;
using IngestWorker.Telemetry;
using IngestWorker.Text.Output;
using IngestWorker.Text.Pipeline;
using Microsoft.Extensions.Logging;

namespace IngestWorker.Tests;

public sealed class OwedSummariesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 1, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_owed_summary_is_taken_once_and_per_input_version()
    {
        var owed = new OwedSummaries(capacity: 4);
        var input = Input("a.txt", "\"0x1\"");
        owed.Add(input, Owed(input));

        Assert.Null(owed.Take(Input("a.txt", "\"0x2\"")));
        Assert.NotNull(owed.Take(input));
        Assert.Null(owed.Take(input));
        Assert.Equal(0, owed.Count);
    }

    [Fact]
    public void Beyond_its_capacity_the_oldest_is_dropped_and_settled_keys_do_not_pile_up()
    {
        var owed = new OwedSummaries(capacity: 2);
        var inputs = Enumerable.Range(0, 3).Select(i => Input($"{i}.txt", "\"0x1\"")).ToList();
        foreach (var input in inputs)
            owed.Add(input, Owed(input));

        Assert.Equal(2, owed.Count);
        Assert.Null(owed.Take(inputs[0]));
        Assert.NotNull(owed.Take(inputs[2]));
        // Many failures settled one by one: the map stays empty and the order it keeps stays bounded.
        for (var i = 0; i < 10_000; i++)
        {
            var input = Input($"many/{i}.txt", "\"0x1\"");
            owed.Add(input, Owed(input));
            Assert.NotNull(owed.Take(input));
        }
        Assert.Equal(1, owed.Count);
    }

    [Fact]
    public void An_owed_summary_is_given_where_the_outcome_was_found_and_keeps_the_rest()
    {
        var input = Input("a.txt", "\"0x1\"");
        var owed = Owed(input);

        var summary = owed.Summary.WithOutput("poison", "a.txt.json", 42);

        Assert.Equal("poison", summary.OutputContainer);
        Assert.Equal("a.txt.json", summary.OutputName);
        Assert.Equal(42, summary.OutputBytes);
        Assert.Equal(owed.Summary.Attempt, summary.Attempt);
        Assert.Equal(owed.Summary.ErrorType, summary.ErrorType);
        // The document is a poison record: the settled attempt ends as poisoned, not completed.
        Assert.Equal(ProcessingResult.Poisoned, owed.Outcome);
    }

    private static InputBlob Input(string name, string etag) => new(name, etag, 10, Now);

    private static OwedSummary Owed(InputBlob input) =>
        new("write-1", new BlobSummary(input.Name, BlobSummary.Poisoned, [], "", input.Name + ".json", 1) { ErrorType = "E" }, LogLevel.Information,
            new OutputDocumentFactory(new PipelineOptions(), TimeProvider.System).Failed(
                new DocumentSource("incoming", input.Name, input.ETag, 10, Now), "E", "e", 1, Now), null);
}

using IngestWorker.Cli;
using IngestWorker.Storage;
using IngestWorker.Triggers;

namespace IngestWorker.Tests;

/// <summary>The decisions of the operator commands <c>replay</c> and <c>reprocess</c> that need no storage.</summary>
public sealed class ReplayRulesTests
{
    private const string Version = "2";
    private static readonly InputBlob Input = new("news/a.txt", "\"0x8DC1\"", 10, DateTimeOffset.UnixEpoch);

    [Fact]
    public void Only_a_current_input_version_with_a_failed_receipt_under_the_configured_version_is_replayed()
    {
        var poison = new PoisonRecord("0x8DC1", Version);
        Assert.Equal(ReplayVerdict.Replay, ReplayRules.Decide(Version, poison, Input, "failed"));
        // Found by name rather than through a poison outcome: the receipt alone decides.
        Assert.Equal(ReplayVerdict.Replay, ReplayRules.Decide(Version, null, Input, "failed"));

        Assert.Equal(ReplayVerdict.NotFailed, ReplayRules.Decide(Version, null, Input, "accepted"));
        Assert.Equal(ReplayVerdict.NotFailed, ReplayRules.Decide(Version, null, Input, "rejected"));
        Assert.Equal(ReplayVerdict.NoReceipt, ReplayRules.Decide(Version, null, Input, null));
        Assert.Equal(ReplayVerdict.InputDeleted, ReplayRules.Decide(Version, null, null, null));
        Assert.Equal(ReplayVerdict.InputDeleted, ReplayRules.Decide(Version, poison, null, null));
        Assert.Equal(ReplayVerdict.InputOverwritten, ReplayRules.Decide(Version, poison with { SourceETag = "0x8DC0" }, Input, "failed"));
        // Another version's poisoning says nothing about this version, whatever the input looks like.
        Assert.Equal(ReplayVerdict.OtherPipelineVersion, ReplayRules.Decide(Version, poison with { PipelineVersion = "1" }, Input, "failed"));
        Assert.Equal(ReplayVerdict.OtherPipelineVersion, ReplayRules.Decide(Version, poison with { PipelineVersion = "1" }, null, null));
    }

    [Fact]
    public void Every_reason_not_to_replay_says_what_happens_to_the_input_instead()
    {
        var poison = new PoisonRecord("0x8DC1", "1");
        Assert.Equal("not poisoned: its outcome under pipeline version 2 is accepted", ReplayRules.Explain(ReplayVerdict.NotFailed, Version, "accepted", null));
        Assert.Contains("poisoned under pipeline version 1, not 2", ReplayRules.Explain(ReplayVerdict.OtherPipelineVersion, Version, null, poison));
        Assert.Contains("new version is processed as usual", ReplayRules.Explain(ReplayVerdict.InputOverwritten, Version, null, poison));
        foreach (var verdict in Enum.GetValues<ReplayVerdict>())
            Assert.False(string.IsNullOrWhiteSpace(ReplayRules.Explain(verdict, Version, "accepted", poison)));
    }

    [Theory]
    [InlineData("a/b.txt.json", "a/b.txt")]
    [InlineData("x.json.json", "x.json")]
    [InlineData("a@0x1.json", "a@0x1")]
    [InlineData("b.txt", null)]
    [InlineData(".json", null)]
    public void An_outcome_name_gives_back_its_input_name(string outputName, string? inputName) =>
        Assert.Equal(inputName, ReplayRules.InputNameOf(outputName));

    [Fact]
    public void A_shortened_outcome_name_does_not_pretend_to_name_its_input()
    {
        var longName = new string('n', 1100) + ".txt";
        var output = BlobNames.Output(longName);
        Assert.Equal(1024, output.Length);
        Assert.Null(ReplayRules.InputNameOf(output));
        // Just under the limit nothing is shortened, and the name comes back whole.
        var fits = new string('n', 1019);
        Assert.Equal(fits, ReplayRules.InputNameOf(BlobNames.Output(fits)));
    }

    [Fact]
    public void Touching_keeps_the_blobs_own_metadata_and_marks_the_replay()
    {
        var existing = new Dictionary<string, string> { ["origin"] = "crawler-7", [ReplayRules.ReplayedAtKey] = "2020-01-01T00:00:00.000Z" };
        var touched = ReplayRules.TouchedMetadata(existing, new DateTimeOffset(2030, 1, 31, 12, 0, 0, 5, TimeSpan.FromHours(1)));
        Assert.Equal("crawler-7", touched["origin"]);
        Assert.Equal("2030-01-31T11:00:00.005Z", touched[ReplayRules.ReplayedAtKey]);
        Assert.Equal(2, touched.Count);
        Assert.Equal("2020-01-01T00:00:00.000Z", existing[ReplayRules.ReplayedAtKey]);
    }

    [Fact]
    public void A_poison_queue_message_goes_only_when_every_blob_version_it_names_was_replayed()
    {
        var replayed = new HashSet<(string, string)> { ("a.txt", "0x1"), ("b.txt", "0x2") };
        ParsedWorkMessage Scanner(params (string Name, string ETag)[] items) =>
            new([.. items.Select(i => new WorkItem("incoming", i.Name, $"\"{i.ETag}\"", 1, null))], [], null);

        Assert.True(ReplayRules.IsAboutReplayed(Scanner(("a.txt", "0x1")), replayed));
        Assert.True(ReplayRules.IsAboutReplayed(Scanner(("a.txt", "0x1"), ("b.txt", "0x2")), replayed));
        Assert.False(ReplayRules.IsAboutReplayed(Scanner(("a.txt", "0x1"), ("c.txt", "0x3")), replayed));
        Assert.False(ReplayRules.IsAboutReplayed(Scanner(("a.txt", "0x0")), replayed));
        Assert.False(ReplayRules.IsAboutReplayed(new ParsedWorkMessage([new WorkItem("incoming", "a.txt", null, null, null)], [], null), replayed));
        Assert.False(ReplayRules.IsAboutReplayed(new ParsedWorkMessage([], [], "the message is neither JSON nor base64-encoded JSON"), replayed));
        Assert.False(ReplayRules.IsAboutReplayed(new ParsedWorkMessage([], [new IgnoredWork(IgnoredWork.OtherEventType, "event 1 is Microsoft.Storage.BlobDeleted")], null), replayed));

        // As the scanner writes it and the parser reads it back.
        var message = WorkMessage.Parse(BinaryData.FromString(WorkMessage.For("incoming", "b.txt", "\"0x2\"", 5, null)), "incoming");
        Assert.True(ReplayRules.IsAboutReplayed(message, replayed));
    }

    [Fact]
    public void A_command_acts_on_exactly_one_of_a_name_a_prefix_or_everything()
    {
        Assert.Equal(new InputSelection("a.txt", "a.txt"), InputSelection.From("replay", true, "a.txt", null, false));
        Assert.Equal(new InputSelection(null, "news/"), InputSelection.From("replay", true, null, "/news/", false));
        Assert.Equal(new InputSelection(null, ""), InputSelection.From("reprocess", false, null, null, true));
        Assert.Equal("names starting with 'news/'", InputSelection.From("replay", true, null, "news/", false).Describe());
        Assert.Equal("every input", InputSelection.From("replay", true, null, null, true).Describe());

        Assert.Equal("replay: say which inputs: a blob name, --prefix <p> or --all.",
            Assert.Throws<ArgumentException>(() => InputSelection.From("replay", true, null, null, false)).Message);
        Assert.Equal("reprocess: say which inputs: --prefix <p> or --all.",
            Assert.Throws<ArgumentException>(() => InputSelection.From("reprocess", false, null, null, false)).Message);
        Assert.Equal("replay: give only one of a blob name, --prefix <p> or --all.",
            Assert.Throws<ArgumentException>(() => InputSelection.From("replay", true, "a.txt", "news/", false)).Message);
        Assert.Throws<ArgumentException>(() => InputSelection.From("reprocess", false, null, "news/", true));
        // An empty prefix would mean everything; that is asked for with --all.
        Assert.Contains("use --all", Assert.Throws<ArgumentException>(() => InputSelection.From("reprocess", false, null, "/", false)).Message);
    }
}

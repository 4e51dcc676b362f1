using IngestWorker.Storage;

namespace IngestWorker.Tests;

public sealed class OutcomeJoinTests
{
    private const string Version = "1";

    // Names whose outcomes list in another order than the names themselves: an outcome's name is
    // the input's with ".json" after it, and ' ', '-', the '.' of ".a" and more sort below ".json".
    private static readonly string[] TrickyNames =
    [
        "a", "a b", "a-b", "a.txt", "a.txt.json", "a/b.txt", "a/b.txt.json", "a/b.txt2", "a/b.txtA", "a/b.txt~",
        "a0", "a9", "aA", "a_", "ab", "a~", "b", "é", "a/b", "a/b/c", "a/b/c.d", "a.", "a.a", "a.j", "a.json", "a.jsonl", "a.k", "a@0x1",
    ];

    [Fact]
    public void The_outcome_listing_order_differs_from_the_input_listing_order()
    {
        // The premise of the join: a plain merge of the two listings would miss pairs.
        Assert.True(string.CompareOrdinal("a", "a-b") < 0);
        Assert.True(string.CompareOrdinal(BlobNames.Output("a"), BlobNames.Output("a-b")) > 0);
        Assert.True(string.CompareOrdinal(BlobNames.Output("a"), BlobNames.Output("a.a")) > 0);
        Assert.True(string.CompareOrdinal(BlobNames.Output("a"), BlobNames.Output("a.txt")) < 0);
    }

    [Fact]
    public async Task Every_input_with_an_outcome_of_its_etag_is_paired_whatever_the_names()
    {
        var inputs = TrickyNames.Select(n => Input(n)).ToList();
        var outcomes = TrickyNames.Select(n => Outcome(n)).ToList();

        var rows = await JoinAsync(inputs, outcomes);

        Assert.Equal(TrickyNames.Length, rows.Count);
        Assert.All(rows, row => Assert.Equal(OutcomeMatch.Done, row.Match));
        Assert.All(rows, row => Assert.Equal(BlobNames.Output(row.Input!.Name), Assert.Single(row.Outcomes).Name));
        Assert.Equal(TrickyNames.Order(StringComparer.Ordinal), rows.Select(r => r.Input!.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_outcome_of_another_input_version_or_pipeline_version_leaves_the_input_unprocessed()
    {
        var inputs = new[] { Input("a"), Input("a.txt", "0x2"), Input("a/b.txt"), Input("a/b.txt2"), Input("ab") };
        var outcomes = new[]
        {
            Outcome("a"),
            Outcome("a.txt", "0x1"),               // overwritten since: its input is now at 0x2
            Outcome("a/b.txt", version: "0"),      // written under another pipeline version
            Outcome("a/b.txt.json"),               // that input was deleted
            Outcome("ab"),
        };

        var rows = await JoinAsync(inputs, outcomes);

        Assert.Equal(
            new Dictionary<string, OutcomeMatch>
            {
                ["input a"] = OutcomeMatch.Done,
                ["input a.txt@0x2"] = OutcomeMatch.NotDone,
                ["input a/b.txt"] = OutcomeMatch.NotDone,
                ["outcome a/b.txt.json.json"] = OutcomeMatch.OutcomeWithoutInput,
                ["input a/b.txt2"] = OutcomeMatch.NotDone,
                ["input ab"] = OutcomeMatch.Done,
            },
            rows.ToDictionary(Describe, r => r.Match));
        // The outcome of the older version comes with its input: whoever needs it has it.
        Assert.Equal("0x1", Assert.Single(rows.Single(r => r.Input?.Name == "a.txt").Outcomes).SourceETag);
    }

    [Fact]
    public async Task Two_outcomes_of_one_name_during_a_move_count_once_and_either_can_finish_the_input()
    {
        // A writer of an earlier layout wrote the new outcome before it removed the old one.
        var inputs = new[] { Input("a", "0x2"), Input("b", "0x2") };
        var accepted = new[] { Outcome("a", "0x2"), Outcome("b", "0x1") };
        var rejected = new[] { Outcome("a", "0x1", container: "rejected"), Outcome("b", "0x1", container: "rejected") };

        var rows = await new OutcomeJoin(Version).JoinAsync(Sorted(inputs),
            OutcomeListings.MergeByNameAsync([accepted.ToAsyncEnumerable(), rejected.ToAsyncEnumerable()])).ToListAsync();

        Assert.Equal(2, rows.Count);
        Assert.Equal(OutcomeMatch.Done, rows.Single(r => r.Input!.Name == "a").Match);
        Assert.Equal(OutcomeMatch.NotDone, rows.Single(r => r.Input!.Name == "b").Match);
        Assert.All(rows, row => Assert.Equal(["accepted", "rejected"], row.Outcomes.Select(o => o.Container)));
    }

    [Fact]
    public async Task Names_whose_outcome_name_is_shortened_are_handed_back_for_a_direct_look_up()
    {
        var longName = "long/" + new string('x', 1016);
        var rows = await JoinAsync([Input(longName), Input("short")], [Outcome(longName), Outcome("short")]);

        Assert.Equal(3, rows.Count);
        Assert.Equal(OutcomeMatch.InputNotJoinable, rows.Single(r => r.Input?.Name == longName).Match);
        Assert.Equal(OutcomeMatch.OutcomeWithoutInput, rows.Single(r => r.Input is null).Match);
        Assert.Equal(OutcomeMatch.Done, rows.Single(r => r.Input?.Name == "short").Match);
        // Just under the limit the name is kept, and the pair is found by listing.
        var fits = "fits/" + new string('x', 1014);
        Assert.Equal(OutcomeMatch.Done, Assert.Single(await JoinAsync([Input(fits)], [Outcome(fits)])).Match);
    }

    [Fact]
    public async Task Names_unsafe_to_address_are_handed_back_for_a_direct_look_up()
    {
        // "../b" sorts before "a" and its hashed outcome ("~sha256/….json") after every letter: a
        // join by name would call the input unprocessed.
        var rows = await JoinAsync([Input("../b"), Input("a"), Input("x/")], [Outcome("../b"), Outcome("a"), Outcome("x/")]);

        Assert.Equal(OutcomeMatch.InputNotJoinable, rows.Single(r => r.Input?.Name == "../b").Match);
        Assert.Equal(OutcomeMatch.InputNotJoinable, rows.Single(r => r.Input?.Name == "x/").Match);
        Assert.Equal(OutcomeMatch.Done, rows.Single(r => r.Input?.Name == "a").Match);
        var hashed = rows.Where(r => r.Input is null).ToList();
        Assert.Equal(2, hashed.Count);
        Assert.All(hashed, row => Assert.Equal(OutcomeMatch.OutcomeWithoutInput, row.Match));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task Random_names_pair_exactly_as_a_set_lookup_would(int seed)
    {
        // Short names over an alphabet of the characters around '.' and of "json" make prefixes and
        // reorderings common.
        var random = new Random(seed);
        const string alphabet = " -./09@AZ_ajnosz~é";
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (names.Count < 400)
            names.Add(new string(Enumerable.Range(0, random.Next(1, 7)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()));
        var inputs = names.Select(n => Input(n, "0x" + random.Next(3))).ToList();
        // One outcome per name at most (in one of three containers), of a random version.
        var outcomes = new Dictionary<string, ListedOutcome>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            if (random.Next(4) > 0)
                outcomes[BlobNames.Output(input.Name)] = Outcome(input.Name, "0x" + random.Next(3), container: ContainerNames[random.Next(3)]);
        }
        foreach (var deleted in Enumerable.Range(0, 50).Select(i => "gone" + alphabet[i % alphabet.Length] + i))
            outcomes[BlobNames.Output(deleted)] = Outcome(deleted);

        var join = new OutcomeJoin(Version);
        var listings = ContainerNames.Select(c => outcomes.Values.Where(o => o.Container == c).OrderBy(o => o.Name, StringComparer.Ordinal).ToAsyncEnumerable()).ToList();
        var rows = await join.JoinAsync(Sorted(inputs), OutcomeListings.MergeByNameAsync(listings)).ToListAsync();

        Assert.Equal(0, join.OutOfOrder);
        Assert.Equal(inputs.Count, rows.Count(r => r.Input is not null));
        Assert.Equal(outcomes.Count, rows.Sum(r => r.Outcomes.Count));
        foreach (var row in rows)
        {
            var expected = row switch
            {
                { Input: { } input } when BlobNames.IsHashed(input.Name) => OutcomeMatch.InputNotJoinable,
                { Input: { } input } => outcomes.TryGetValue(BlobNames.Output(input.Name), out var outcome) && outcome.IsReceiptOf(input, Version)
                    ? OutcomeMatch.Done
                    : OutcomeMatch.NotDone,
                _ => OutcomeMatch.OutcomeWithoutInput,
            };
            Assert.True(expected == row.Match, $"{Describe(row)}: expected {expected}, got {row.Match}");
        }
    }

    [Fact]
    public async Task The_join_streams_and_holds_only_a_chain_of_prefixes()
    {
        // Neither listing ends, and "a" waits for every "a-…" name (they all sort before "a.json"):
        // the join must still produce rows as it goes rather than read everything first.
        var join = new OutcomeJoin(Version);
        var rows = join.JoinAsync(EndlessInputs(), EndlessOutcomes());

        var first = await rows.Take(10_000).ToListAsync();

        Assert.All(first, row => Assert.Equal(OutcomeMatch.Done, row.Match));
        Assert.Equal("a-0000001", first[0].Input!.Name);
        Assert.Equal(0, join.OutOfOrder);

        static async IAsyncEnumerable<InputBlob> EndlessInputs()
        {
            yield return Input("a");
            for (var i = 1; ; i++)
            {
                await Task.Yield();
                yield return Input($"a-{i:D7}");
            }
        }

        static async IAsyncEnumerable<ListedOutcome> EndlessOutcomes()
        {
            for (var i = 1; ; i++)
            {
                await Task.Yield();
                yield return Outcome($"a-{i:D7}");
            }
        }
    }

    [Fact]
    public async Task A_listing_out_of_ordinal_order_is_counted()
    {
        var join = new OutcomeJoin(Version);
        var inputs = new[] { Input("b"), Input("a") }.ToAsyncEnumerable();
        var outcomes = new[] { Outcome("b"), Outcome("a") }.ToAsyncEnumerable();

        await join.JoinAsync(inputs, outcomes).ToListAsync();

        Assert.Equal(2, join.OutOfOrder);
    }

    [Fact]
    public void Metadata_is_read_whatever_the_case_of_its_keys()
    {
        var outcome = ListedOutcome.From("accepted", "a.json", new Dictionary<string, string> { ["SourceETag"] = "0x1", ["pipelineversion"] = Version });
        Assert.True(outcome.IsReceiptOf(Input("a"), Version));
        Assert.False(outcome.IsReceiptOf(Input("a", "0x2"), Version));
        Assert.False(outcome.IsReceiptOf(Input("a"), "2"));
        Assert.False(ListedOutcome.From("accepted", "a.json", null).IsReceiptOf(Input("a"), Version));
    }

    private static readonly string[] ContainerNames = ["accepted", "rejected", "poison"];

    private static InputBlob Input(string name, string etag = "0x1") => new(name, $"\"{BlobNames.BareETag(etag)}\"", 1, DateTimeOffset.UnixEpoch);

    private static ListedOutcome Outcome(string inputName, string etag = "0x1", string version = Version, string container = "accepted") =>
        new(container, BlobNames.Output(inputName), etag, version, "accepted");

    private static IAsyncEnumerable<InputBlob> Sorted(IEnumerable<InputBlob> inputs) =>
        inputs.OrderBy(i => i.Name, StringComparer.Ordinal).ToAsyncEnumerable();

    private static async Task<List<OutcomeJoinRow>> JoinAsync(IEnumerable<InputBlob> inputs, IEnumerable<ListedOutcome> outcomes) =>
        await new OutcomeJoin(Version).JoinAsync(Sorted(inputs), outcomes.OrderBy(o => o.Name, StringComparer.Ordinal).ToAsyncEnumerable()).ToListAsync();

    private static string Describe(OutcomeJoinRow row) => row.Input is { } input
        ? "input " + input.Name + (BlobNames.BareETag(input.ETag) == "0x1" ? "" : "@" + BlobNames.BareETag(input.ETag))
        : "outcome " + row.Outcomes[0].Name;
}

using IngestWorker.Storage;

namespace IngestWorker.Tests;

public sealed class ReceiptJoinTests
{
    private const string Version = "1";
    private const string Container = "incoming";

    // Names whose receipts list in another order than the names themselves: '@' sorts after
    // ' ', '-', '.', '/' and the digits, before the letters.
    private static readonly string[] TrickyNames =
    [
        "a", "a b", "a-b", "a.txt", "a.txt.json", "a/b.txt", "a/b.txt.json", "a/b.txt2", "a/b.txtA", "a/b.txt~",
        "a0", "a9", "aA", "a_", "ab", "a~", "b", "é", "a/b", "a/b/c", "a/b/c.d",
    ];

    [Fact]
    public void The_receipt_listing_order_differs_from_the_input_listing_order()
    {
        // The premise of the join: a plain merge of the two listings would miss pairs.
        Assert.True(string.CompareOrdinal("a", "a.txt") < 0);
        Assert.True(string.CompareOrdinal(Receipt("a"), Receipt("a.txt")) > 0);
        Assert.True(string.CompareOrdinal(Receipt("a/b.txt"), Receipt("a/b.txt.json")) > 0);
        Assert.True(string.CompareOrdinal(Receipt("a/b.txt"), Receipt("a/b.txtA")) < 0);
    }

    [Fact]
    public async Task Every_input_with_a_receipt_for_its_etag_is_paired_whatever_the_names()
    {
        var inputs = TrickyNames.Select(n => Input(n)).ToList();
        var receipts = TrickyNames.Select(n => Receipt(n)).ToList();

        var rows = await JoinAsync(inputs, receipts);

        Assert.Equal(TrickyNames.Length, rows.Count);
        Assert.All(rows, row => Assert.Equal(ReceiptMatch.Receipted, row.Match));
        Assert.All(rows, row => Assert.Equal(Receipt(row.Input!.Name), row.Receipt));
        Assert.Equal(TrickyNames.Order(StringComparer.Ordinal), rows.Select(r => r.Input!.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Unprocessed_inputs_and_receipts_of_gone_versions_are_told_apart()
    {
        var inputs = new[] { Input("a"), Input("a.txt", "0x2"), Input("a/b.txt"), Input("a/b.txt2"), Input("ab") };
        var receipts = new[]
        {
            Receipt("a"),
            Receipt("a.txt", "0x1"),      // overwritten since: its input is now at 0x2
            Receipt("a/b.txt"),
            Receipt("a/b.txt.json"),      // that input was deleted
            Receipt("ab"),
            Receipt("ab", "0x0"),         // an older version of ab
        };

        var rows = await JoinAsync(inputs, receipts);

        Assert.Equal(
            new Dictionary<string, ReceiptMatch>
            {
                ["input a"] = ReceiptMatch.Receipted,
                ["input a.txt@0x2"] = ReceiptMatch.NoReceipt,
                ["receipt a.txt@0x1"] = ReceiptMatch.InputVersionGone,
                ["input a/b.txt"] = ReceiptMatch.Receipted,
                ["receipt a/b.txt.json@0x1"] = ReceiptMatch.InputVersionGone,
                ["input a/b.txt2"] = ReceiptMatch.NoReceipt,
                ["input ab"] = ReceiptMatch.Receipted,
                ["receipt ab@0x0"] = ReceiptMatch.InputVersionGone,
            },
            rows.ToDictionary(Describe, r => r.Match));
        Assert.Equal("a.txt", rows.Single(r => r.Match == ReceiptMatch.InputVersionGone && r.Receipt!.Contains("a.txt@")).ReceiptName!.Name);
    }

    [Fact]
    public async Task Names_with_an_at_sign_are_handed_back_for_a_direct_look_up()
    {
        var inputs = new[] { Input("a"), Input("a@0x0"), Input("a@0x1"), Input("mail@example.txt"), Input("a0") };
        var receipts = new[] { Receipt("a"), Receipt("a@0x0"), Receipt("mail@example.txt", "0x9"), Receipt("a0") };

        var rows = await JoinAsync(inputs, receipts);

        Assert.Equal(
            new Dictionary<string, ReceiptMatch>
            {
                ["input a"] = ReceiptMatch.Receipted,
                ["input a0"] = ReceiptMatch.Receipted,
                ["input a@0x0"] = ReceiptMatch.InputNotJoinable,
                ["input a@0x1"] = ReceiptMatch.InputNotJoinable,
                ["input mail@example.txt"] = ReceiptMatch.InputNotJoinable,
                ["receipt a@0x0@0x1"] = ReceiptMatch.ReceiptNotJoinable,
                ["receipt mail@example.txt@0x9"] = ReceiptMatch.ReceiptNotJoinable,
            },
            rows.ToDictionary(Describe, r => r.Match));
        Assert.Equal("mail@example.txt", rows.Single(r => r.Receipt?.Contains("mail@") == true).ReceiptName!.Name);
    }

    [Fact]
    public async Task Names_whose_receipt_name_is_shortened_are_handed_back_for_a_direct_look_up()
    {
        var longName = "long/" + new string('x', 1010);
        var rows = await JoinAsync([Input(longName), Input("short")], [Receipt(longName), Receipt("short")]);

        Assert.Equal(3, rows.Count);
        Assert.Equal(ReceiptMatch.InputNotJoinable, rows.Single(r => r.Input?.Name == longName).Match);
        var shortened = rows.Single(r => r.Receipt == Receipt(longName));
        Assert.Equal(ReceiptMatch.ReceiptNotJoinable, shortened.Match);
        Assert.Null(shortened.ReceiptName);
        Assert.Equal(ReceiptMatch.Receipted, rows.Single(r => r.Input?.Name == "short").Match);
    }

    [Fact]
    public async Task Names_unsafe_to_address_are_handed_back_for_a_direct_look_up()
    {
        // "../b" sorts before "a" and its hashed receipt ("~sha256/…") after every letter: a join
        // by name would call the input unprocessed and the receipt's input gone.
        var rows = await JoinAsync([Input("../b"), Input("a"), Input("x/")], [Receipt("../b"), Receipt("a"), Receipt("x/")]);

        Assert.Equal(ReceiptMatch.InputNotJoinable, rows.Single(r => r.Input?.Name == "../b").Match);
        Assert.Equal(ReceiptMatch.InputNotJoinable, rows.Single(r => r.Input?.Name == "x/").Match);
        Assert.Equal(ReceiptMatch.Receipted, rows.Single(r => r.Input?.Name == "a").Match);
        var hashed = rows.Where(r => r.Input is null).ToList();
        Assert.Equal(2, hashed.Count);
        Assert.All(hashed, row => Assert.Equal(ReceiptMatch.ReceiptNotJoinable, row.Match));
        Assert.All(hashed, row => Assert.Null(row.ReceiptName));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task Random_names_pair_exactly_as_a_set_lookup_would(int seed)
    {
        // Short names over an alphabet of the characters around '@' make prefixes and reorderings common.
        var random = new Random(seed);
        const string alphabet = " -./09@AZ_az~é";
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (names.Count < 400)
            names.Add(new string(Enumerable.Range(0, random.Next(1, 6)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()));
        var inputs = names.Select(n => Input(n, "0x" + random.Next(3))).ToList();
        var receipts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            if (random.Next(3) > 0)
                receipts.Add(Receipt(input.Name, input.ETag));
            if (random.Next(4) == 0)
                receipts.Add(Receipt(input.Name, "0x" + random.Next(3)));
        }
        foreach (var deleted in Enumerable.Range(0, 50).Select(i => "gone" + alphabet[i % alphabet.Length] + i))
            receipts.Add(Receipt(deleted));

        var join = new ReceiptJoin(Version, Container);
        var rows = await join.JoinAsync(Sorted(inputs), receipts.Order(StringComparer.Ordinal).ToAsyncEnumerable(), r => r).ToListAsync();

        Assert.Equal(0, join.OutOfOrder);
        Assert.Equal(inputs.Count, rows.Count(r => r.Input is not null));
        Assert.Equal(receipts.Count, rows.Count(r => r.Receipt is not null));
        var currentReceipts = inputs.Select(i => Receipt(i.Name, i.ETag)).ToHashSet(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var expected = row switch
            {
                { Input: { } input } when input.Name.Contains('@') || BlobNames.IsHashed(input.Name) => ReceiptMatch.InputNotJoinable,
                { Input: null, ReceiptName.Name: var name } when name.Contains('@') => ReceiptMatch.ReceiptNotJoinable,
                { Input: null, ReceiptName: null } => ReceiptMatch.ReceiptNotJoinable, // hashed: ".", "a/../b", "x/"
                { Input: { } input } => receipts.Contains(Receipt(input.Name, input.ETag)) ? ReceiptMatch.Receipted : ReceiptMatch.NoReceipt,
                { Receipt: { } receipt } => currentReceipts.Contains(receipt) ? ReceiptMatch.Receipted : ReceiptMatch.InputVersionGone,
                _ => throw new InvalidOperationException("A row with neither input nor receipt."),
            };
            Assert.True(expected == row.Match, $"{Describe(row)}: expected {expected}, got {row.Match}");
        }
    }

    [Fact]
    public async Task The_join_streams_and_holds_only_a_chain_of_prefixes()
    {
        // Neither listing ends, and "a" waits for every "a/…" name (they all sort before "a@…"):
        // the join must still produce rows as it goes rather than read everything first.
        var join = new ReceiptJoin(Version, Container);
        var rows = join.JoinAsync(EndlessInputs(), EndlessReceipts(), r => r);

        var first = await rows.Take(10_000).ToListAsync();

        Assert.All(first, row => Assert.Equal(ReceiptMatch.Receipted, row.Match));
        Assert.Equal("a/0000001", first[0].Input!.Name);
        Assert.Equal(0, join.OutOfOrder);

        static async IAsyncEnumerable<InputBlob> EndlessInputs()
        {
            yield return Input("a");
            for (var i = 1; ; i++)
            {
                await Task.Yield();
                yield return Input($"a/{i:D7}");
            }
        }

        static async IAsyncEnumerable<string> EndlessReceipts()
        {
            for (var i = 1; ; i++)
            {
                await Task.Yield();
                yield return Receipt($"a/{i:D7}");
            }
        }
    }

    [Fact]
    public async Task A_listing_out_of_ordinal_order_is_counted()
    {
        var join = new ReceiptJoin(Version, Container);
        var inputs = new[] { Input("b"), Input("a") }.ToAsyncEnumerable();
        var receipts = new[] { Receipt("b"), Receipt("a") }.ToAsyncEnumerable();

        await join.JoinAsync(inputs, receipts, r => r).ToListAsync();

        Assert.Equal(2, join.OutOfOrder);
    }

    private static InputBlob Input(string name, string etag = "0x1") => new(name, $"\"{BlobNames.BareETag(etag)}\"", 1, DateTimeOffset.UnixEpoch);

    private static string Receipt(string name, string etag = "0x1") => BlobNames.Receipt(Version, Container, name, etag);

    private static IAsyncEnumerable<InputBlob> Sorted(IEnumerable<InputBlob> inputs) =>
        inputs.OrderBy(i => i.Name, StringComparer.Ordinal).ToAsyncEnumerable();

    private static async Task<List<ReceiptJoinRow<string>>> JoinAsync(IEnumerable<InputBlob> inputs, IEnumerable<string> receipts) =>
        await new ReceiptJoin(Version, Container).JoinAsync(Sorted(inputs), receipts.Order(StringComparer.Ordinal).ToAsyncEnumerable(), r => r).ToListAsync();

    private static string Describe(ReceiptJoinRow<string> row) => row.Input is { } input
        ? "input " + input.Name + (BlobNames.BareETag(input.ETag) == "0x1" ? "" : "@" + BlobNames.BareETag(input.ETag))
        : "receipt " + row.Receipt![BlobNames.ReceiptPrefix(Version, Container).Length..];
}

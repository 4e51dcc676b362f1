using System.Text.Json;
using Azure.Storage.Blobs;
using IngestWorker.Cli;
using IngestWorker.Storage;
using IngestWorker.Text.Output;
using IngestWorker.Text.Pipeline;

namespace IngestWorker.Tests;

/// <summary>Which input names can be used as blob paths, and what the worker names after the others. No storage: the SDK only builds URIs here.</summary>
public sealed class BlobNameSafetyTests
{
    // Never contacted: the SDK builds a blob's URI (and its Name back from it) without a request.
    private static readonly BlobContainerClient Container = new(new Uri("http://127.0.0.1:9/devstoreaccount1/incoming"));

    public static TheoryData<string> UnsafeNames() =>
    [
        ".", "..", "../x", "../../../cleaned/zz/victim.json", "a/../b", "a/./b", "a/.", "a/..", "./a",
        "/x", "x/", "/", "a//", "a\\b", "a\\..\\..\\b",
        "a\0b", "\0", "a\u0001b", "a\u001fb", "a\tb", "a\nb", "a\rb", "a\u007fb", "a\u0080b", "a\u0085b", "a\u009fb",
        "a\ufffeb", "\uffff", "\ufdd0", "\ufdef", "a\U0001FFFEb", "\U0010FFFF",
    ];

    public static TheoryData<string> SafeNames() =>
    [
        "a.txt", "a/b.txt", "...", "a/.../b", ".a", "a.", "a./b", "a../b", "a//b", " ", "a /b",
        "%2e%2e/x", "a%2F..%2Fb", "a%00b", "%", "a?b=c", "a#b", "a+b&c;d", "a@0x1", "ü/ñ.txt", "\U0001F600.txt",
        "\uff0e\uff0e/x", "\u2024\u2024/x", "a\u00a0b", "a\u200bb", "a\u2028b", "a\ufffdb", "a\ufdcfb", "a\ufdf0b",
        "~sha", "~sha256", "x/~sha256/y", new string('a', 1024), new string('a', 1100),
    ];

    [Theory]
    [MemberData(nameof(UnsafeNames))]
    public void Names_the_sdk_would_turn_into_another_blob_or_storage_cannot_list_are_unsafe(string name)
    {
        Assert.False(BlobNameSafety.IsAddressable(name));
        Assert.False(string.IsNullOrEmpty(BlobNameSafety.Problem(name)));
    }

    [Theory]
    [MemberData(nameof(SafeNames))]
    public void Every_safe_name_addresses_itself_through_the_sdk(string name)
    {
        Assert.True(BlobNameSafety.IsAddressable(name), BlobNameSafety.Problem(name));
        Assert.Equal(name, Container.GetBlobClient(name).Name);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a/./b")]
    [InlineData("/x")]
    [InlineData("x/")]
    public void The_sdk_really_changes_the_names_of_the_path_rules(string name) =>
        // The reason for the rules, pinned: if an SDK update stops this, the rules can be relaxed.
        Assert.NotEqual(name, Container.GetBlobClient(name).Name);

    [Fact]
    public void Lone_surrogates_are_unsafe_the_sdk_sends_them_as_U_FFFD()
    {
        // Not theory data: xUnit passes strings on as UTF-8, which turns lone surrogates into U+FFFD.
        foreach (var name in new[] { "a\ud800b", "a\udc00", "\ud800", "\udc00\ud800" })
        {
            Assert.False(BlobNameSafety.IsAddressable(name));
            Assert.NotEqual(name, Container.GetBlobClient(name).Name);
            Every_name_derived_from_an_unsafe_name_stays_in_its_folder(name);
        }
    }

    [Theory]
    [MemberData(nameof(UnsafeNames))]
    public void Every_name_derived_from_an_unsafe_name_stays_in_its_folder(string name)
    {
        var key = BlobNames.Key(name);
        Assert.Matches("^~sha256/[0-9a-f]{64}$", key);
        Assert.Equal(key + ".json", BlobNames.Output(name));
        Assert.Equal("claims/incoming/" + key, BlobNames.Claim("incoming", name));
        Assert.Equal("receipts/1/incoming/" + key + "@0x8DC1", BlobNames.Receipt("1", "incoming", name, "\"0x8DC1\""));
        foreach (var derived in Derived(name))
        {
            Assert.True(BlobNameSafety.IsAddressable(derived), derived);
            Assert.Equal(derived, Container.GetBlobClient(derived).Name);
        }
    }

    [Theory]
    [MemberData(nameof(SafeNames))]
    public void Safe_names_are_kept_as_they_are_in_derived_names_so_existing_receipts_still_match(string name)
    {
        Assert.Equal(name, BlobNames.Key(name));
        Assert.False(BlobNames.IsHashed(name));
        if (name.Length < 1000)
        {
            Assert.Equal(name + ".json", BlobNames.Output(name));
            Assert.Equal("claims/incoming/" + name, BlobNames.Claim("incoming", name));
            Assert.Equal(new ReceiptName("1", "incoming", name, "0x1"), BlobNames.ParseReceipt(BlobNames.Receipt("1", "incoming", name, "\"0x1\"")));
        }
        foreach (var derived in Derived(name))
            Assert.Equal(derived, Container.GetBlobClient(derived).Name);
    }

    [Fact]
    public void Hashed_names_are_distinct_and_never_equal_a_name_kept_as_it_is()
    {
        // Lone surrogates would all be U+FFFD in UTF-8; the hash is over the UTF-16 code units.
        string[] unsafeNames = ["a\ud800", "a\udc00", "a\ud801", "../x", "..\\x", "x/", "/x", "~sha256/" + new string('0', 64)];
        var keys = unsafeNames.Select(BlobNames.Key).ToList();
        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());

        // A safe name in the hashed folder is hashed too, so no input keeps a name another's hash has.
        var planted = "~sha256/" + BlobNames.Key("../x")["~sha256/".Length..];
        Assert.True(BlobNameSafety.IsAddressable(planted));
        Assert.True(BlobNames.IsHashed(planted));
        Assert.NotEqual(BlobNames.Key("../x"), BlobNames.Key(planted));
        Assert.Equal(BlobNames.Key("../x"), BlobNames.Key("../x"));
    }

    [Fact]
    public void A_hashed_receipt_does_not_pretend_to_name_its_input()
    {
        Assert.Null(BlobNames.ParseReceipt(BlobNames.Receipt("1", "incoming", "../x", "\"0x1\"")));
        // Written before names were checked: parsed, it would name an input that cannot be addressed.
        Assert.Null(BlobNames.ParseReceipt("receipts/1/incoming/a/../b@0x1"));
        Assert.Null(ReplayRules.InputNameOf(BlobNames.Output("../x")));
    }

    [Fact]
    public void Shortening_never_cuts_a_surrogate_pair_in_two()
    {
        // "claims/incoming/" (16) + "abc/" (4), then emoji pairs: the cut at 1024 - 33 lands between the halves of a pair.
        var name = "abc/" + string.Concat(Enumerable.Repeat("\U0001F600", 600));
        var claim = BlobNames.Claim("incoming", name);
        Assert.True(char.IsHighSurrogate(("claims/incoming/" + name)[1024 - 33 - 1]));
        Assert.Equal(1024, claim.Length);
        Assert.True(BlobNames.IsShortened(claim));
        Assert.True(BlobNameSafety.IsAddressable(claim), BlobNameSafety.Problem(claim));
        Assert.Equal(claim, Container.GetBlobClient(claim).Name);
    }

    [Fact]
    public void The_unsafe_name_outcome_records_the_name_as_it_is_and_why()
    {
        var factory = new OutputDocumentFactory(new PipelineOptions(), TimeProvider.System);
        var name = "../../x\u0001\"<";
        var document = factory.UnsafeName(new DocumentSource("incoming", name, "\"0x1\"", 3, DateTimeOffset.UnixEpoch), BlobNameSafety.Problem(name)!);

        Assert.Equal(OutputStatus.Rejected, document.Status);
        Assert.Equal([ReasonCodes.UnsafeName], document.Reasons);
        Assert.Equal(ReasonCodes.UnsafeName, document.Rejection!.Code);
        Assert.Null(document.Text);
        Assert.Null(document.Source.Sha256);
        var json = JsonSerializer.Serialize(document, OutputJsonContext.Default.OutputDocument);
        Assert.DoesNotContain('\u0001', json);
        using var parsed = JsonDocument.Parse(json);
        Assert.Equal(name, parsed.RootElement.GetProperty("source").GetProperty("name").GetString());
    }

    private static IEnumerable<string> Derived(string name) =>
    [
        BlobNames.Output(name),
        BlobNames.Claim("incoming", name),
        BlobNames.Receipt("1", "incoming", name, "\"0x8DC1\""),
    ];
}

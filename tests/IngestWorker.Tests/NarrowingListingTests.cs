using System.Diagnostics.CodeAnalysis;
using System.Xml;
using Azure;
using Azure.Core;
using IngestWorker.Options;
using IngestWorker.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace IngestWorker.Tests;

/// <summary>
/// The page loop over a fake storage that fails like Azurite: a page that would hold a name with a
/// character XML cannot carry throws <see cref="XmlException"/>, whatever its size.
/// </summary>
public class NarrowingListingTests
{
    [Theory]
    [InlineData("m\0bad")]
    [InlineData("q\uFFFEodd")]
    [InlineData("\u0001first")]
    public async Task Every_listable_name_is_listed_and_the_listing_counts_as_incomplete(string bad)
    {
        // "m\tfine" follows a NUL name closely; "r" is the very marker past a U+FFFE name.
        string[] listable = ["a-1", "a-2", "m\tfine", "n", "r", "z-1", "z-2"];
        var storage = new FakeStorage([.. listable, bad], pageSize: 4);
        var unlistable = Unlistable();

        var listed = await ListAsync(storage, unlistable);

        Assert.Equal(listable, listed);
        Assert.Equal(1, unlistable.IncompleteListings("input"));
    }

    /// <summary>
    /// The search cannot tell the unlistable name after a marker from a later one, so with two
    /// such names it may pass over names between them. They are not lost: the listing counts as
    /// incomplete, and once the unlistable names are deleted a listing finds them.
    /// </summary>
    [Fact]
    public async Task With_several_unlistable_names_the_listing_still_reaches_the_end_and_is_incomplete()
    {
        var storage = new FakeStorage(["a-1", "a-2", "m\0bad", "m\tfine", "n", "q\uFFFEodd", "r", "z-1"], pageSize: 4);
        var unlistable = Unlistable();

        var listed = await ListAsync(storage, unlistable);

        Assert.Equal(["a-1", "a-2"], listed.Take(2));
        Assert.Equal(["r", "z-1"], listed.TakeLast(2));
        Assert.Equal(1, unlistable.IncompleteListings("input"));
    }

    [Fact]
    public async Task A_listing_without_such_names_is_complete_and_pages_are_full_size()
    {
        var storage = new FakeStorage([.. Enumerable.Range(0, 10).Select(i => $"n{i}")], pageSize: 4);
        var unlistable = Unlistable();

        Assert.Equal(10, (await ListAsync(storage, unlistable)).Count);
        Assert.Equal(0, unlistable.IncompleteListings("input"));
        Assert.Equal(3, storage.Calls);
    }

    [Fact]
    public async Task Halving_the_page_reaches_the_name_in_few_calls()
    {
        var before = Enumerable.Range(0, 4000).Select(i => $"a{i:D5}").ToArray();
        var storage = new FakeStorage([.. before, "b\0", "c"], pageSize: 5000);

        var listed = await ListAsync(storage, Unlistable());

        Assert.Equal([.. before, "c"], listed);
        // Halving and doubling from the last good place: tens of calls, not the 4,000 of one-name pages.
        Assert.True(storage.Calls < 100, $"{storage.Calls} calls");
    }

    [Fact]
    public async Task Where_markers_are_not_names_the_listing_stops_at_the_name_after_everything_before_it()
    {
        var storage = new FakeStorage(["a", "b", "c\0", "d"], pageSize: 2, opaqueMarkers: true);
        var unlistable = Unlistable();

        Assert.Equal(["a", "b"], await ListAsync(storage, unlistable));
        Assert.Equal(1, unlistable.IncompleteListings("input"));
    }

    [Fact]
    public async Task The_way_past_a_name_is_remembered_for_the_next_listing()
    {
        var storage = new FakeStorage(["a", "some/folder/name\u0001", "z"], pageSize: 10);
        var unlistable = Unlistable();
        await ListAsync(storage, unlistable);
        var first = storage.Calls;

        await ListAsync(storage, unlistable);

        // Halving (5 calls), one page to confirm the way past, the look-up of the marker's own name, the rest.
        Assert.True(storage.Calls - first <= 10, $"{storage.Calls - first} calls the second time, {first} the first");
    }

    private static UnlistableNames Unlistable() =>
        new(MsOptions.Create(new IngestWorkerOptions()), NullLogger<UnlistableNames>.Instance, TimeProvider.System);

    private static async Task<List<string>> ListAsync(FakeStorage storage, UnlistableNames unlistable)
    {
        var resilience = new StorageResilience(MsOptions.Create(new IngestWorker.Options.RetryOptions { MaxRetryCount = 0 }), NullLogger<StorageResilience>.Instance);
        var source = new ListingSource<string>("input", "the test listing", storage.PageSize, name => name, storage.FetchAsync);
        var listed = new List<string>();
        await foreach (var page in PagedListing.PagesAsync(resilience, pace: null, source, unlistable, CancellationToken.None))
            listed.AddRange(page.Values);
        return listed;
    }

    private sealed class FakeStorage(string[] names, int pageSize, bool opaqueMarkers = false)
    {
        private readonly string[] _names = [.. names.Order(StringComparer.Ordinal)];

        public int PageSize => pageSize;

        public int Calls { get; private set; }

        public ValueTask<Page<string>?> FetchAsync(string? marker, string? prefix, int size, CancellationToken cancellationToken)
        {
            Calls++;
            var after = marker is null ? "" : opaqueMarkers ? Decode(marker) : marker;
            if (!after.All(XmlNameChars.IsSafe) || !(prefix ?? "").All(XmlNameChars.IsSafe))
                throw new XmlException("Root element is missing.");
            var page = _names.Where(n => (marker is null || string.CompareOrdinal(n, after) > 0) && n.StartsWith(prefix ?? "", StringComparison.Ordinal))
                .Take(size + 1).ToList();
            if (page.Take(size).Any(n => !n.All(XmlNameChars.IsSafe)))
                throw new XmlException("Root element is missing.");
            var more = page.Count > size;
            page = page.Take(size).ToList();
            var next = more ? (opaqueMarkers ? "2!" + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(page[^1])) : page[^1]) : null;
            return ValueTask.FromResult<Page<string>?>(Page<string>.FromValues(page, next, new NoResponse()));
        }

        private static string Decode(string marker) =>
            marker.StartsWith("2!", StringComparison.Ordinal)
                ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(marker[2..]))
                : throw new RequestFailedException(400, "InvalidQueryParameterValue");
    }

    private sealed class NoResponse : Response
    {
        public override int Status => 200;
        public override string ReasonPhrase => "OK";
        public override Stream? ContentStream { get; set; }
        public override string ClientRequestId { get; set; } = "";
        public override void Dispose()
        {
        }

        protected override bool ContainsHeader(string name) => false;
        protected override IEnumerable<HttpHeader> EnumerateHeaders() => [];
        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value)
        {
            value = null;
            return false;
        }

        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = null;
            return false;
        }
    }
}

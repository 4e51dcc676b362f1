using IngestWorker.Storage;

namespace IngestWorker.Tests;

/// <summary>
/// The search for the way past a name storage cannot list, over a fake storage that lists like
/// Azurite: names in ordinal order, a marker lists the names after it, and a page that would hold a
/// name with a character XML cannot carry cannot be read.
/// </summary>
public class UnlistableNameSearchTests
{
    [Fact]
    public async Task The_way_past_a_NUL_name_is_just_past_its_clean_part_and_bad_character()
    {
        var store = new FakeListing("a0.txt", "a1.txt", "m\0bad.txt", "z0.txt");

        var skip = await store.FindAsync(after: "a1.txt");

        Assert.NotNull(skip);
        Assert.Equal("m", skip.CleanPrefix);
        Assert.Equal(('\u0000', '\u0008'), (skip.BadFrom, skip.BadTo));
        Assert.Equal("m\t", skip.Marker);
        Assert.Equal(["z0.txt"], store.NamesAfter(skip.Marker!));
        Assert.Equal("'m' followed by a character in U+0000–U+0008", skip.Describe());
    }

    [Fact]
    public async Task A_name_in_the_same_folder_as_the_one_before_costs_few_pages()
    {
        var store = new FakeListing(
            "in/2026/12/07/article-0001.txt", "in/2026/12/07/article-0002\u0001.txt", "in/2026/12/07/article-0003.txt");

        var skip = await store.FindAsync(after: "in/2026/12/07/article-0001.txt");

        Assert.NotNull(skip);
        Assert.Equal("in/2026/12/07/article-0002", skip.CleanPrefix);
        Assert.Equal(["in/2026/12/07/article-0003.txt"], store.NamesAfter(skip.Marker!));
        // The 24 characters it shares with the name before cost a binary search over them, not 17 pages each.
        Assert.True(skip.Probes <= 60, $"{skip.Probes} pages");
        Assert.Equal(skip.Probes, store.Pages);
    }

    [Fact]
    public async Task An_unlistable_first_name_is_found_from_the_start()
    {
        var store = new FakeListing("\u0001x", "b");

        var skip = await store.FindAsync(after: null);

        Assert.NotNull(skip);
        Assert.Equal("", skip.CleanPrefix);
        Assert.Equal(["b"], store.NamesAfter(skip.Marker!));
    }

    [Theory]
    [InlineData(0xFFFE, 0xFFFE, 0xFFFF)]
    [InlineData(0xFFFF, 0xFFFE, 0xFFFF)]
    [InlineData(0xD800, 0xD800, 0xDFFF)]
    [InlineData(0xDC00, 0xD800, 0xDFFF)]
    [InlineData(0x000B, 0x000B, 0x000C)]
    [InlineData(0x001F, 0x000E, 0x001F)]
    public async Task Every_range_of_characters_XML_cannot_carry_is_recognised(int badCharacter, int from, int to)
    {
        // Built here: a test runner's serialisation would mangle a lone surrogate in the data.
        var bad = "m" + (char)badCharacter + "x";
        var store = new FakeListing("a", bad, "n", "z");

        var skip = await store.FindAsync(after: "a");

        Assert.NotNull(skip);
        Assert.Equal("m", skip.CleanPrefix);
        Assert.Equal(((char)from, (char)to), (skip.BadFrom, skip.BadTo));
        // A marker lists the names after it: the one equal to it is looked up on its own.
        Assert.Equal(["n", "z"], store.NamesFrom(skip.Marker!));
    }

    [Fact]
    public async Task A_name_that_begins_with_U_FFFF_ends_the_listing()
    {
        var store = new FakeListing("a", "\uFFFFx");

        var skip = await store.FindAsync(after: "a");

        Assert.NotNull(skip);
        Assert.Null(skip.Marker);
        Assert.Equal(('\uFFFE', '\uFFFF'), (skip.BadFrom, skip.BadTo));
    }

    [Fact]
    public async Task The_search_gives_up_when_its_pages_run_out()
    {
        var store = new FakeListing("a", "some/long/folder/name\0", "z");

        Assert.Null(await store.FindAsync(after: "a", maxProbes: 10));
        Assert.Equal(10, store.Pages);
    }

    /// <summary>With one unlistable name among ordinary ones, the way past it never passes over an ordinary name.</summary>
    [Fact]
    public async Task No_listable_name_lies_between_the_unlistable_one_and_the_way_past_it()
    {
        var random = new Random(16);
        char[] alphabet = ['a', 'b', 'm', 'z', '/', '.', '\t', '\u00E9', '\uFFFD', '\uE000', '\uD7FF', '\u0000', '\u0001', '\u001F', '\uFFFE', '\uD800'];
        for (var run = 0; run < 300; run++)
        {
            var names = new SortedSet<string>(StringComparer.Ordinal);
            while (names.Count < 30)
                names.Add(RandomName(random, alphabet[..10]));
            string bad;
            do
                bad = RandomName(random, alphabet[..10]) + alphabet[random.Next(11, alphabet.Length)] + RandomName(random, alphabet);
            while (names.Contains(bad));
            names.Add(bad);
            var after = names.Where(n => string.CompareOrdinal(n, bad) < 0).LastOrDefault();
            var store = new FakeListing([.. names]);

            var skip = await store.FindAsync(after);

            Assert.True(skip is not null, $"run {run}: no way past {XmlNameChars.Escape(bad)} after {XmlNameChars.Escape(after)}");
            // No marker: every name after it is unlistable too.
            Assert.True(skip.Marker is null || string.CompareOrdinal(skip.Marker, bad) > 0, $"run {run}: marker before the name");
            var passedOver = names.Where(n => string.CompareOrdinal(n, bad) > 0 && (skip.Marker is null || string.CompareOrdinal(n, skip.Marker) < 0));
            Assert.All(passedOver, n => Assert.False(FakeListing.Listable(n), $"run {run}: passed over {XmlNameChars.Escape(n)}"));
        }
    }

    private static string RandomName(Random random, char[] alphabet)
    {
        var length = random.Next(0, 5);
        return string.Concat(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]));
    }

    private sealed class FakeListing(params string[] names)
    {
        private readonly string[] _names = [.. names.Order(StringComparer.Ordinal)];

        public int Pages { get; private set; }

        public static bool Listable(string name) => name.All(XmlNameChars.IsSafe);

        public IEnumerable<string> NamesAfter(string marker) => _names.Where(n => string.CompareOrdinal(n, marker) > 0);

        public IEnumerable<string> NamesFrom(string marker) => _names.Where(n => string.CompareOrdinal(n, marker) >= 0);

        public ValueTask<UnlistableNameSkip?> FindAsync(string? after, int maxProbes = 2000) =>
            UnlistableNameSearch.FindAsync(after, (marker, _) =>
            {
                Assert.True(Listable(marker), "a marker storage would have to echo");
                Pages++;
                var next = NamesAfter(marker).FirstOrDefault();
                return ValueTask.FromResult(next is null || Listable(next));
            }, maxProbes, CancellationToken.None);
    }
}

using System.Runtime.CompilerServices;
using IngestWorker.Storage;
using IngestWorker.Triggers;

namespace IngestWorker.Tests;

public sealed class ScanListingTests
{
    private const string Version = "3";
    private const string Container = "incoming";
    private static readonly DateTimeOffset ServerTime = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private static InputBlob Input(string name, string etag = "\"0x1\"") => new(name, etag, 100, ServerTime.AddDays(-1));

    // The outcome the worker writes for the input version (its receipt), as a listing with metadata shows it.
    private static ListedOutcome Receipt(InputBlob input) => new("accepted", BlobNames.Output(input.Name), BlobNames.BareETag(input.ETag), Version, "accepted");

    [Fact]
    public async Task A_blob_is_marked_receipted_exactly_when_its_version_has_an_outcome()
    {
        var longName = "long/" + new string('x', 1100);
        var inputs = new[]
        {
            Input("a"), Input("a.txt"), Input("a/b.txt"), Input("a/b.txt", "\"0x2\""), Input("a@b.txt"), Input("ab"),
            Input(longName), Input("new.txt"), Input("overwritten.txt", "\"0x9\""), Input("z"),
        }.DistinctBy(i => i.Name).ToList();
        var receipted = new HashSet<string>(StringComparer.Ordinal) { "a", "a.txt", "a/b.txt", "a@b.txt", "ab", longName, "z" };
        var receipts = inputs.Where(i => receipted.Contains(i.Name)).Select(Receipt)
            .Append(Receipt(Input("overwritten.txt", "\"0x8\"")))
            .Append(Receipt(Input("deleted.txt")));
        var listing = new ScanListing(new ListedInputs(inputs), new ListedReceipts(receipts), Version);
        var counts = new ScanListingCounts();

        var rows = await listing.ListAsync(withReceipts: true, _ => { }, counts, default).ToListAsync();

        Assert.Equal(inputs.Select(i => i.Name).Order(StringComparer.Ordinal), rows.Select(r => r.Blob.Name).Order(StringComparer.Ordinal));
        // A shortened outcome name defeats the merge: that one is left to a direct look-up. ('@' in a
        // name defeated the merge with receipts, whose names ended in '@' and the ETag; no longer.)
        var expected = receipted.Except([longName]).Order(StringComparer.Ordinal);
        Assert.Equal(expected, rows.Where(r => r.Receipted).Select(r => r.Blob.Name).Order(StringComparer.Ordinal));
        Assert.Equal(inputs.Count, counts.Listed);
        Assert.Equal(6, counts.Receipted);
        Assert.Equal(1, counts.NotJoinable);
        Assert.Equal(0, counts.OutOfOrder);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Random_containers_are_marked_as_an_outcome_lookup_would_mark_them(int seed)
    {
        var random = new Random(seed);
        const string alphabet = " -./09AZ_az~é";
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (names.Count < 3000)
            names.Add(new string(Enumerable.Range(0, random.Next(1, 7)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()));
        var inputs = names.Select(n => Input(n, $"\"0x{random.Next(3)}\"")).ToList();
        // One outcome per name: of the input's version, or of an older one.
        var receipts = new HashSet<ListedOutcome>();
        foreach (var input in inputs)
        {
            if (random.Next(5) == 0)
                receipts.Add(Receipt(input with { ETag = $"\"0x{random.Next(3) + 3}\"" }));
            else if (random.Next(4) > 0)
                receipts.Add(Receipt(input));
        }
        var listing = new ScanListing(new ListedInputs(inputs, pageSize: 100), new ListedReceipts(receipts, pageSize: 70), Version);

        var rows = await listing.ListAsync(withReceipts: true, _ => { }, new ScanListingCounts(), default).ToListAsync();

        Assert.Equal(inputs.Count, rows.Count);
        // Names unsafe to address ("a/", "./b") have hashed outcome names the merge cannot place:
        // they are left unmarked, for the processor's direct look-up.
        Assert.All(rows, row => Assert.Equal(receipts.Contains(Receipt(row.Blob)) && !BlobNames.IsHashed(row.Blob.Name), row.Receipted));
        Assert.Contains(rows, row => BlobNames.IsHashed(row.Blob.Name));
    }

    [Fact]
    public async Task The_listing_start_is_told_once_before_the_first_blob()
    {
        var listing = new ScanListing(new ListedInputs([Input("a"), Input("b")]), new ListedReceipts([Receipt(Input("a"))]), Version);
        var told = new List<(DateTimeOffset At, int BlobsBefore)>();
        var seen = 0;

        await foreach (var _ in listing.ListAsync(withReceipts: true, t => told.Add((t, seen)), new ScanListingCounts(), default))
            seen++;

        Assert.Equal(new[] { (ServerTime, 0) }, told);
    }

    [Fact]
    public async Task The_outcome_listing_is_left_once_every_blob_is_placed()
    {
        // Outcomes of deleted inputs beyond the last name (here without end) cost nothing to a scan.
        var receipts = new EndlessReceipts();
        var listing = new ScanListing(new ListedInputs([Input("a"), Input("b")]), receipts, Version);

        var rows = await listing.ListAsync(withReceipts: true, _ => { }, new ScanListingCounts(), default).ToListAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(new[] { "a", "b" }, rows.Select(r => r.Blob.Name));
        Assert.True(receipts.Stopped.Task.IsCompleted, "the outcome listing should have been stopped");
    }

    [Fact]
    public async Task Without_receipts_nothing_but_the_blob_listing_is_read()
    {
        var receipts = new ListedReceipts([Receipt(Input("a"))]);
        var listing = new ScanListing(new ListedInputs([Input("a"), Input("b")]), receipts, Version);
        var counts = new ScanListingCounts();
        DateTimeOffset? told = null;

        var rows = await listing.ListAsync(withReceipts: false, t => told = t, counts, default).ToListAsync();

        Assert.All(rows, r => Assert.False(r.Receipted));
        Assert.Equal(2, counts.Listed);
        Assert.Equal(ServerTime, told);
        Assert.Equal(0, receipts.Listings);
    }

    [Fact]
    public async Task Read_ahead_runs_ahead_of_its_reader_and_stops_with_it()
    {
        var produced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await using var reader = Source().ReadAheadAsync(capacity: 8).GetAsyncEnumerator();
        Assert.True(await reader.MoveNextAsync());
        // The third item exists before the reader asks for the second.
        await produced.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await reader.DisposeAsync();
        await stopped.Task.WaitAsync(TimeSpan.FromSeconds(30));

        async IAsyncEnumerable<int> Source([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            try
            {
                for (var i = 1; ; i++)
                {
                    await Task.Yield();
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return i;
                    if (i == 3)
                        produced.TrySetResult();
                }
            }
            finally
            {
                stopped.TrySetResult();
            }
        }
    }

    [Fact]
    public async Task Read_ahead_hands_on_the_source_failure()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await Failing().ReadAheadAsync(4).ToListAsync());
        Assert.Equal("page 2 failed", error.Message);

        static async IAsyncEnumerable<int> Failing()
        {
            yield return 1;
            await Task.Yield();
            throw new InvalidOperationException("page 2 failed");
        }
    }

    private sealed class ListedInputs(IEnumerable<InputBlob> blobs, int pageSize = 5000) : IInputStore
    {
        public string ContainerName => Container;

        public async IAsyncEnumerable<InputBlob> ListAsync(Action<DateTimeOffset>? listingStarted, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            listingStarted?.Invoke(ServerTime);
            var i = 0;
            foreach (var blob in blobs.OrderBy(b => b.Name, StringComparer.Ordinal))
            {
                if (++i % pageSize == 0)
                    await Task.Yield();
                yield return blob;
            }
        }

        public ValueTask<InputRead> ReadAsync(InputBlob input, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class ListedReceipts(IEnumerable<ListedOutcome> outcomes, int pageSize = 5000) : IOutcomeReceipts
    {
        public int Listings { get; private set; }

        public ValueTask<FoundOutcome?> FindAsync(InputBlob input, CancellationToken cancellationToken) => throw new NotSupportedException();

        public async IAsyncEnumerable<ListedOutcome> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Listings++;
            var i = 0;
            foreach (var outcome in outcomes.OrderBy(o => o.Name, StringComparer.Ordinal))
            {
                if (++i % pageSize == 0)
                    await Task.Yield();
                yield return outcome;
            }
        }
    }

    private sealed class EndlessReceipts : IOutcomeReceipts
    {
        public TaskCompletionSource Stopped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask<FoundOutcome?> FindAsync(InputBlob input, CancellationToken cancellationToken) => throw new NotSupportedException();

        public async IAsyncEnumerable<ListedOutcome> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            try
            {
                yield return Receipt(Input("a"));
                for (var i = 0; ; i++)
                {
                    await Task.Yield();
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return Receipt(Input($"gone/{i:D9}"));
                }
            }
            finally
            {
                Stopped.TrySetResult();
            }
        }
    }
}

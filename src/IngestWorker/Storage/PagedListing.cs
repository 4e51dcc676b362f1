using System.Diagnostics;
using System.Runtime.CompilerServices;
using Azure;

namespace IngestWorker.Storage;

/// <summary>The page loop of every listing (the worker's and the operator commands'), one storage call per page.</summary>
public static class PagedListing
{
    /// <summary>
    /// The pages from <paramref name="fetchPage"/> (given the continuation token; null: nothing to
    /// list), each fetched under the retry policy, so a failure retries that page rather than the
    /// whole listing; between pages the listing gives way to blobs in processing (<see cref="ListingPace"/>;
    /// none: it never waits).
    /// </summary>
    public static async IAsyncEnumerable<Page<T>> PagesAsync<T>(StorageResilience resilience, ListingPace? pace,
        Func<string?, CancellationToken, ValueTask<Page<T>?>> fetchPage, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : notnull
    {
        string? continuation = null;
        var lastPage = TimeSpan.Zero;
        do
        {
            if (pace is not null)
                await pace.BeforeNextPageAsync(lastPage, cancellationToken).ConfigureAwait(false);
            var token = continuation;
            // Timed per try: a page that needed a retry would otherwise make the next pause as long as the retries.
            var asked = 0L;
            var page = await resilience.RunAsync(ct =>
            {
                asked = Stopwatch.GetTimestamp();
                return fetchPage(token, ct);
            }, cancellationToken).ConfigureAwait(false);
            if (page is null)
                yield break;
            lastPage = Stopwatch.GetElapsedTime(asked);
            yield return page;
            continuation = page.ContinuationToken;
        }
        while (!string.IsNullOrEmpty(continuation));
    }

    /// <summary>The first page of an SDK pager started at a continuation token, or null when it yields none.</summary>
    public static async ValueTask<Page<T>?> FirstAsync<T>(IAsyncEnumerable<Page<T>> pages, CancellationToken cancellationToken)
        where T : notnull
    {
        await foreach (var page in pages.WithCancellation(cancellationToken).ConfigureAwait(false))
            return page;
        return null;
    }
}

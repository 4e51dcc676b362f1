using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Xml;
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

    /// <summary>
    /// Like the other overload, and a name storage cannot list does not stop the listing (Azurite
    /// answers the page holding it with HTTP 500 and no body, which the SDK reports as an
    /// <see cref="XmlException"/>; no retry changes that). From the last good place the page size is
    /// halved until every name before it is handed out; then <paramref name="unlistable"/> finds
    /// the way past it and reports the name; where there is none, the listing ends there. Either way
    /// the listing counts as incomplete (<see cref="UnlistableNames.IncompleteListings"/>): it ends
    /// normally, so that every name it did list reaches its reader (a merge reads a name ahead).
    /// </summary>
    public static async IAsyncEnumerable<Page<T>> PagesAsync<T>(StorageResilience resilience, ListingPace? pace, ListingSource<T> source,
        UnlistableNames unlistable, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : notnull
    {
        string? continuation = null;
        var size = source.PageSize;
        var lastPage = TimeSpan.Zero;
        // Azurite's marker is the page's last name; only then can a marker past a name be built.
        var markersAreNames = true;
        var wentPast = 0;
        while (true)
        {
            if (pace is not null)
                await pace.BeforeNextPageAsync(lastPage, cancellationToken).ConfigureAwait(false);
            var token = continuation;
            var asked = 0L;
            Page<T>? page = null;
            Exception? unreadable = null;
            try
            {
                page = await resilience.RunAsync(ct =>
                {
                    asked = Stopwatch.GetTimestamp();
                    return source.Fetch(token, null, size, ct);
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsUnreadable(e))
            {
                unreadable = e;
            }
            if (unreadable is not null)
            {
                if (size > 1)
                {
                    // A smaller page from the same place still holds the names before the unlistable one.
                    size /= 2;
                    continue;
                }
                var skip = await unlistable.FindSkipAsync(source.Kind, source.Description, token, markersAreNames,
                    (marker, ct) => ListsPastAsync(resilience, source, marker, ct), cancellationToken).ConfigureAwait(false);
                wentPast++;
                if (skip?.Marker is null)
                {
                    unlistable.ListingIncomplete(source.Kind);
                    yield break;
                }
                if (await ExactNameAsync(resilience, source, skip.Marker, cancellationToken).ConfigureAwait(false) is { } exact)
                    yield return exact;
                continuation = skip.Marker;
                size = source.PageSize;
                lastPage = TimeSpan.Zero;
                continue;
            }
            if (page is not null)
            {
                lastPage = Stopwatch.GetElapsedTime(asked);
                yield return page;
                continuation = page.ContinuationToken;
            }
            if (page is null || string.IsNullOrEmpty(continuation))
            {
                if (wentPast > 0)
                    unlistable.ListingIncomplete(source.Kind);
                yield break;
            }
            markersAreNames &= page.Values.Count > 0 && source.NameOf(page.Values[^1]) == continuation;
            size = Math.Min(source.PageSize, size * 2);
        }
    }

    /// <summary>A page the client could not read (not a failure storage would answer differently if asked again).</summary>
    public static bool IsUnreadable(Exception e) => e is XmlException || e.InnerException is XmlException;

    private static async ValueTask<bool> ListsPastAsync<T>(StorageResilience resilience, ListingSource<T> source, string marker, CancellationToken cancellationToken)
        where T : notnull
    {
        try
        {
            await resilience.RunAsync(ct => source.Fetch(marker, null, 1, ct), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (IsUnreadable(e))
        {
            return false;
        }
    }

    // A marker lists the names after it, so the name equal to a skip's marker is asked for on its own:
    // it comes first among the names it begins.
    private static async ValueTask<Page<T>?> ExactNameAsync<T>(StorageResilience resilience, ListingSource<T> source, string name, CancellationToken cancellationToken)
        where T : notnull
    {
        try
        {
            var page = await resilience.RunAsync(ct => source.Fetch(null, name, 1, ct), cancellationToken).ConfigureAwait(false);
            return page is { Values.Count: > 0 } && source.NameOf(page.Values[0]) == name ? page : null;
        }
        catch (Exception e) when (IsUnreadable(e))
        {
            return null;
        }
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

/// <summary>
/// A listing that can go past names storage cannot list: <paramref name="Fetch"/> gets the page
/// after a marker (null: from the start) of at most a given size, under the listing's own prefix
/// or a longer one given.
/// </summary>
/// <param name="Kind">The metric tag: <c>input</c> or <c>outcomes</c>.</param>
/// <param name="Description">The listing as a log line names it.</param>
public sealed record ListingSource<T>(string Kind, string Description, int PageSize, Func<T, string> NameOf,
    Func<string?, string?, int, CancellationToken, ValueTask<Page<T>?>> Fetch)
    where T : notnull;

using System.Collections.Concurrent;
using Azure;
using IngestWorker.Options;
using IngestWorker.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestWorker.Storage;

/// <summary>
/// What the worker's listings do about names storage cannot list (<see cref="XmlNameChars"/>):
/// find the way past one (<see cref="UnlistableNameSearch"/>, remembered so the next listing
/// costs one page to confirm it), and tell the operator which name it is — a warning per name at
/// most every <c>unlistableNameWarningInterval</c>, and the <c>ingestworker.listing.unlistable</c>
/// metric every time.
/// </summary>
public sealed class UnlistableNames(IOptions<IngestWorkerOptions> options, ILogger<UnlistableNames> logger, TimeProvider clock, IngestWorkerMetrics? metrics = null)
{
    // Bounds what an attacker dropping many such names can make the worker remember.
    private const int MaxRemembered = 256;

    private readonly int _maxProbes = options.Value.Trigger.UnlistableNameProbes;
    private readonly TimeSpan _warningInterval = options.Value.Trigger.UnlistableNameWarningInterval;
    private readonly ConcurrentDictionary<(string Listing, string After), UnlistableNameSkip> _skips = new();
    private readonly ConcurrentDictionary<(string Listing, string After), DateTimeOffset> _nextWarning = new();
    private readonly ConcurrentDictionary<string, long> _incomplete = new(StringComparer.Ordinal);

    /// <summary>
    /// Listings of this kind that met a name storage cannot list, and so ended incomplete: they went
    /// past it, so what lies between two such names cannot be proved listed, or stopped at it.
    /// A scanner compares the count before and after its listing.
    /// </summary>
    public long IncompleteListings(string kind) => _incomplete.GetValueOrDefault(kind);

    internal void ListingIncomplete(string kind) => _incomplete.AddOrUpdate(kind, 1, (_, n) => n + 1);

    /// <summary>
    /// The way past the name right after <paramref name="after"/> in a listing, or null when there
    /// is none (markers that are not names, <c>unlistableNameProbes</c> spent or 0): the listing then stops there.
    /// </summary>
    /// <param name="kind">The listing, as the metric's <c>listing</c> tag: <c>input</c> or <c>outcomes</c>.</param>
    /// <param name="listing">The listing, for the log line.</param>
    /// <param name="listsPast">Whether the one-name page after a marker can be read.</param>
    /// <param name="markersAreNames">Whether the storage's markers are names, so that markers can be built.</param>
    public async ValueTask<UnlistableNameSkip?> FindSkipAsync(string kind, string listing, string? after, bool markersAreNames,
        Func<string, CancellationToken, ValueTask<bool>> listsPast, CancellationToken cancellationToken)
    {
        var key = (listing, after ?? "");
        UnlistableNameSkip? skip = null;
        try
        {
            if (!markersAreNames)
                skip = null;
            else if (_skips.TryGetValue(key, out var known) && known.Marker is { } marker && await listsPast(marker, cancellationToken).ConfigureAwait(false))
                skip = known;
            else if (_maxProbes > 0)
                skip = await UnlistableNameSearch.FindAsync(after, listsPast, _maxProbes, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (!StorageResilience.IsTransient(e, cancellationToken))
        {
            // Storage whose markers are not names refuses the ones built here: no way past.
        }
        if (skip is null)
        {
            _skips.TryRemove(key, out _);
        }
        else
        {
            if (_skips.Count >= MaxRemembered)
                _skips.Clear();
            _skips[key] = skip;
        }
        Report(kind, listing, after, skip);
        return skip;
    }

    private void Report(string kind, string listing, string? after, UnlistableNameSkip? skip)
    {
        metrics?.ListingUnlistable(kind, skip is not null);
        var key = (listing, after ?? "");
        var now = clock.GetUtcNow();
        if (_nextWarning.TryGetValue(key, out var next) && now < next)
            return;
        if (_nextWarning.Count >= MaxRemembered)
            _nextWarning.Clear();
        _nextWarning[key] = now + _warningInterval;
        var where = after is null ? "at its start" : $"right after '{XmlNameChars.Escape(after)}'";
        if (skip is { Marker: null })
            logger.LogWarning("Storage cannot list a name of {Listing} {Where}: it begins {Name}, a character no listing can carry, and so does every name after it; the listing ends there. Those blobs cannot be processed until they are deleted or renamed.",
                listing, where, skip.Describe());
        else if (skip is not null)
            logger.LogWarning("Storage cannot list a name of {Listing} {Where}: it begins {Name}, a character no listing can carry. The listing goes on past it (found in {Probes} one-name pages); that blob cannot be processed until it is deleted or renamed.",
                listing, where, skip.Describe(), skip.Probes);
        else
            logger.LogWarning("Storage cannot list the name of {Listing} {Where} (a character no listing can carry, or a page storage cannot read), and the listing cannot get past it: it stops there. Blobs listed before it are processed; those after it wait until that blob is deleted or renamed.",
                listing, where);
    }
}

namespace IngestWorker.Storage;

/// <summary>
/// Where a listing can go on past a name it cannot list: the name's part before its first
/// character a listing cannot carry (<see cref="CleanPrefix"/>), the range that character lies in,
/// and the marker to list on from. Every name between the unlistable one and <see cref="Marker"/>
/// begins with <see cref="CleanPrefix"/> and a character of that range, so it cannot be listed
/// either; the name equal to <see cref="Marker"/> (a marker lists only names after it) is looked up
/// on its own. No marker: every name after it is unlistable too (it begins with U+FFFE or U+FFFF),
/// the listing is over.
/// </summary>
public sealed record UnlistableNameSkip(string? After, string CleanPrefix, char BadFrom, char BadTo, string? Marker, int Probes)
{
    /// <summary>The name as far as it can be known, for a log line: <c>prefix\u0000…</c> style.</summary>
    public string Describe() =>
        BadFrom == BadTo
            ? $"'{XmlNameChars.Escape(CleanPrefix)}' followed by U+{(int)BadFrom:X4}"
            : $"'{XmlNameChars.Escape(CleanPrefix)}' followed by a character in U+{(int)BadFrom:X4}–U+{(int)BadTo:X4}";
}

/// <summary>
/// Finds <see cref="UnlistableNameSkip"/> for the name right after a marker, by listing one name
/// after markers it builds. Works where markers are names (Azurite's are: a page's marker is its
/// last name, and a page lists the names after it); elsewhere the caller gives up.
/// </summary>
/// <remarks>
/// The unlistable name U is the first name after <c>after</c>, so a one-name page after a marker
/// M (with <c>after</c> ≤ M &lt; U) holds U and fails: a page that can be read proves M ≥ U. The
/// search narrows U down a character at a time: first the part it shares with <c>after</c>
/// (binary search over "after, cut at j, next character raised"), then each further character by
/// binary search over the characters a marker may hold, until the character after the known part
/// is one no listing can carry. About 17 one-name pages per character of the name's clean part
/// beyond what it shares with <c>after</c>. With a single unlistable name the way past it passes
/// over no other name. A failed page cannot say which name failed, though: with a second one
/// after it, a marker past the first can look short of it, and the way found may pass over
/// listable names between the two; the listing is then incomplete (<see cref="UnlistableNames"/>)
/// and they come up once the unlistable names are deleted.
/// </remarks>
public static class UnlistableNameSearch
{
    /// <summary>Longest blob name storage accepts; a longer known part means the search went astray.</summary>
    private const int MaxNameLength = 1024;

    /// <param name="after">The last marker from which a page could not be read (null: the listing's start).</param>
    /// <param name="listsPast">Whether the one-name page after a marker can be read.</param>
    /// <param name="maxProbes">Most pages to ask for; null when they do not suffice.</param>
    public static async ValueTask<UnlistableNameSkip?> FindAsync(string? after, Func<string, CancellationToken, ValueTask<bool>> listsPast,
        int maxProbes, CancellationToken cancellationToken)
    {
        var probes = 0;
        var floor = after ?? "";

        async ValueTask<bool> Past(string marker)
        {
            // The unlistable name is the first after `after`: no marker up to it gets past it.
            if (string.CompareOrdinal(marker, floor) <= 0)
                return false;
            if (probes >= maxProbes)
                throw new OutOfProbes();
            probes++;
            return await listsPast(marker, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var known = await SharedWithAfterAsync(floor, Past).ConfigureAwait(false);
            while (known.Length <= MaxNameLength)
            {
                // Smallest marker character c with known+c at or past the unlistable name (SafeCount: none).
                int lo = 0, hi = XmlNameChars.SafeCount;
                while (lo < hi)
                {
                    var mid = lo + (hi - lo) / 2;
                    if (await Past(known + XmlNameChars.SafeAt(mid)).ConfigureAwait(false))
                        hi = mid;
                    else
                        lo = mid + 1;
                }
                char? below = lo > 0 ? XmlNameChars.SafeAt(lo - 1) : null;
                var badFrom = below is { } b ? b + 1 : 0;
                var badTo = lo < XmlNameChars.SafeCount ? XmlNameChars.SafeAt(lo) - 1 : 0xFFFF;
                // Next character: `below` (the name goes on), or one no listing carries (the gap up to the found one).
                if (badFrom > badTo || (below is { } c && await Past(known + c + '\uFFFD').ConfigureAwait(false)))
                {
                    known += below!.Value;
                    continue;
                }
                var marker = lo < XmlNameChars.SafeCount ? known + XmlNameChars.SafeAt(lo) : Raised(known);
                return new UnlistableNameSkip(after, known, (char)badFrom, (char)badTo, marker, probes);
            }
            return null;
        }
        catch (OutOfProbes)
        {
            return null;
        }
    }

    /// <summary>
    /// The longest start of <paramref name="after"/> that the unlistable name shares: a readable page
    /// after "after cut at j with its character j raised" proves the name lies between, so shares
    /// after's first j characters. Names in folders share most of their name with their neighbour.
    /// </summary>
    private static async ValueTask<string> SharedWithAfterAsync(string after, Func<string, ValueTask<bool>> past)
    {
        int lo = 0, hi = after.Length;
        // Largest j in [0, after.Length) whose raised marker is past the name; lo: shared so far.
        var shared = 0;
        while (lo < hi)
        {
            var mid = lo + (hi - lo) / 2;
            var raised = XmlNameChars.SafeAbove(after[mid]) is { } up ? after[..mid] + up : null;
            if (raised is not null && await past(raised).ConfigureAwait(false))
            {
                shared = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return after[..shared];
    }

    /// <summary>The smallest marker after every name that starts with <paramref name="known"/> (null: none).</summary>
    private static string? Raised(string known)
    {
        for (var j = known.Length - 1; j >= 0; j--)
        {
            if (XmlNameChars.SafeAbove(known[j]) is { } up)
                return known[..j] + up;
        }
        return null;
    }

    private sealed class OutOfProbes : Exception;
}

using System.Runtime.CompilerServices;

namespace IngestWorker.Storage;

/// <summary>Merges the listings of the outcome containers into one, by name, holding one outcome of each.</summary>
public static class OutcomeListings
{
    /// <param name="listings">Each in the order storage lists it (ordinal by name).</param>
    /// <returns>
    /// Every outcome once, in ordinal order of name if each listing was; outcomes of one name from
    /// several containers in the order of <paramref name="listings"/>.
    /// </returns>
    public static async IAsyncEnumerable<ListedOutcome> MergeByNameAsync(IReadOnlyList<IAsyncEnumerable<ListedOutcome>> listings,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var enumerators = listings.Select(l => l.GetAsyncEnumerator(cancellationToken)).ToArray();
        var current = new ListedOutcome?[enumerators.Length];
        try
        {
            for (var i = 0; i < enumerators.Length; i++)
                current[i] = await enumerators[i].MoveNextAsync().ConfigureAwait(false) ? enumerators[i].Current : null;
            while (true)
            {
                var next = -1;
                for (var i = 0; i < current.Length; i++)
                {
                    if (current[i] is { } candidate && (next < 0 || string.CompareOrdinal(candidate.Name, current[next]!.Name) < 0))
                        next = i;
                }
                if (next < 0)
                    yield break;
                yield return current[next]!;
                current[next] = await enumerators[next].MoveNextAsync().ConfigureAwait(false) ? enumerators[next].Current : null;
            }
        }
        finally
        {
            foreach (var enumerator in enumerators)
                await enumerator.DisposeAsync().ConfigureAwait(false);
        }
    }
}

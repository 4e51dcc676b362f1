using System.Runtime.CompilerServices;

namespace IngestWorker.Storage;

/// <summary>How an input version and the outcomes of its name relate, under one pipeline version.</summary>
public enum OutcomeMatch
{
    /// <summary>An outcome of its name carries the input's current ETag and the pipeline version: it is finished.</summary>
    Done,

    /// <summary>No outcome of its name carries its current ETag and the pipeline version: it is unprocessed.</summary>
    NotDone,

    /// <summary>
    /// An input whose outcome name cannot be placed in listing order (it stands for the input by a
    /// hash, or was shortened to fit): look its outcome up directly.
    /// </summary>
    InputNotJoinable,

    /// <summary>Outcomes of a name no listed input has (the input was deleted), or whose name hides its input (hashed, shortened).</summary>
    OutcomeWithoutInput,
}

/// <param name="Outcomes">The outcomes listed under the input's outcome name (usually one; two while an outcome moves between containers).</param>
/// <param name="Receipt">The one of them that finishes the input's version, when <paramref name="Match"/> is <see cref="OutcomeMatch.Done"/>.</param>
public readonly record struct OutcomeJoinRow(OutcomeMatch Match, InputBlob? Input, IReadOnlyList<ListedOutcome> Outcomes, ListedOutcome? Receipt = null);

/// <summary>
/// Pairs the listing of an input container with the merged listing of the outcome containers
/// (<see cref="OutcomeListings"/>) in one pass over each, holding only a few names at a time, so
/// that containers of any size can be compared without a set of names in memory.
/// </summary>
/// <remarks>
/// Storage lists both by name, but not in the same order: an outcome's name is the input's key
/// followed by <see cref="BlobNames.OutputSuffix"/> (<c>.json</c>), so <c>a</c> lists before
/// <c>a-b</c> among inputs while <c>a-b.json</c> lists before <c>a.json</c> among outcomes. Two
/// names keep their order unless one is a prefix of the other: <c>x</c> lists before <c>x+t</c>,
/// and its outcome after, exactly when <c>t + ".json"</c> sorts before <c>".json"</c>, that is when
/// <c>t</c> sorts before <c>".json"</c>. That set of <c>t</c> is closed downwards, so once a name
/// is followed by an extension that does not sort below it, no later name can; the inputs are put
/// into outcome order by letting a name wait only while the names that follow extend it below it.
/// Such waiting names form a chain, each a prefix of the next, so at most one name per length
/// waits. (The receipts of earlier layouts were paired the same way with <c>@</c> and the ETag as
/// the suffix.) Hashed and shortened outcome names hide their input's name; both are rare and are
/// handed back as not joinable for a direct look-up. An outcome's name no longer carries the ETag:
/// whether it finishes the input's current version is in its metadata.
/// Names are compared by UTF-16 code unit (ordinal), the order Azurite lists in.
/// </remarks>
public sealed class OutcomeJoin(string pipelineVersion)
{
    /// <summary>
    /// How many listed names came out of the expected order. Not zero means the service lists in an
    /// order other than ordinal, and some pairs were missed (counted as unprocessed).
    /// </summary>
    public long OutOfOrder { get; private set; }

    /// <param name="inputsByName">The input container's listing, in the order storage returns it.</param>
    /// <param name="outcomesByName">The outcome containers' listings merged by name (<see cref="OutcomeListings.MergeByNameAsync"/>).</param>
    public async IAsyncEnumerable<OutcomeJoinRow> JoinAsync(
        IAsyncEnumerable<InputBlob> inputsByName,
        IAsyncEnumerable<ListedOutcome> outcomesByName,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var inputs = InOutcomeOrderAsync(inputsByName, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using var outcomes = outcomesByName.GetAsyncEnumerator(cancellationToken);
        string? inputKey = null, lastInputKey = null, lastOutcomeName = null;
        InputBlob? input = null;
        List<ListedOutcome>? group = null;
        ListedOutcome? ahead = null;
        bool inputsDone = false, outcomesDone = false;

        while (true)
        {
            while (input is null && !inputsDone)
            {
                if (!await inputs.MoveNextAsync().ConfigureAwait(false))
                {
                    inputsDone = true;
                    break;
                }
                var (key, next) = inputs.Current;
                if (key is null)
                {
                    yield return new(OutcomeMatch.InputNotJoinable, next, []);
                    continue;
                }
                CheckOrder(ref lastInputKey, key);
                (input, inputKey) = (next, key);
            }
            while (group is null && (ahead is not null || !outcomesDone))
            {
                if (ahead is null)
                {
                    if (!await outcomes.MoveNextAsync().ConfigureAwait(false))
                    {
                        outcomesDone = true;
                        break;
                    }
                    ahead = outcomes.Current;
                }
                var first = ahead;
                ahead = null;
                if (BlobNames.InputNameOfOutput(first.Name) is not { } inputName || BlobNames.IsHashed(inputName))
                {
                    yield return new(OutcomeMatch.OutcomeWithoutInput, null, [first]);
                    continue;
                }
                // The other outcomes of the same name (another container's) follow at once.
                group = [first];
                while (!outcomesDone)
                {
                    if (!await outcomes.MoveNextAsync().ConfigureAwait(false))
                    {
                        outcomesDone = true;
                        break;
                    }
                    if (outcomes.Current.Name != first.Name)
                    {
                        ahead = outcomes.Current;
                        break;
                    }
                    group.Add(outcomes.Current);
                }
                CheckOrder(ref lastOutcomeName, first.Name);
            }

            if (input is null && group is null)
                yield break;
            var order = input is null ? 1 : group is null ? -1 : string.CompareOrdinal(inputKey, group[0].Name);
            if (order == 0)
            {
                var receipt = group!.Find(o => o.IsReceiptOf(input!, pipelineVersion));
                yield return new(receipt is not null ? OutcomeMatch.Done : OutcomeMatch.NotDone, input, group, receipt);
                (input, group) = (null, null);
            }
            else if (order < 0)
            {
                yield return new(OutcomeMatch.NotDone, input, []);
                input = null;
            }
            else
            {
                yield return new(OutcomeMatch.OutcomeWithoutInput, null, group!);
                group = null;
            }
        }
    }

    /// <summary>The inputs in the order of their outcome names, each with that name (null: not joinable).</summary>
    private static async IAsyncEnumerable<(string? Key, InputBlob Input)> InOutcomeOrderAsync(
        IAsyncEnumerable<InputBlob> inputsByName, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Each waiting name is a proper prefix of the one after it, whose outcome name sorts below its own.
        var waiting = new List<(string Key, InputBlob Input)>();
        await foreach (var input in inputsByName.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (!BlobNames.HasPlainOutputName(input.Name))
            {
                yield return (null, input);
                continue;
            }
            var key = input.Name + BlobNames.OutputSuffix;
            while (waiting.Count > 0)
            {
                var (previousKey, previous) = waiting[^1];
                var extendsBelow = input.Name.Length > previous.Name.Length
                    && input.Name.StartsWith(previous.Name, StringComparison.Ordinal)
                    && string.CompareOrdinal(key, previousKey) < 0;
                if (extendsBelow)
                    break;
                // Nothing listed from here on can sort before the previous name's outcome.
                yield return waiting[^1];
                waiting.RemoveAt(waiting.Count - 1);
            }
            waiting.Add((key, input));
        }
        for (var i = waiting.Count - 1; i >= 0; i--)
            yield return waiting[i];
    }

    private void CheckOrder(ref string? last, string key)
    {
        if (last is not null && string.CompareOrdinal(last, key) >= 0)
            OutOfOrder++;
        last = key;
    }
}

using System.Runtime.CompilerServices;

namespace IngestWorker.Storage;

/// <summary>How an input version and a receipt of one pipeline version relate.</summary>
public enum ReceiptMatch
{
    /// <summary>The input's current version has its receipt.</summary>
    Receipted,

    /// <summary>The input's current version has no receipt: it is unprocessed.</summary>
    NoReceipt,

    /// <summary>No listed input has the receipt's name and ETag: that input version was deleted or overwritten.</summary>
    InputVersionGone,

    /// <summary>
    /// An input whose receipt name cannot be placed in listing order (its name contains <c>@</c>, or
    /// its receipt name is shortened or hashed): look its receipt up directly.
    /// </summary>
    InputNotJoinable,

    /// <summary>A receipt that cannot be paired by listing (shortened or hashed name, or an input name containing <c>@</c>).</summary>
    ReceiptNotJoinable,
}

/// <param name="ReceiptName">The receipt's parsed name; null for a shortened or hashed one, whose input name is lost in a hash.</param>
public readonly record struct ReceiptJoinRow<TReceipt>(ReceiptMatch Match, InputBlob? Input, TReceipt? Receipt, ReceiptName? ReceiptName)
    where TReceipt : class;

/// <summary>
/// Pairs the listing of an input container with the listing of its receipts under one pipeline
/// version in one pass over each, holding only a few names at a time, so that containers of any
/// size can be compared without a set of names in memory.
/// </summary>
/// <remarks>
/// Storage lists both by name, but not in the same order: a receipt's name is the input's name
/// followed by <c>@</c> and the ETag, and <c>@</c> sorts after <c>.</c>, <c>/</c>, <c>-</c> and the
/// digits but before the letters. So <c>a</c> lists before <c>a.txt</c> among inputs while
/// <c>a.txt@…</c> lists before <c>a@…</c> among receipts. The inputs are therefore put into receipt
/// order first: an input waits only while the names that follow extend it with a character below
/// <c>@</c>, and such waiting names form a chain, each a prefix of the next, so at most one name
/// per length waits. Names containing <c>@</c> would break that reasoning (<c>a@0x1</c> is both a
/// name and a receipt-like extension of <c>a</c>), and shortened receipt names hide their input's
/// name; both are rare and are handed back as not joinable for a direct look-up.
/// Names are compared by UTF-16 code unit (ordinal), the order Azurite lists in.
/// </remarks>
public sealed class ReceiptJoin(string pipelineVersion, string container)
{
    private readonly string _prefix = BlobNames.ReceiptPrefix(pipelineVersion, container);

    /// <summary>
    /// How many listed names came out of the expected order. Not zero means the service lists in an
    /// order other than ordinal, and some pairs were missed (counted as unprocessed and gone).
    /// </summary>
    public long OutOfOrder { get; private set; }

    /// <param name="inputsByName">The input container's listing, in the order storage returns it.</param>
    /// <param name="receiptsByName">The listing under <see cref="BlobNames.ReceiptPrefix"/>, in the order storage returns it.</param>
    /// <param name="blobNameOf">A listed receipt's full blob name.</param>
    public async IAsyncEnumerable<ReceiptJoinRow<TReceipt>> JoinAsync<TReceipt>(
        IAsyncEnumerable<InputBlob> inputsByName,
        IAsyncEnumerable<TReceipt> receiptsByName,
        Func<TReceipt, string> blobNameOf,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TReceipt : class
    {
        await using var inputs = InReceiptOrderAsync(inputsByName, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using var receipts = receiptsByName.GetAsyncEnumerator(cancellationToken);
        string? inputKey = null, receiptKey = null, lastInputKey = null, lastReceiptKey = null;
        InputBlob? input = null;
        TReceipt? receipt = null;
        ReceiptName? receiptName = null;
        bool inputsDone = false, receiptsDone = false;

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
                    yield return new(ReceiptMatch.InputNotJoinable, next, null, null);
                    continue;
                }
                CheckOrder(ref lastInputKey, key);
                (input, inputKey) = (next, key);
            }
            while (receipt is null && !receiptsDone)
            {
                if (!await receipts.MoveNextAsync().ConfigureAwait(false))
                {
                    receiptsDone = true;
                    break;
                }
                var next = receipts.Current;
                var blobName = blobNameOf(next);
                var parsed = BlobNames.ParseReceipt(blobName);
                if (parsed is null || parsed.Name.Contains('@', StringComparison.Ordinal) || !blobName.StartsWith(_prefix, StringComparison.Ordinal))
                {
                    yield return new(ReceiptMatch.ReceiptNotJoinable, null, next, parsed);
                    continue;
                }
                var key = blobName[_prefix.Length..];
                CheckOrder(ref lastReceiptKey, key);
                (receipt, receiptKey, receiptName) = (next, key, parsed);
            }

            if (input is null && receipt is null)
                yield break;
            var order = input is null ? 1 : receipt is null ? -1 : string.CompareOrdinal(inputKey, receiptKey);
            if (order == 0)
            {
                yield return new(ReceiptMatch.Receipted, input, receipt, receiptName);
                (input, receipt) = (null, null);
            }
            else if (order < 0)
            {
                yield return new(ReceiptMatch.NoReceipt, input, null, null);
                input = null;
            }
            else
            {
                yield return new(ReceiptMatch.InputVersionGone, null, receipt, receiptName);
                receipt = null;
            }
        }
    }

    /// <summary>The inputs in the order of their receipt names, each with that name after the prefix (null: not joinable).</summary>
    private async IAsyncEnumerable<(string? Key, InputBlob Input)> InReceiptOrderAsync(
        IAsyncEnumerable<InputBlob> inputsByName, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Each waiting name is a proper prefix of the one after it, continued by a character below '@'.
        var waiting = new List<(string Key, InputBlob Input)>();
        await foreach (var input in inputsByName.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var key = input.Name + "@" + BlobNames.BareETag(input.ETag);
            // A hashed name (unsafe to address, BlobNames.Key) has a receipt name unrelated to its own.
            var shortened = BlobNames.IsHashed(input.Name)
                || BlobNames.Receipt(pipelineVersion, container, input.Name, input.ETag).Length != _prefix.Length + key.Length;
            if (shortened || input.Name.Contains('@', StringComparison.Ordinal))
            {
                yield return (null, input);
                continue;
            }
            while (waiting.Count > 0)
            {
                var previous = waiting[^1].Input.Name;
                var extendsBelowAt = input.Name.Length > previous.Length
                    && input.Name.StartsWith(previous, StringComparison.Ordinal)
                    && input.Name[previous.Length] < '@';
                if (extendsBelowAt)
                    break;
                // Nothing listed from here on can sort before the previous name's receipt.
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

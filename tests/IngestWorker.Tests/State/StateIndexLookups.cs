using IngestWorker.State;
using IngestWorker.Text.Dedup.Near;

namespace IngestWorker.Tests.State;

/// <summary>Every lookup over <see cref="RandomStateLog"/>'s sets, compared between two indexes.</summary>
internal static class StateIndexLookups
{
    /// <summary>What the compact index hands back for a claim's signature: the b-bit form of a MinHash signature, any other string as it was.</summary>
    public static string Stored(string signature)
    {
        try
        {
            var full = MinHashSignature.FromBase64(signature);
            return BBitMinHashSignature.FromFull(full, StateIndex.BandSignatureBits).ToString();
        }
        catch (FormatException)
        {
            return signature;
        }
    }

    public static BandEntry? Stored(BandEntry? entry) => entry is null ? null : entry with { Signature = Stored(entry.Signature) };

    public static void AssertSame(ReferenceStateIndex expected, StateIndex actual) =>
        AssertSame(expected.Sequence, expected.DocumentCount, expected.DocumentOf, expected.RepresentativeOf, expected.OwnerOfHash,
            (b, k) => Stored(expected.OwnerOfBand(b, k)), expected.HasObserved, expected.LineCount, actual);

    public static void AssertSame(StateIndex expected, StateIndex actual) =>
        AssertSame(expected.Sequence, expected.DocumentCount, expected.DocumentOf, expected.RepresentativeOf, expected.OwnerOfHash,
            expected.OwnerOfBand, expected.HasObserved, expected.LineCount, actual);

    private static void AssertSame(
        long sequence, int documents,
        Func<string, string, DocumentRecord?> documentOf,
        Func<string, string, string?> representativeOf,
        Func<string, IngestWorker.Text.Dedup.HashOwner?> ownerOfHash,
        Func<int, ulong, BandEntry?> ownerOfBand,
        Func<string, string, bool> hasObserved,
        Func<string, ulong, int> lineCount,
        StateIndex actual)
    {
        Assert.Equal(sequence, actual.Sequence);
        Assert.Equal(documents, actual.DocumentCount);
        foreach (var container in RandomStateLog.Containers.Append("unknown"))
        {
            foreach (var name in RandomStateLog.Names.Append("unknown"))
            {
                var record = documentOf(container, name);
                Assert.Equal(record, actual.DocumentOf(container, name));
                Assert.Equal(representativeOf(container, name), actual.RepresentativeOf(container, name));
                foreach (var etag in RandomStateLog.ETags)
                    Assert.Equal(record?.ETag == etag, actual.HasDecided(container, name, etag));
            }
        }
        foreach (var hash in RandomStateLog.Hashes.Append(new string('0', 64)))
            Assert.Equal(ownerOfHash(hash), actual.OwnerOfHash(hash));
        foreach (var band in RandomStateLog.BandNumbers.Append(2).Append(-1))
        {
            foreach (var key in RandomStateLog.BandKeys.Append(7UL))
                Assert.Equal(ownerOfBand(band, key), actual.OwnerOfBand(band, key));
        }
        foreach (var site in RandomStateLog.Sites.Append("unknown.example"))
        {
            foreach (var id in RandomStateLog.DocumentIds)
                Assert.Equal(hasObserved(site, id), actual.HasObserved(site, id));
            foreach (var key in RandomStateLog.LineKeys.Append(12345UL))
                Assert.Equal(lineCount(site, key), actual.LineCount(site, key));
        }
    }
}

namespace IngestWorker.Storage;

/// <summary>How the worker names the blobs it writes. Every name derives from the input's name, so outcomes are traceable.</summary>
public static class BlobNames
{
    // Azure's limit on blob name length.
    private const int MaxLength = 1024;

    /// <summary><c>a/b.txt</c> → <c>a/b.txt.json</c>.</summary>
    public static string Output(string inputName) => Fit(inputName + ".json", suffix: ".json");

    public static string Receipt(string pipelineVersion, string container, string name, string etag) =>
        Fit($"receipts/{pipelineVersion}/{container}/{name}@{BareETag(etag)}");

    public static string Claim(string container, string name) => Fit($"claims/{container}/{name}");

    public static string ContentHash(string sha256Hex) => $"hashes/sha256/{sha256Hex[..2]}/{sha256Hex}";

    /// <summary>
    /// One LSH band key of the near-duplicate index. <paramref name="scheme"/> names the MinHash
    /// settings (<c>w5-b14x8-s1</c>), so signatures made under other settings never meet.
    /// </summary>
    public static string NearBand(string scheme, int band, ulong key) => $"near/{scheme}/band-{band:D2}/{key:x16}";

    /// <summary>The cluster a near duplicate was found to belong to.</summary>
    public static string NearCluster(string scheme, string container, string name) => Fit($"near/{scheme}/clusters/{container}/{name}");

    /// <summary>ETags come quoted (<c>"0x8DC…"</c>); quotes have no place in a blob name.</summary>
    public static string BareETag(string etag) => etag.Trim('"');

    // A name near Azure's limit cannot take a prefix or suffix; it is shortened and made unique
    // with a hash of the full name, so it still maps to exactly one input.
    private static string Fit(string name, string suffix = "")
    {
        if (name.Length <= MaxLength)
            return name;
        var hash = "~" + Text.Dedup.ContentHash.Sha256Hex(name)[..32];
        return name[..(MaxLength - hash.Length - suffix.Length)] + hash + suffix;
    }
}

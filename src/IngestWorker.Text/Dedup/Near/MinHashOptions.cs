namespace IngestWorker.Text.Dedup.Near;

/// <summary>
/// Settings of the near-duplicate check, bound from <c>ingestWorker:pipeline:nearDuplicates</c>.
/// Signatures and band keys depend on <see cref="ShingleWords"/>, <see cref="Bands"/>,
/// <see cref="RowsPerBand"/> and <see cref="Seed"/>: changing any of them makes stored signatures
/// incomparable with new ones, so the band index must then be rebuilt.
/// </summary>
/// <remarks>
/// Two documents become candidates when all <see cref="RowsPerBand"/> values of at least one band
/// agree, which for documents of Jaccard similarity s happens with probability 1-(1-s^r)^b. With
/// the defaults (14 bands of 8 rows) that is 56 % at s = 0.7, 92 % at s = 0.8, 98.8 % at s = 0.85
/// and 99.96 % at s = 0.9, while pairs at s = 0.5 rarely meet (5 %). Candidates are then confirmed
/// by <see cref="SimilarityThreshold"/>, so the bands decide recall and the threshold precision.
/// </remarks>
public sealed class MinHashOptions
{
    /// <summary>Turns the near-duplicate check on or off.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Words per shingle (word n-gram size). Five is FineWeb's choice for web text.</summary>
    public int ShingleWords { get; set; } = 5;

    /// <summary>LSH bands.</summary>
    public int Bands { get; set; } = 14;

    /// <summary>Signature values per band; <see cref="Bands"/> × <see cref="RowsPerBand"/> hash functions in all.</summary>
    public int RowsPerBand { get; set; } = 8;

    /// <summary>Estimated Jaccard similarity of the shingle sets needed to confirm a candidate as a near duplicate.</summary>
    public double SimilarityThreshold { get; set; } = 0.8;

    /// <summary>Seed of the hash functions: changing it changes every signature (the index must then be rebuilt).</summary>
    public ulong Seed { get; set; } = 1;

    /// <summary>Hash functions, and values in a signature.</summary>
    public int HashCount => Bands * RowsPerBand;

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> for a setting out of range; its
    /// <c>ParamName</c> is the setting's key in the section (<c>shingleWords</c>, <c>bands</c>,
    /// <c>rowsPerBand</c>, <c>similarityThreshold</c>).
    /// </summary>
    public void Validate()
    {
        InRange(ShingleWords, 1, 20, "shingleWords");
        InRange(Bands, 1, 64, "bands");
        InRange(RowsPerBand, 1, 32, "rowsPerBand");
        // Written as a negated range test so NaN is rejected too.
        if (!(SimilarityThreshold > 0 && SimilarityThreshold <= 1))
            throw new ArgumentOutOfRangeException("similarityThreshold", SimilarityThreshold, "A similarity above 0 and at most 1.");
    }

    private static void InRange(int value, int minimum, int maximum, string key)
    {
        if (value < minimum || value > maximum)
            throw new ArgumentOutOfRangeException(key, value, $"Must be between {minimum} and {maximum}.");
    }
}

namespace IngestWorker.Text.Dedup.Near;

/// <summary>The near-duplicate check of one document.</summary>
/// <param name="Signature">Its MinHash signature.</param>
/// <param name="NearDuplicateOf">For a <c>duplicate_near</c> rejection: the first document of the cluster; otherwise null.</param>
/// <param name="MatchedDocument">The document whose band it landed in and whose signature confirmed the match (often the representative itself).</param>
/// <param name="Similarity">Estimated Jaccard similarity with <paramref name="MatchedDocument"/>, or with the most similar candidate that was not close enough; null when no band had another owner.</param>
/// <param name="Representative">The name of the first document of its cluster: itself when it is not a near duplicate.</param>
/// <param name="CandidatesChecked">Other documents found in its bands and compared.</param>
public sealed record NearDedupResult(
    MinHashSignature Signature,
    string? NearDuplicateOf,
    string? MatchedDocument,
    double? Similarity,
    string Representative,
    int CandidatesChecked);

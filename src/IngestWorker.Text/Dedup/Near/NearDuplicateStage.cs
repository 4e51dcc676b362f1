using System.Globalization;
using IngestWorker.Text.Pipeline;

namespace IngestWorker.Text.Dedup.Near;

/// <summary>
/// Rejects a document whose text is nearly the same as an earlier accepted one (a syndicated copy
/// with other chrome, a paragraph cut, a few words changed), checked against the shared LSH index
/// as the document arrives rather than in a batch over the corpus.
/// </summary>
/// <remarks>
/// Bands are claimed one at a time in a fixed order and the first confirmed match ends the walk.
/// That order is what makes two workers agree: two copies racing share a first common band, only
/// one of them can create it, and the other finds it taken, confirms the similarity and stops —
/// so it never claims a later band the first one would then find taken. A candidate found in a
/// band is confirmed by the estimated Jaccard similarity of the two signatures, so pages that
/// share a template but not their text are not rejected. Documents rejected for any other reason
/// never reach this stage, so the first accepted document of a story leads its cluster.
/// <para>Every decided document records its cluster. A match still being decided (it took its
/// early bands but has not reached the end of its walk) is waited for, so that a copy never names
/// a document that turns out to be a copy itself. The wait cannot go round in a circle: a document
/// waited for stopped at a later band than the one waiting. It is bounded by
/// <see cref="PendingDecisionWait"/> for a worker that died mid-walk, after which the match itself
/// is named.</para>
/// </remarks>
public sealed class NearDuplicateStage : IPipelineStage
{
    /// <summary>The longest wait for a matched document's own decision.</summary>
    public static readonly TimeSpan PendingDecisionWait = TimeSpan.FromSeconds(30);

    private readonly MinHasher _hasher;
    private readonly INearDuplicateIndex _index;
    private readonly TimeProvider _clock;

    public NearDuplicateStage(MinHasher hasher, INearDuplicateIndex index, TimeProvider? clock = null)
    {
        _hasher = hasher;
        _index = index;
        _clock = clock ?? TimeProvider.System;
    }

    public string Name => "near_dedup";

    public async ValueTask<StageVerdict> ProcessAsync(PipelineDocument document, CancellationToken cancellationToken)
    {
        var options = _hasher.Options;
        var signature = _hasher.Compute(document.Text ?? "");
        var self = new BandEntry(document.Source.Container, document.Source.Name, signature.ToBase64());
        double? closest = null;
        var checkedCandidates = new HashSet<(string, string)>();

        for (var band = 0; band < options.Bands; band++)
        {
            var owner = await _index.ClaimBandAsync(band, signature.BandKey(band, options.RowsPerBand), self, cancellationToken).ConfigureAwait(false);
            // Its own claim from an earlier run (a retry, a new pipeline version) is not a match.
            if (owner.IsSameDocument(self) || !checkedCandidates.Add((owner.Container, owner.Name)))
                continue;
            var similarity = Similarity(signature, owner);
            if (similarity < options.SimilarityThreshold)
            {
                closest = Math.Max(closest ?? 0, similarity);
                continue;
            }

            var representative = await RepresentativeOfAsync(owner, cancellationToken).ConfigureAwait(false);
            await _index.SetRepresentativeAsync(self.Container, self.Name, representative, cancellationToken).ConfigureAwait(false);
            document.NearDedup = new NearDedupResult(signature, representative, owner.Name, similarity, representative, checkedCandidates.Count);
            var via = owner.Name == representative ? "" : $" (through '{owner.Name}', a near duplicate of it)";
            return StageVerdict.Reject(Name, ReasonCodes.DuplicateNear, string.Create(CultureInfo.InvariantCulture,
                $"The text is a near duplicate of '{representative}'{via}: estimated Jaccard similarity {similarity:0.###} of word {options.ShingleWords}-grams, threshold {options.SimilarityThreshold:0.###}."));
        }

        await _index.SetRepresentativeAsync(self.Container, self.Name, self.Name, cancellationToken).ConfigureAwait(false);
        document.NearDedup = new NearDedupResult(signature, null, null, closest, self.Name, checkedCandidates.Count);
        return StageVerdict.Continue;
    }

    private async ValueTask<string> RepresentativeOfAsync(BandEntry match, CancellationToken cancellationToken)
    {
        var started = _clock.GetTimestamp();
        var pause = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            if (await _index.GetRepresentativeAsync(match.Container, match.Name, cancellationToken).ConfigureAwait(false) is { } representative)
                return representative;
            if (_clock.GetElapsedTime(started) >= PendingDecisionWait)
                return match.Name;
            await Task.Delay(pause, _clock, cancellationToken).ConfigureAwait(false);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
        }
    }

    // A signature written under other settings (a different number of hashes) cannot be compared;
    // the band keys of such entries live under another prefix, so this only guards against damage.
    // A shared index may hand back the b-bit form it keeps in memory instead of the full one.
    /// <summary>The estimated Jaccard similarity of <paramref name="signature"/> and a band owner's stored signature (full or b-bit form); 0 when they cannot be compared.</summary>
    public static double Similarity(MinHashSignature signature, BandEntry owner)
    {
        try
        {
            if (BBitMinHashSignature.IsCompactForm(owner.Signature))
            {
                var compact = BBitMinHashSignature.Parse(owner.Signature);
                return compact.Count == signature.Values.Length ? compact.EstimateJaccard(signature) : 0;
            }
            var other = MinHashSignature.FromBase64(owner.Signature);
            return other.Values.Length == signature.Values.Length ? signature.EstimateJaccard(other) : 0;
        }
        catch (FormatException)
        {
            return 0;
        }
    }
}

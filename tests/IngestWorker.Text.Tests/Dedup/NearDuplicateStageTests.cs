using System.Text;
using IngestWorker.Text.Dedup.Near;
using IngestWorker.Text.Pipeline;

namespace IngestWorker.Text.Tests.Dedup;

/// <summary>The near-duplicate stage in the standard pipeline, over the seeds and copies made from them.</summary>
public sealed class NearDuplicateStageTests
{
    public static TheoryData<int, string> SeedsAndVariants()
    {
        var data = new TheoryData<int, string>();
        for (var seed = 0; seed < 5; seed++)
        {
            foreach (var kind in SyndicatedVariants.Kinds)
                data.Add(seed, kind);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(SeedsAndVariants))]
    public async Task A_syndicated_variant_of_a_seed_is_rejected_naming_the_seed(int seed, string kind)
    {
        var pipeline = Pipeline(out _);
        var original = File.ReadAllText(TestData.SeedPaths[seed]);
        var first = await Run(pipeline, "wire/original.txt", original);
        Assert.True(first.IsAccepted, first.Rejection?.Message);

        var story = first.Document.Title + "\n\n" + first.Document.Text;
        var copy = await Run(pipeline, "other-site/copy.txt", SyndicatedVariants.Make(story, kind));
        Assert.False(copy.IsAccepted);
        if (kind == SyndicatedVariants.OtherChrome && copy.Rejection!.Code == ReasonCodes.DuplicateExact)
            return; // the cleaner removed all of the other chrome: an exact copy, caught one stage earlier
        Assert.Equal(ReasonCodes.DuplicateNear, copy.Rejection!.Code);
        Assert.Equal("wire/original.txt", copy.Document.NearDedup!.NearDuplicateOf);
        Assert.InRange(copy.Document.NearDedup.Similarity!.Value, 0.8, 1);
        Assert.Contains("wire/original.txt", copy.Rejection.Message);
    }

    [Fact]
    public async Task The_five_seeds_are_different_outlets_stories_and_none_is_a_duplicate()
    {
        var pipeline = Pipeline(out _);
        var representatives = new List<string>();
        foreach (var path in TestData.SeedPaths)
        {
            var result = await Run(pipeline, Path.GetFileName(path), File.ReadAllText(path));
            Assert.True(result.IsAccepted, result.Rejection?.Message);
            Assert.Null(result.Document.NearDedup!.NearDuplicateOf);
            Assert.Equal(Path.GetFileName(path), result.Document.NearDedup.Representative);
            representatives.Add(result.Document.NearDedup.Representative);
        }
        Assert.Equal(5, representatives.Distinct().Count());
    }

    [Fact]
    public async Task A_document_seen_again_is_not_a_near_duplicate_of_itself()
    {
        var pipeline = Pipeline(out _);
        var text = File.ReadAllText(TestData.SeedPaths[3]);
        Assert.True((await Run(pipeline, "a.txt", text)).IsAccepted);
        var again = await Run(pipeline, "a.txt", text);
        Assert.True(again.IsAccepted, again.Rejection?.Message);
        Assert.Equal(0, again.Document.NearDedup!.CandidatesChecked);
    }

    [Fact]
    public async Task A_copy_matched_through_another_copy_names_the_first_document_of_the_cluster()
    {
        var options = new MinHashOptions();
        var hasher = new MinHasher(options);
        var index = new InMemoryNearDuplicateIndex();
        var text = Cleaned(TestData.SeedPaths[1]);
        // "copy.txt" holds every band of this text and was itself found to be a copy of "first.txt".
        var signature = hasher.Compute(text);
        var copy = new BandEntry("in", "copy.txt", signature.ToBase64());
        for (var band = 0; band < options.Bands; band++)
            await index.ClaimBandAsync(band, signature.BandKey(band, options.RowsPerBand), copy, CancellationToken.None);
        await index.SetRepresentativeAsync("in", "copy.txt", "first.txt", CancellationToken.None);

        var document = Document("in", "third.txt", text);
        var verdict = await new NearDuplicateStage(hasher, index).ProcessAsync(document, CancellationToken.None);

        Assert.Equal(ReasonCodes.DuplicateNear, verdict.Rejection!.Code);
        Assert.Equal("first.txt", document.NearDedup!.NearDuplicateOf);
        Assert.Equal("copy.txt", document.NearDedup.MatchedDocument);
        Assert.Equal("first.txt", await index.GetRepresentativeAsync("in", "third.txt", CancellationToken.None));
        Assert.Contains("through 'copy.txt'", verdict.Rejection.Message);
    }

    [Fact]
    public async Task A_candidate_in_a_shared_band_that_is_not_similar_enough_does_not_reject()
    {
        var options = new MinHashOptions();
        var hasher = new MinHasher(options);
        var index = new InMemoryNearDuplicateIndex();
        var text = Cleaned(TestData.SeedPaths[2]);
        var other = hasher.Compute(Cleaned(TestData.SeedPaths[4]));
        // As if a template-sharing page had landed in band 0 by chance.
        var key = hasher.Compute(text).BandKey(0, options.RowsPerBand);
        await index.ClaimBandAsync(0, key, new BandEntry("in", "template-page.txt", other.ToBase64()), CancellationToken.None);

        var document = Document("in", "article.txt", text);
        var verdict = await new NearDuplicateStage(hasher, index).ProcessAsync(document, CancellationToken.None);

        Assert.Null(verdict.Rejection);
        Assert.Equal(1, document.NearDedup!.CandidatesChecked);
        Assert.InRange(document.NearDedup.Similarity!.Value, 0, 0.3);
        Assert.Equal("article.txt", document.NearDedup.Representative);
    }

    [Fact]
    public async Task Copies_racing_through_one_index_agree_on_exactly_one_original()
    {
        var text = Cleaned(TestData.SeedPaths[0]);
        string[] variants = [text, .. new[] { SyndicatedVariants.ParagraphDropped, SyndicatedVariants.WordsChanged, SyndicatedVariants.QuotesChanged }
            .Select(kind => SyndicatedVariants.Make(text, kind))];
        for (var round = 0; round < 25; round++)
        {
            var hasher = new MinHasher(new MinHashOptions());
            var index = new InterleavingIndex(new InMemoryNearDuplicateIndex());
            var stage = new NearDuplicateStage(hasher, index);
            var documents = variants.Select((v, i) => Document("in", $"copy-{i}.txt", v)).ToList();
            var verdicts = await Task.WhenAll(documents.Select(d => Task.Run(async () => await stage.ProcessAsync(d, CancellationToken.None))));

            var accepted = documents.Where((_, i) => verdicts[i].Rejection is null).ToList();
            var original = Assert.Single(accepted);
            Assert.All(documents.Where(d => d != original), d => Assert.Equal(original.Source.Name, d.NearDedup!.NearDuplicateOf));
        }
    }

    private static TextPipeline Pipeline(out InMemoryNearDuplicateIndex index)
    {
        var services = PipelineServices.InMemory();
        index = (InMemoryNearDuplicateIndex)services.NearDuplicates!;
        return new TextPipeline(TextPipelineBuilder.StandardStages(new PipelineOptions(), services));
    }

    private static ValueTask<PipelineResult> Run(TextPipeline pipeline, string name, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return pipeline.RunAsync(new DocumentSource("in", name, "\"e\"", bytes.Length), bytes, CancellationToken.None);
    }

    private static string Cleaned(string seedPath) =>
        new IngestWorker.Text.Extraction.ArticleExtractor().FromPlainText(File.ReadAllText(seedPath)).Text;

    private static PipelineDocument Document(string container, string name, string text) =>
        new(new DocumentSource(container, name, "\"e\"", text.Length), ReadOnlyMemory<byte>.Empty) { Text = text };

    /// <summary>Yields between calls, so that concurrent band walks interleave as they would over the network.</summary>
    private sealed class InterleavingIndex(INearDuplicateIndex inner) : INearDuplicateIndex
    {
        public async ValueTask<BandEntry> ClaimBandAsync(int band, ulong key, BandEntry candidate, CancellationToken cancellationToken)
        {
            await Task.Delay(Random.Shared.Next(0, 2), cancellationToken);
            return await inner.ClaimBandAsync(band, key, candidate, cancellationToken);
        }

        public ValueTask<string?> GetRepresentativeAsync(string container, string name, CancellationToken cancellationToken) =>
            inner.GetRepresentativeAsync(container, name, cancellationToken);

        public ValueTask SetRepresentativeAsync(string container, string name, string representative, CancellationToken cancellationToken) =>
            inner.SetRepresentativeAsync(container, name, representative, cancellationToken);
    }
}

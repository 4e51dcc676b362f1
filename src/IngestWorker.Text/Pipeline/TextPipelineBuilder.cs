using IngestWorker.Text.Cleaning;
using IngestWorker.Text.Decoding;
using IngestWorker.Text.Dedup;
using IngestWorker.Text.Dedup.Near;
using IngestWorker.Text.Html;
using IngestWorker.Text.Language;
using IngestWorker.Text.Normalization;
using IngestWorker.Text.Quality;
using IngestWorker.Text.Readers;
using IngestWorker.Text.Templates;

namespace IngestWorker.Text.Pipeline;

/// <summary>
/// What the standard stages need from outside: shared state (the host keeps it in blob storage) and
/// the loaded language model. Without a language identifier the language stage does not run.
/// </summary>
public sealed record PipelineServices(
    IExactDuplicateIndex ExactDuplicates,
    ISiteTemplateIndex SiteTemplates,
    ILanguageIdentifier? Language = null,
    INearDuplicateIndex? NearDuplicates = null)
{
    /// <summary>Process-local state, for tests and single-process tools.</summary>
    public static PipelineServices InMemory(ILanguageIdentifier? language = null) =>
        new(new InMemoryExactDuplicateIndex(), new InMemorySiteTemplateIndex(), language, new InMemoryNearDuplicateIndex());
}

/// <summary>The one place that decides which stages run and in which order.</summary>
public static class TextPipelineBuilder
{
    public static IReadOnlyList<IPipelineStage> StandardStages(PipelineOptions options, PipelineServices services)
    {
        var stages = new List<IPipelineStage>
        {
            new SizeLimitStage(options),
            new FormatStage(),
            new DecompressionStage(options),
            new DecodingStage(options),
            new ReadStage(new HtmlArticleExtractor(options.MaxHtmlNestingDepth, services.Language), new ComplexityLimits(options.MaxBlocks, options.MaxHtmlElements)),
            new NormalizationStage(),
            new BoilerplateStage(options.Boilerplate, options.SiteTemplates, services.SiteTemplates, services.Language),
        };
        // On the cleaned text: the raw page's menus and footers would pull towards the site's language.
        if (services.Language is { } language)
            stages.Add(new LanguageStage(language, options.Language));
        // After the language stage, whose language decides the stop words and the expected script.
        if (options.Quality.Enabled)
            stages.Add(new QualityStage(options.Quality));
        // Deduplication comes last so that only documents every filter accepted become originals.
        stages.Add(new ExactDuplicateStage(services.ExactDuplicates));
        // After the exact check, which settles identical copies with one storage call instead of a band walk.
        if (options.NearDuplicates.Enabled)
        {
            var index = services.NearDuplicates ?? throw new ArgumentException(
                "Near-duplicate detection is enabled but no near-duplicate index was supplied.", nameof(services));
            stages.Add(new NearDuplicateStage(new MinHasher(options.NearDuplicates), index));
        }
        return stages;
    }
}

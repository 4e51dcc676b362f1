using IngestWorker.Text.Pipeline;
using IngestWorker.Text.Templates;

namespace IngestWorker.Text.Cleaning;

/// <summary>
/// Keeps the article and records why every other block went: first the site's learned template
/// lines are looked up (and this page's lines counted towards them), then the cleaner decides.
/// </summary>
public sealed class BoilerplateStage : IPipelineStage
{
    private readonly BoilerplateCleaner _cleaner;
    private readonly BoilerplateOptions _options;
    private readonly SiteTemplateOptions _templates;
    private readonly ISiteTemplateIndex _index;

    /// <param name="language">The language model, for the cleaner to know the page's language; null: a stopword guess.</param>
    public BoilerplateStage(BoilerplateOptions options, SiteTemplateOptions templates, ISiteTemplateIndex index, Language.ILanguageIdentifier? language = null)
    {
        _cleaner = new BoilerplateCleaner(options, language);
        _options = options;
        _templates = templates;
        _index = index;
    }

    public string Name => "boilerplate";

    public async ValueTask<StageVerdict> ProcessAsync(PipelineDocument document, CancellationToken cancellationToken)
    {
        var page = document.Page!;
        if (!_options.Enabled)
        {
            document.Cleaning = new Extraction.CleanedPage(document.Text ?? "", page.Metadata.Title, page.Metadata,
                page.Blocks.Where(b => b.RemovedBy is null).Select(b => b.Text).ToList(), []);
            document.Title = page.Metadata.Title;
            return StageVerdict.Continue;
        }

        IReadOnlySet<ulong>? templateLines = null;
        string? site = null;
        if (_templates.Enabled)
        {
            site = SiteKey.For(document.Source, page.Metadata);
            var keys = new HashSet<ulong>();
            foreach (var block in page.Blocks)
            {
                if (block.RemovedBy is null && block.Text.Length <= _templates.MaxLineLength)
                    keys.Add(TemplateLineKey.Of(block.Text));
            }
            var documentId = document.Source.Container + "/" + document.Source.Name;
            var counts = await _index.ObserveAsync(site, documentId, keys, cancellationToken).ConfigureAwait(false);
            templateLines = counts.Where(c => c.Value >= _templates.MinDocuments).Select(c => c.Key).ToHashSet();
        }

        var cleaned = _cleaner.Clean(page, templateLines);
        if (MainRegionFallback.Recover(page, cleaned, _options) is { } mainRegion)
        {
            cleaned = mainRegion;
            document.Flags.Add(FlagCodes.MainRegion);
        }
        if (string.IsNullOrWhiteSpace(cleaned.Metadata.Author) && BylineMetadata.Author(cleaned.Removed) is { } author)
            cleaned = cleaned with { Metadata = cleaned.Metadata with { Author = author } };
        if (string.IsNullOrWhiteSpace(cleaned.Metadata.Published) && BylineMetadata.Date(cleaned.Removed) is { } published)
            cleaned = cleaned with { Metadata = cleaned.Metadata with { Published = published } };
        document.Cleaning = cleaned;
        document.SiteKey = site;
        document.Text = cleaned.Text;
        document.Title = cleaned.Title;
        document.Metadata = cleaned.Metadata;
        return cleaned.KeptBlocks.Count == 0
            ? StageVerdict.Reject(Name, ReasonCodes.NoArticle, $"Cleaning removed all {cleaned.Removed.Count} blocks: the page holds no article text (see boilerplate.removedLines).")
            : StageVerdict.Continue;
    }
}

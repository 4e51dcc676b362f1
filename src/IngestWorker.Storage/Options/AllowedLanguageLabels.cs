using IngestWorker.Text.Language;

namespace IngestWorker.Options;

/// <summary>
/// <c>ingestWorker:pipeline:language:allowed</c> against the labels of the loaded model: a code the
/// model never predicts (a typo, <c>eng</c> for <c>en</c>, a model without that language) would
/// reject every document as not allowed. Checked once the model is loaded, at start.
/// </summary>
public static class AllowedLanguageLabels
{
    public const string Key = IngestWorkerOptions.Section + ":pipeline:language:allowed";

    /// <param name="labelCodes">The model's labels without their <c>__label__</c> prefix.</param>
    /// <returns>One message per entry that is not a label, naming the key; empty when all are.</returns>
    public static IReadOnlyList<string> FindUnknown(LanguageOptions options, IReadOnlyCollection<string> labelCodes)
    {
        if (!options.Enabled)
            return [];
        var known = new HashSet<string>(labelCodes, StringComparer.Ordinal);
        var unknown = options.Allowed
            .Where(code => !string.IsNullOrWhiteSpace(code) && !known.Contains(LanguageStage.LabelCode(code)))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (unknown.Count == 0)
            return [];
        var model = LanguageModelPath.Resolve(options);
        var labels = string.Join(", ", labelCodes.Order(StringComparer.Ordinal));
        return unknown.Select(code => $"{Key}: '{code}' is not a label of the language model {model}; its {labelCodes.Count} labels are: {labels}.").ToList();
    }
}

using IngestWorker.Text.Language;

namespace IngestWorker.Options;

/// <summary>Where the language model is: the configured path, or the copy the build puts next to the program.</summary>
public static class LanguageModelPath
{
    public const string Key = "ingestWorker:pipeline:language:modelPath";

    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "models", "lid.176.ftz");

    public static string Resolve(LanguageOptions options) =>
        string.IsNullOrWhiteSpace(options.ModelPath) ? DefaultPath : Path.GetFullPath(options.ModelPath);
}

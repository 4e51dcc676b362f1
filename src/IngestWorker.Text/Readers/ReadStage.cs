using IngestWorker.Text.Html;
using IngestWorker.Text.Normalization;
using IngestWorker.Text.Pipeline;

namespace IngestWorker.Text.Readers;

/// <summary>
/// Turns the decoded text into a page of blocks with the reader its format calls for, and confirms
/// that the content is what the name promised.
/// </summary>
public sealed class ReadStage : IPipelineStage
{
    private readonly HtmlArticleExtractor _html;

    public ReadStage(HtmlArticleExtractor html) => _html = html;

    public string Name => "read";

    public ValueTask<StageVerdict> ProcessAsync(PipelineDocument document, CancellationToken cancellationToken)
    {
        var text = document.Text ?? "";
        var format = document.Format?.Format ?? InputFormat.Text;
        switch (format)
        {
            case InputFormat.Html:
                if (!HtmlSniffer.HasMarkup(text))
                    return Mismatch("The name says HTML but the content has no HTML markup.");
                document.Page = _html.Extract(text, null, cancellationToken);
                break;
            case InputFormat.Json:
                var (page, problem) = JsonArticleReader.Read(text, _html);
                if (page is null)
                    return Mismatch(problem!);
                document.Page = page;
                break;
            case InputFormat.Markdown:
                if (HtmlSniffer.IsHtmlDocument(text))
                    return Mismatch("The name says Markdown but the content is an HTML document; name it .html.");
                document.Page = MarkdownReader.Read(TextNormalizer.Normalize(text));
                break;
            default:
                if (HtmlSniffer.IsHtmlDocument(text))
                    return Mismatch("The name says plain text but the content is an HTML document; name it .html.");
                document.Page = PlainTextReader.Read(TextNormalizer.Normalize(text));
                break;
        }
        document.Metadata = document.Page.Metadata;
        return ValueTask.FromResult(StageVerdict.Continue);
    }

    private ValueTask<StageVerdict> Mismatch(string message) =>
        ValueTask.FromResult(StageVerdict.Reject(Name, ReasonCodes.FormatMismatch, message));
}

/// <summary>Cheap looks at text that tell HTML from prose without parsing it.</summary>
internal static class HtmlSniffer
{
    /// <summary>Starts (after whitespace and comments) like an HTML document: a doctype or an &lt;html&gt; tag.</summary>
    public static bool IsHtmlDocument(string text)
    {
        var head = text.AsSpan(0, Math.Min(text.Length, 1024)).TrimStart();
        return head.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase)
            || head.StartsWith("<html", StringComparison.OrdinalIgnoreCase)
            || (head.StartsWith("<?xml", StringComparison.OrdinalIgnoreCase) && head.Contains("<html", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Holds at least one tag (a '&lt;' followed by a letter, '/' or '!').</summary>
    public static bool HasMarkup(string text)
    {
        for (var i = text.IndexOf('<'); i >= 0 && i + 1 < text.Length; i = text.IndexOf('<', i + 1))
        {
            if (char.IsAsciiLetter(text[i + 1]) || text[i + 1] is '/' or '!')
                return true;
        }
        return false;
    }
}

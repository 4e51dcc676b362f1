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
    private readonly ComplexityLimits _limits;

    public ReadStage(HtmlArticleExtractor html, ComplexityLimits limits)
    {
        _html = html;
        _limits = limits;
    }

    public string Name => "read";

    public ValueTask<StageVerdict> ProcessAsync(PipelineDocument document, CancellationToken cancellationToken)
    {
        var text = document.Text ?? "";
        var format = document.Format?.Format ?? InputFormat.Text;
        string? tooComplex;
        switch (format)
        {
            case InputFormat.Html:
                if (!HtmlSniffer.HasMarkup(text))
                    return Mismatch("The name says HTML but the content has no HTML markup.");
                if ((tooComplex = _limits.CheckHtml(text)) is not null)
                    return TooComplex(document, tooComplex);
                document.Page = _html.Extract(text, null, cancellationToken);
                break;
            case InputFormat.Json:
                var (article, problem) = JsonArticleReader.Parse(text);
                if (article is null)
                    return Mismatch(problem!);
                if ((tooComplex = article.IsHtml ? _limits.CheckHtml(article.Body) : _limits.CheckLines(article.Body)) is not null)
                    return TooComplex(document, tooComplex);
                document.Page = JsonArticleReader.Read(article, _html);
                break;
            case InputFormat.Markdown:
                if (HtmlSniffer.IsHtmlDocument(text))
                    return Mismatch("The name says Markdown but the content is an HTML document; name it .html.");
                var markdown = TextNormalizer.Normalize(text);
                if ((tooComplex = _limits.CheckLines(markdown)) is not null)
                    return TooComplex(document, tooComplex);
                document.Page = MarkdownReader.Read(markdown);
                break;
            default:
                if (HtmlSniffer.IsHtmlDocument(text))
                    return Mismatch("The name says plain text but the content is an HTML document; name it .html.");
                var plain = TextNormalizer.Normalize(text);
                if ((tooComplex = _limits.CheckLines(plain)) is not null)
                    return TooComplex(document, tooComplex);
                document.Page = PlainTextReader.Read(plain);
                break;
        }
        document.Metadata = document.Page.Metadata;
        // Whatever the counts before reading missed (an HTML tree of few tags but many text blocks).
        if (_limits.CheckBlocks(document.Page.Blocks.Count) is { } tooManyBlocks)
            return TooComplex(document, tooManyBlocks);
        return ValueTask.FromResult(StageVerdict.Continue);
    }

    private ValueTask<StageVerdict> TooComplex(PipelineDocument document, string message)
    {
        // Not read, so there is no text to show: the outcome would otherwise carry the whole raw
        // input (markup escaped, several times its size) only to say it was not read.
        document.Text = null;
        document.Page = null;
        return ValueTask.FromResult(StageVerdict.Reject(Name, ReasonCodes.TooComplex, message));
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

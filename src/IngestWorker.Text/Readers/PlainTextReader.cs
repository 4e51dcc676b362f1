using IngestWorker.Text.Extraction;

namespace IngestWorker.Text.Readers;

/// <summary>A text dump as blocks: one per non-blank line; a blank line starts a new paragraph.</summary>
public static class PlainTextReader
{
    public static PageContent Read(string normalizedText, PageMetadata? metadata = null)
    {
        var blocks = new List<ContentBlock>();
        var afterBlank = true;
        // Line by line over spans: one string per kept line, not one per line plus its trimmed copy.
        var rest = normalizedText.AsSpan();
        while (true)
        {
            var end = rest.IndexOf('\n');
            var line = (end < 0 ? rest : rest[..end]).Trim();
            if (line.Length == 0)
                afterBlank = true;
            else
            {
                blocks.Add(new ContentBlock(line.Length == normalizedText.Length ? normalizedText : line.ToString()) { StartsParagraph = afterBlank });
                afterBlank = false;
            }
            if (end < 0)
                break;
            rest = rest[(end + 1)..];
        }
        return new PageContent(blocks, metadata ?? PageMetadata.None);
    }
}

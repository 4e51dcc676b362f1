using System.Collections.Frozen;
using IngestWorker.Text.Cleaning;
using IngestWorker.Text.Extraction;

namespace IngestWorker.Text.Html;

// Captions, the headline, and the text statistics of each box.
internal sealed partial class ArticleLocator
{
    /// <summary>
    /// The short text that sits with an image in a small wrapper (outside any figcaption) is its
    /// caption or credit: the nearest ancestor of the image that has text, when that text is short.
    /// </summary>
    private void MarkCaptions()
    {
        foreach (var (imageBox, index) in _images)
        {
            var box = imageBox;
            for (var level = 0; level < 3 && box is not null; level++, box = box.Parent)
            {
                if (box.End <= index)
                    continue; // no text after the image in here yet
                var chars = 0;
                var count = 0;
                for (var i = box.First; i < box.End; i++)
                {
                    if (_blocks[i].Hidden)
                        continue;
                    chars += _blocks[i].Text.Length;
                    count++;
                }
                if (chars == 0)
                    continue;
                if (chars < 300 && count <= 3 && box.Tag != "body")
                {
                    for (var i = Math.Max(index, box.First); i < box.End; i++)
                    {
                        var block = _blocks[i];
                        if (block.Kind == BlockKind.Heading || (box.Tag == "p" && block.Good))
                            continue;
                        block.Caption = true;
                        block.Kind = BlockKind.Caption;
                    }
                }
                break;
            }
        }
    }

    // ---- headline ----------------------------------------------------------------------------

    private void FindTitle()
    {
        var candidates = new[] { _meta.Title, _meta.JsonLdHeadline, _meta.OgTitle, HtmlMetadataReader.StripSiteName(_meta.DocumentTitle, _meta.Site), _meta.DocumentTitle };
        var best = -1;
        var bestScore = 0.0;
        for (var i = 0; i < _blocks.Count; i++)
        {
            var block = _blocks[i];
            if (block.Kind != BlockKind.Heading || block.Hidden || block.Text.Length < 3)
                continue;
            var similarity = 0.0;
            foreach (var candidate in candidates)
            {
                if (candidate is not null)
                    similarity = Math.Max(similarity, TextStats.Similarity(block.Text, candidate));
            }
            var score = similarity + (block.HeadingLevel == 1 ? 0.15 : 0) - block.HeadingLevel * 0.01;
            if (similarity >= 0.6 && score > bestScore)
            {
                best = i;
                bestScore = score;
            }
        }
        if (best < 0)
        {
            // No heading matches the metadata: the first visible h1, if there is exactly one.
            var h1 = -1;
            for (var i = 0; i < _blocks.Count; i++)
            {
                if (_blocks[i].Kind == BlockKind.Heading && _blocks[i].HeadingLevel == 1 && !_blocks[i].Hidden)
                {
                    if (h1 >= 0)
                    {
                        h1 = -1;
                        break;
                    }
                    h1 = i;
                }
            }
            best = h1;
        }
        _titleIndex = best;
    }

    /// <summary>
    /// "Header" in a class name means site chrome only above the headline; below it, a
    /// "section-header" wraps a subheading of the story.
    /// </summary>
    private void ScopeHeaders()
    {
        if (_titleIndex < 0)
            return;
        var changed = false;
        foreach (var box in _boxes)
        {
            if (box.Region == Region.Header && box.Tag != "header" && box.First > _titleIndex)
            {
                box.Region = Region.None;
                changed = true;
            }
        }
        if (!changed)
            return;
        foreach (var box in _boxes)
            box.RegionBox = box.Region != Region.None ? box : box.Parent?.RegionBox;
    }

    // ---- statistics --------------------------------------------------------------------------

    private void Statistics()
    {
        foreach (var block in _blocks)
        {
            if (block.Hidden)
                continue;
            var length = block.Text.Length;
            for (var box = block.Owner; box is not null; box = box.Parent)
            {
                box.Chars += length;
                box.LinkChars += block.LinkChars;
            }
        }
    }
}

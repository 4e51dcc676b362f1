using System.Collections.Frozen;
using IngestWorker.Text.Cleaning;
using IngestWorker.Text.Extraction;

namespace IngestWorker.Text.Html;

// Each block kept or removed, with its reason.
internal sealed partial class ArticleLocator
{
    private void Assign(List<(int First, int End, Box Stop)> content)
    {
        var stops = new Box?[_blocks.Count];
        foreach (var (first, end, stop) in content)
        {
            for (var i = first; i < end; i++)
                stops[i] = stop;
        }
        for (var i = 0; i < _blocks.Count; i++)
        {
            var block = _blocks[i];
            if (i == _titleIndex)
            {
                block.Remove(BoilerplateReasons.Title);
                continue;
            }
            if (block.Hidden)
            {
                block.Remove(BoilerplateReasons.Hidden);
                continue;
            }
            if (stops[i] is not { } stop)
            {
                block.Remove(OutsideReason(block, i));
                continue;
            }
            var inner = RegionOf(block.Owner, stop);
            if (inner != Region.None)
            {
                block.Remove(ReasonFor(inner));
                continue;
            }
            if (block.Caption)
            {
                block.Remove(BoilerplateReasons.Caption);
                continue;
            }
            if (_titleIndex >= 0 && block.Kind == BlockKind.Heading && SameText(block.Text, _blocks[_titleIndex].Text))
            {
                block.Remove(BoilerplateReasons.Repeated);
                continue;
            }
            if (HtmlBlockClassifier.IsLinkDense(block, HtmlBlockThresholds.Default))
                block.Remove(BoilerplateReasons.LinkDense);
            else if (BoilerplateText.Classify(block.Text, block.Kind == BlockKind.ListItem) is { } wording)
                block.Remove(wording);
        }
        MarkLinkLists(content, stops);
        RestoreInlineLinks(stops);
        DropOrphans(stops);
        DropRepeats(stops);
    }

    /// <summary>
    /// A pull quote or a highlight repeats a sentence of the story: the copy that is contained in
    /// (or equal to) another kept block is removed, once.
    /// </summary>
    private void DropRepeats(Box?[] stops)
    {
        var kept = new List<int>();
        var asides = new List<int>();
        for (var i = 0; i < _blocks.Count; i++)
        {
            if (stops[i] is null)
                continue;
            if (_blocks[i].Reason is null)
                kept.Add(i);
            else if (_blocks[i].Reason == BoilerplateReasons.OutsideMainContent)
                asides.Add(i); // an aside inside the story: say so when it only repeats the story
        }
        foreach (var i in asides)
        {
            var text = _blocks[i].Text;
            if (text.Length < 40)
                continue;
            foreach (var j in kept)
            {
                if (_blocks[j].Text.Length > text.Length && _blocks[j].Text.Contains(text, StringComparison.Ordinal))
                {
                    _blocks[i].Remove(BoilerplateReasons.Repeated);
                    break;
                }
            }
        }
        if (kept.Count > 600)
            return;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var i in kept)
        {
            var text = _blocks[i].Text;
            if (_blocks[i].Words < 8 || text.Length < 40 || _blocks[i].Kind == BlockKind.Heading)
                continue;
            if (!seen.Add(text))
            {
                _blocks[i].Remove(BoilerplateReasons.Repeated);
                continue;
            }
            foreach (var j in kept)
            {
                var other = _blocks[j];
                if (j == i || other.Reason is not null || other.Text.Length <= text.Length)
                    continue;
                if (other.Text.Contains(text, StringComparison.Ordinal))
                {
                    _blocks[i].Remove(BoilerplateReasons.Repeated);
                    break;
                }
            }
        }
    }

    /// <summary>
    /// Why a block outside the article region is not content: what its markup says when that is
    /// specific (navigation, comments, ads…), site chrome above the headline, link lists, or
    /// simply that it lies outside.
    /// </summary>
    private string OutsideReason(Block block, int index)
    {
        var region = RegionOf(block.Owner, null);
        if (region == Region.Header && (_titleIndex < 0 || index < _titleIndex))
            return BoilerplateReasons.HeaderChrome;
        if (region is not (Region.None or Region.Header or Region.Aside or Region.Footer))
            return ReasonFor(region);
        if (block.LinkDensity > 0.5)
            return BoilerplateReasons.LinkDense;
        if (block.Caption)
            return BoilerplateReasons.Caption;
        if (_titleIndex >= 0 && block.Kind == BlockKind.Heading && SameText(block.Text, _blocks[_titleIndex].Text))
            return BoilerplateReasons.Repeated;
        return BoilerplateReasons.OutsideMainContent;
    }

    private static bool SameText(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    /// <summary>Lists whose every item is a link (with perhaps a date or a blurb) are teasers or menus.</summary>
    private void MarkLinkLists(List<(int First, int End, Box Stop)> content, Box?[] stops)
    {
        foreach (var box in _boxes)
        {
            if (box.Tag is not ("ul" or "ol" or "dl" or "menu") || box.Children is null || box.Children.Count < 3 || box.Hidden)
                continue;
            if (box.First >= box.End || stops[box.First] is null)
                continue;
            int items = 0, linked = 0, chars = 0, links = 0;
            foreach (var child in box.Children)
            {
                var itemLinks = 0;
                var itemChars = 0;
                for (var i = child.First; i < child.End; i++)
                {
                    itemChars += _blocks[i].Text.Length;
                    itemLinks += _blocks[i].LinkChars;
                }
                if (itemChars == 0)
                    continue;
                items++;
                chars += itemChars;
                links += itemLinks;
                if (itemLinks > 0)
                    linked++;
            }
            if (items < 3 || linked * 10 < items * 8 || links * 10 < chars * 3)
                continue;
            // Between two paragraphs of the story, a list of links with words of its own (deals,
            // sources, recommendations) is part of it; only a list of bare links is a menu there.
            if (links * 10 < chars * 8 && ProseAt(box.First - 1, -1, stops) && ProseAt(box.End, +1, stops))
                continue;
            for (var i = box.First; i < box.End; i++)
            {
                if (_blocks[i].Reason is null)
                    _blocks[i].Remove(BoilerplateReasons.LinkDense);
                _blocks[i].InLinkList = true;
            }
        }
    }

    /// <summary>
    /// A heading or label that introduces only removed blocks ("Related stories", "Tags:") goes
    /// with them, for the same reason.
    /// </summary>
    private void DropOrphans(Box?[] stops)
    {
        var n = _blocks.Count;
        for (var i = n - 1; i >= 0; i--)
        {
            var block = _blocks[i];
            if (block.Reason is not null || stops[i] is null || block.Good)
                continue;
            if (block.Kind == BlockKind.Heading)
            {
                if (OrphanHeading(i, stops) is { } reason)
                    block.Remove(reason);
                continue;
            }
            if (block.Words > 6 || block.EndsSentence)
                continue;
            // A label: it goes with the next shown block when that one was removed.
            string? nextReason = null;
            for (var k = i + 1; k < n && stops[k] is not null; k++)
            {
                if (IsIncidental(_blocks[k]))
                    continue;
                nextReason = _blocks[k].Reason;
                break;
            }
            if (nextReason is null || nextReason == BoilerplateReasons.Title)
                continue;
            if (block.Text.TrimEnd().EndsWith(':') || PreviousRemoved(i, stops))
                block.Remove(nextReason);
        }
    }

    /// <summary>
    /// A heading is an orphan when its section (up to the next kept heading of its level or
    /// higher, or the end of the article region) keeps nothing: it goes for the reason of the
    /// first block removed there, or as the end of the article.
    /// </summary>
    private string? OrphanHeading(int i, Box?[] stops)
    {
        var level = _blocks[i].HeadingLevel;
        string? firstReason = null;
        for (var k = i + 1; k < _blocks.Count && stops[k] is not null; k++)
        {
            var next = _blocks[k];
            if (next.Reason is null)
            {
                if (next.Kind == BlockKind.Heading && next.HeadingLevel <= level && firstReason is not null)
                    return firstReason;
                return null;
            }
            if (firstReason is null && !IsIncidental(next) && next.Reason != BoilerplateReasons.Title)
                firstReason = next.Reason;
        }
        return firstReason ?? BoilerplateReasons.EndOfArticle;
    }

    // Removed blocks that do not end a section: hidden text, captions, ad labels, repeats.
    private static bool IsIncidental(Block block) =>
        block.Hidden || block.Reason is BoilerplateReasons.Caption or BoilerplateReasons.Hidden or BoilerplateReasons.Repeated or BoilerplateReasons.Advertisement;

    private bool PreviousRemoved(int i, Box?[] stops)
    {
        for (var k = i - 1; k >= 0; k--)
        {
            if (stops[k] is null)
                return true;
            if (_blocks[k].Hidden)
                continue;
            return _blocks[k].Reason is not null;
        }
        return true;
    }

    /// <summary>
    /// A link line between two paragraphs of the story ("Read more: …", a shop link under a
    /// product review, a sentence that is all link) is part of it; link lines that come in runs
    /// or at the edges of the story are menus and teasers.
    /// </summary>
    private void RestoreInlineLinks(Box?[] stops)
    {
        var n = _blocks.Count;
        for (var i = 0; i < n; i++)
        {
            if (_blocks[i].Reason != BoilerplateReasons.LinkDense || stops[i] is null)
                continue;
            var runStart = i;
            var runEnd = i + 1;
            while (runEnd < n && stops[runEnd] is not null && (_blocks[runEnd].Reason == BoilerplateReasons.LinkDense || IsSilent(runEnd)))
                runEnd++;
            var links = 0;
            for (var k = runStart; k < runEnd; k++)
            {
                if (_blocks[k].Reason == BoilerplateReasons.LinkDense)
                    links++;
            }
            if (links <= 2 && ProseAt(runStart - 1, -1, stops) && ProseAt(runEnd, +1, stops))
            {
                for (var k = runStart; k < runEnd; k++)
                {
                    var candidate = _blocks[k];
                    if (candidate.Reason == BoilerplateReasons.LinkDense && !candidate.InLinkList && !BoilerplateText.IsShouting(candidate.Text)
                        && BoilerplateText.Classify(candidate.Text) is null)
                        candidate.Restore();
                }
            }
            i = runEnd - 1;
        }
    }

    // Blocks that neither count nor interrupt: hidden ones and those of marked regions.
    private bool IsSilent(int i) => _blocks[i].Reason is not null && _blocks[i].Reason != BoilerplateReasons.LinkDense;

    private bool ProseAt(int i, int step, Box?[] stops)
    {
        for (var k = 0; k < 4 && i >= 0 && i < _blocks.Count && stops[i] is not null; k++, i += step)
        {
            var block = _blocks[i];
            if (block.Reason is null && block.Good)
                return true;
            if (block.Reason is null && block.Kind != BlockKind.Heading && block.Text.Length > 40)
                return false;
        }
        return false;
    }

    /// <summary>The region of the nearest marked ancestor-or-self strictly below <paramref name="stop"/>.</summary>
    private static Region RegionOf(Box owner, Box? stop)
    {
        for (var box = owner; box is not null && !ReferenceEquals(box, stop); box = box.Parent)
        {
            if (box.Region != Region.None)
                return box.Region;
        }
        return Region.None;
    }

    /// <summary>
    /// The block lies in the page's main region by its markup alone: not hidden, and no ancestor
    /// marked as furniture (menus, header, footer, sidebar, comments, share bars, legal notices,
    /// advertising, interface). Related-story and promotion boxes count as main: on a listing page
    /// they are what the page lists.
    /// </summary>
    /// <remarks>On a product page, boxes of other products and promotions are not what the page shows.
    /// A related box inside a sidebar ("Related questions" beside a thread) is the sidebar's.</remarks>
    internal bool InMainRegion(Block block)
    {
        if (block.Hidden)
            return false;
        for (var box = block.Owner; box is not null; box = box.Parent)
        {
            var main = box.Region switch
            {
                Region.None or Region.Byline or Region.Caption => true,
                Region.Related or Region.Promotion => !Product,
                _ => false,
            };
            if (!main)
                return false;
        }
        return true;
    }

    internal static string ReasonFor(Region region) => region switch
    {
        Region.Navigation or Region.Tags => BoilerplateReasons.Navigation,
        Region.Header => BoilerplateReasons.HeaderChrome,
        Region.Footer => BoilerplateReasons.EndOfArticle,
        Region.Aside => BoilerplateReasons.OutsideMainContent,
        Region.Comments => BoilerplateReasons.Comments,
        Region.Share => BoilerplateReasons.InterfaceText,
        Region.Interface => BoilerplateReasons.InterfaceText,
        Region.Related => BoilerplateReasons.Teaser,
        Region.Promotion => BoilerplateReasons.Promotion,
        Region.Advertisement => BoilerplateReasons.Advertisement,
        Region.Byline => BoilerplateReasons.Byline,
        Region.Caption => BoilerplateReasons.Caption,
        Region.Legal => BoilerplateReasons.Legal,
        Region.Hidden => BoilerplateReasons.Hidden,
        _ => BoilerplateReasons.OutsideMainContent,
    };
}

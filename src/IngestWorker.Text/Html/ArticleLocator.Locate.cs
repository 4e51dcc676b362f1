using System.Collections.Frozen;
using IngestWorker.Text.Cleaning;
using IngestWorker.Text.Extraction;

namespace IngestWorker.Text.Html;

// The article's container, and growing the article from it.
internal sealed partial class ArticleLocator
{
    private Box? Locate()
    {
        PrefixSums();
        // Readability-style: each prose block scores its container and, decreasingly, the ancestors.
        foreach (var block in _blocks)
        {
            if (block.Hidden || block.Owner.RegionBox is not null || block.Caption || block.Kind is BlockKind.Heading or BlockKind.Caption
                || block.Text.Length < 25 || block.LinkDensity > 0.5)
                continue;
            var score = 1.0 + block.Commas + Math.Min(3, block.Text.Length / 100);
            var container = ContainerOf(block.Owner);
            var level = 0;
            for (var box = container; box is not null && level < 5; box = box.Parent, level++)
            {
                if (!box.Scored)
                {
                    box.Scored = true;
                    box.Score = InitialScore(box);
                }
                box.Score += score / (level == 0 ? 1 : level == 1 ? 2 : level * 3);
            }
        }

        Box? top = null;
        var topScore = double.MinValue;
        foreach (var box in _boxes)
        {
            if (!box.Scored)
                continue;
            box.Score *= 1 - box.LinkDensity;
            // The story follows its headline: text that ends before the headline is a teaser or a menu,
            // and text that starts only after a good deal of other prose is comments or more stories.
            if (_titleIndex >= 0 && box.End <= _titleIndex)
                box.Score *= 0.6;
            else if (_titleIndex >= 0 && box.First > _titleIndex)
                box.Score /= 1 + (_good[box.First] - _good[_titleIndex + 1]) / 600.0;
            if (box.Score > topScore)
            {
                top = box;
                topScore = box.Score;
            }
        }
        return top;
    }

    // ---- growing the article from its core --------------------------------------------------

    private int[] _vis = [], _good = [], _link = [], _foreign = [], _count = [], _linkStart = [], _all = [];

    private void PrefixSums()
    {
        var n = _blocks.Count;
        _vis = new int[n + 1];
        _good = new int[n + 1];
        _link = new int[n + 1];
        _foreign = new int[n + 1];
        _count = new int[n + 1];
        _all = new int[n + 1];
        _linkStart = new int[n + 1];
        for (var i = 0; i < n; i++)
        {
            var b = _blocks[i];
            var counts = !b.Hidden && b.Owner.RegionBox is null && i != _titleIndex;
            _vis[i + 1] = _vis[i] + (counts ? b.Text.Length : 0);
            _good[i + 1] = _good[i] + (counts && b.Good && !b.Caption ? b.Text.Length : 0);
            _link[i + 1] = _link[i] + (counts ? b.LinkChars : 0);
            _foreign[i + 1] = _foreign[i] + (counts && IsOtherStorysHeadline(b) ? 1 : 0);
            _count[i + 1] = _count[i] + (counts ? 1 : 0);
            _all[i + 1] = _all[i] + (b.Hidden ? 0 : b.Text.Length);
            _linkStart[i + 1] = _linkStart[i] + (counts && b.StartsWithLink ? 1 : 0);
        }
    }

    /// <summary>
    /// A top-level headline that links away is another story's (a river of stories, "read next");
    /// an unlinked one inside the body is a page builder's section heading ("Listen to this episode:").
    /// </summary>
    private static bool IsOtherStorysHeadline(Block block) =>
        block.Kind == BlockKind.Heading && block.HeadingLevel == 1 && block.LinkDensity > HtmlBlockThresholds.Default.LinkDenseShare;

    private enum Verdict { Include, Neutral, Gap, Bad }

    private readonly record struct Item(int First, int End, Box? Box);

    /// <summary>
    /// The article body often comes in several sibling or cousin containers (chunks between ads,
    /// sections around embeds). From the core, climb the ancestors and take in adjacent items that
    /// read as prose, skipping ads and other marked regions, until something that is not prose
    /// (a teaser list, another article, the headline) closes each side.
    /// </summary>
    private List<(int First, int End, Box Stop)> Expand(Box top)
    {
        var selected = new List<(int, int, Box)>();
        if (top.Parent is null)
        {
            selected.Add((top.First, top.End, top));
            return selected;
        }
        selected.Add((top.First, top.End, top.Parent));
        bool leftOpen = true, rightOpen = true;
        var current = top;
        for (var level = 0; level < 10 && (leftOpen || rightOpen) && !IsArticleLimit(current, Thread); level++)
        {
            var parent = current.Parent;
            if (parent is null)
                break;
            var items = Items(parent);
            var at = items.FindIndex(item => ReferenceEquals(item.Box, current));
            if (rightOpen)
                rightOpen = Side(items, at, +1, parent, selected);
            if (leftOpen)
                leftOpen = Side(items, at, -1, parent, selected);
            if (IsArticleLimit(parent, Thread))
                break;
            current = parent;
        }
        return selected;
    }

    // In a thread every post may be an <article>: the thread, not the post, is the story.
    private static bool IsArticleLimit(Box box, bool thread) =>
        box.Tag is "main" or "body" or "html" || box.Tag == "article" && !thread || box.ArticleBodyProp;

    private bool Side(List<Item> items, int at, int step, Box parent, List<(int, int, Box)> selected)
    {
        var pending = new List<Item>();
        var skipped = false;
        for (var j = at + step; j >= 0 && j < items.Count; j += step)
        {
            var item = items[j];
            switch (Judge(item))
            {
                case Verdict.Include:
                    foreach (var gap in pending)
                        selected.Add((gap.First, gap.End, parent));
                    pending.Clear();
                    selected.Add((item.First, item.End, parent));
                    skipped = false;
                    break;
                case Verdict.Gap:
                    pending.Add(item);
                    break;
                case Verdict.Neutral:
                    break;
                case Verdict.Bad:
                    // One small foreign widget (a newsletter box without a telling class) may sit
                    // between two parts of the story, and so may a larger box (a table of
                    // contents, a "more like this" row) when well more of the story follows it
                    // than the box holds: look past it, without taking it in.
                    if ((skipped || !IsSmallInterruption(item)) && !IsPassable(items, j, step))
                        return false;
                    skipped = true;
                    pending.Clear();
                    break;
            }
        }
        return !skipped;
    }

    /// <summary>
    /// Whether the story goes on past the box at <paramref name="j"/>: the prose of the items that
    /// follow it (up to the next box that is not prose) is at least <see cref="ProseBeyondFactor"/>
    /// times the box's text and <see cref="MinProseBeyond"/> characters. A headline, another
    /// article's headline, a footer or the comments are never passed.
    /// </summary>
    private bool IsPassable(List<Item> items, int j, int step)
    {
        var item = items[j];
        if (_titleIndex >= item.First && _titleIndex < item.End || _foreign[item.End] - _foreign[item.First] > 0
            || item.Box is { Region: Region.Footer or Region.Comments })
            return false;
        var beyond = 0;
        for (var k = j + step; k >= 0 && k < items.Count; k += step)
        {
            var verdict = Judge(items[k]);
            if (verdict == Verdict.Bad)
                break;
            if (verdict == Verdict.Include)
                beyond += _good[items[k].End] - _good[items[k].First];
        }
        var size = _vis[item.End] - _vis[item.First];
        return beyond >= MinProseBeyond && beyond >= ProseBeyondFactor * size;
    }

    /// <summary>Prose past a box, in characters, for the story to be seen going on past it.</summary>
    private const int MinProseBeyond = 500;

    /// <summary>How many times the box's own text the prose past it must be.</summary>
    private const int ProseBeyondFactor = 2;

    private bool IsSmallInterruption(Item item) =>
        _vis[item.End] - _vis[item.First] <= 250 && _foreign[item.End] - _foreign[item.First] == 0
        && !(_titleIndex >= item.First && _titleIndex < item.End);

    private Verdict Judge(Item item)
    {
        int a = item.First, b = item.End;
        if (_titleIndex >= a && _titleIndex < b)
            return Verdict.Bad;
        if (item.Box is { } box)
        {
            if (box.Hidden)
                return Verdict.Neutral;
            if (box.Region != Region.None)
            {
                // Small widgets (ads, share bars, an inline "related" box) sit inside the story;
                // a footer, the comments or any large marked region ends it.
                if (box.Region is Region.Footer or Region.Comments)
                    return Verdict.Bad;
                return box.Region == Region.Advertisement || _all[b] - _all[a] <= 400 ? Verdict.Neutral : Verdict.Bad;
            }
        }
        var visible = _vis[b] - _vis[a];
        var good = _good[b] - _good[a];
        var link = _link[b] - _link[a];
        if (_foreign[b] - _foreign[a] > 0)
            return Verdict.Bad;
        if (visible == 0)
            return Verdict.Neutral;
        if (visible <= 80)
            return link * 2 < visible ? Verdict.Gap : Verdict.Neutral;
        var count = _count[b] - _count[a];
        var teasers = count >= 3 && (_linkStart[b] - _linkStart[a]) * 2 >= count;
        if (good * 2 >= visible && link * 10 < visible * 3 && !teasers)
            return Verdict.Include;
        return Verdict.Bad;
    }

    private static List<Item> Items(Box parent)
    {
        var items = new List<Item>();
        var cursor = parent.First;
        if (parent.Children is not null)
        {
            foreach (var child in parent.Children)
            {
                if (child.First > cursor)
                    items.Add(new Item(cursor, child.First, null));
                items.Add(new Item(child.First, child.End, child));
                cursor = child.End;
            }
        }
        if (parent.End > cursor)
            items.Add(new Item(cursor, parent.End, null));
        return items;
    }

    private static double InitialScore(Box box)
    {
        var score = box.Tag switch
        {
            "div" or "article" or "main" or "section" => 5,
            "pre" or "td" or "blockquote" => 3,
            "address" or "ol" or "ul" or "dl" or "dd" or "dt" or "li" or "form" => -3,
            "h1" or "h2" or "h3" or "h4" or "h5" or "h6" or "th" => -5,
            _ => 0,
        };
        if (box.Positive)
            score += 25;
        if (box.Region != Region.None)
            score -= 25;
        return score;
    }

    /// <summary>The element a paragraph's score goes to: the parent of a text block, or a div holding loose text.</summary>
    private static Box ContainerOf(Box owner)
    {
        var box = owner;
        while (box.Parent is not null && !IsBlockTag(box.Tag))
            box = box.Parent;
        if (box.Parent is null)
            return box;
        return box.Children is null || box.Tag is "p" or "li" or "pre" or "blockquote" or "td" or "th" or "dd" or "dt" or "figcaption" or "tr"
            || box.Tag.Length == 2 && box.Tag[0] == 'h'
            ? box.Parent
            : box;
    }

    private static bool IsBlockTag(string tag) => tag is not ("span" or "a" or "em" or "strong" or "b" or "i" or "small" or "font" or "u" or "time" or "label" or "cite");
}

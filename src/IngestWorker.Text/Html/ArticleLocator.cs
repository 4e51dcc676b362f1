using System.Collections.Frozen;
using IngestWorker.Text.Cleaning;
using IngestWorker.Text.Extraction;

namespace IngestWorker.Text.Html;

/// <summary>
/// Decides, for the blocks of one page, which are the article: block features, the headline,
/// the container of the article body, and the pruning of boilerplate inside it.
/// </summary>
internal sealed class ArticleLocator
{
    private readonly IReadOnlyList<Block> _blocks;
    private readonly IReadOnlyList<Box> _boxes;
    private readonly Box _root;
    private readonly HtmlMetadata _meta;
    private FrozenSet<string>? _stopwords;
    private int _titleIndex = -1;

    private readonly List<(Box Box, int BlockIndex)> _images;

    public ArticleLocator(IReadOnlyList<Block> blocks, IReadOnlyList<Box> boxes, Box root, HtmlMetadata meta, List<(Box Box, int BlockIndex)> images)
    {
        _images = images;
        _blocks = blocks;
        _boxes = boxes;
        _root = root;
        _meta = meta;
    }

    public string? TitleText => _titleIndex >= 0 ? _blocks[_titleIndex].Text : null;

    public void Run()
    {
        if (_blocks.Count == 0)
            return;
        GuessLanguage();
        foreach (var block in _blocks)
            Features(block);
        Neutralize();
        MarkCaptions();
        FindTitle();
        ScopeHeaders();
        Statistics();
        var top = Locate();
        var content = top is null ? [(0, _blocks.Count, _root)] : Expand(top);
        if (DeclaredBody.Reselect(_meta.ArticleBody, _blocks, _boxes, content) is { } declared)
            content = [(declared.First, declared.End, declared.Parent ?? declared)];
        Assign(content);
    }

    // ---- features ----------------------------------------------------------------------------

    private void GuessLanguage()
    {
        var words = new List<string>();
        foreach (var block in _blocks)
        {
            if (block.Hidden || block.Text.Length < 60)
                continue;
            foreach (var word in TextStats.Words(block.Text))
            {
                words.Add(word.ToLowerInvariant());
                if (words.Count >= 600)
                    break;
            }
            if (words.Count >= 600)
                break;
        }
        _stopwords = Stopwords.For(Stopwords.Guess(words));
    }

    private void Features(Block block)
    {
        var stats = TextStats.Measure(block.Text, _stopwords);
        block.Words = stats.Words;
        block.Stopwords = stats.Stopwords;
        block.Commas = stats.Commas;
        block.EndsSentence = stats.EndsSentence;
        block.Good = IsProse(block, stats.Dense, ignoreLinks: false);
        block.Sentences = IsProse(block, stats.Dense, ignoreLinks: true);
    }

    private bool IsProse(Block block, bool dense, bool ignoreLinks)
    {
        if (block.Kind == BlockKind.Heading || (!ignoreLinks && block.LinkDensity > 0.35))
            return false;
        var length = block.Text.Length;
        if (dense)
            return length >= 40; // scripts written without spaces between words
        if (block.Words < 8 || length < 40)
            return false;
        if (_stopwords is not null && block.Stopwords * 10 >= block.Words * 1)
            return true;
        return block.EndsSentence || block.Commas > 0 || length >= 150;
    }

    // ---- markup that contradicts the text ---------------------------------------------------

    /// <summary>
    /// A "hidden" or boilerplate-named element that holds most of the page's prose is a layout
    /// wrapper (body class "has-sidebar", content shown by script), not what its name says.
    /// Comment sections are the exception: they may outweigh a short article.
    /// </summary>
    private void Neutralize()
    {
        foreach (var block in _blocks)
        {
            if (!block.Good)
                continue;
            for (var box = block.Owner; box is not null; box = box.Parent)
                box.AllGoodChars += block.Text.Length;
        }
        var total = _root.AllGoodChars;
        var embeds = new HashSet<Box>(ReferenceEqualityComparer.Instance);
        foreach (var box in _boxes)
        {
            if (box.Tag != "blockquote")
                continue;
            for (var up = box.Parent; up is not null && up.Depth >= box.Depth - 4; up = up.Parent)
            {
                if (up.Region is Region.Share or Region.Aside)
                    embeds.Add(up);
            }
        }
        foreach (var box in _boxes)
        {
            var major = total > 0 && box.AllGoodChars * 2 >= total;
            if (box.OwnHidden && major)
                box.OwnHidden = false;
            if (box.Region != Region.None && major && box.Region != Region.Comments)
                box.Region = Region.None;
            // "social" or "widget" also name embedded posts (a quoted tweet), which are prose, not buttons.
            if ((box.Region == Region.Share && box.AllGoodChars >= 80 || embeds.Contains(box)) && box.Tag is not ("a" or "button" or "aside"))
                box.Region = Region.None;
        }
        // Boxes are in document (pre-)order: parents come before their children.
        foreach (var box in _boxes)
        {
            box.Hidden = box.OwnHidden || (box.Parent?.Hidden ?? false);
            box.RegionBox = box.Region != Region.None ? box : box.Parent?.RegionBox;
        }
        foreach (var block in _blocks)
            block.Hidden = block.Owner.Hidden;
    }

    // ---- captions ----------------------------------------------------------------------------

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

    // ---- locating the article ----------------------------------------------------------------

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
            _foreign[i + 1] = _foreign[i] + (counts && b.Kind == BlockKind.Heading && b.HeadingLevel == 1 ? 1 : 0);
            _count[i + 1] = _count[i] + (counts ? 1 : 0);
            _all[i + 1] = _all[i] + (b.Hidden ? 0 : b.Text.Length);
            _linkStart[i + 1] = _linkStart[i] + (counts && b.StartsWithLink ? 1 : 0);
        }
    }

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
        for (var level = 0; level < 10 && (leftOpen || rightOpen) && !IsArticleLimit(current); level++)
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
            if (IsArticleLimit(parent))
                break;
            current = parent;
        }
        return selected;
    }

    private static bool IsArticleLimit(Box box) =>
        box.Tag is "article" or "main" or "body" or "html" || box.ArticleBodyProp;

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
                    // between two parts of the story: look past it, without taking it in.
                    if (skipped || !IsSmallInterruption(item))
                        return false;
                    skipped = true;
                    pending.Clear();
                    break;
            }
        }
        return !skipped;
    }

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

    // ---- decisions ---------------------------------------------------------------------------

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
                block.Reason = BoilerplateReasons.Title;
                continue;
            }
            if (block.Hidden)
            {
                block.Reason = BoilerplateReasons.Hidden;
                continue;
            }
            if (stops[i] is not { } stop)
            {
                block.Reason = OutsideReason(block, i);
                continue;
            }
            var inner = RegionOf(block.Owner, stop);
            if (inner != Region.None)
            {
                block.Reason = ReasonFor(inner);
                continue;
            }
            if (block.Caption)
            {
                block.Reason = BoilerplateReasons.Caption;
                continue;
            }
            if (_titleIndex >= 0 && block.Kind == BlockKind.Heading && SameText(block.Text, _blocks[_titleIndex].Text))
            {
                block.Reason = BoilerplateReasons.Repeated;
                continue;
            }
            if (IsLinkDense(block))
                block.Reason = BoilerplateReasons.LinkDense;
            else if (BoilerplateText.Classify(block.Text, block.Kind == BlockKind.ListItem) is { } wording)
                block.Reason = wording;
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
                    _blocks[i].Reason = BoilerplateReasons.Repeated;
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
                _blocks[i].Reason = BoilerplateReasons.Repeated;
                continue;
            }
            foreach (var j in kept)
            {
                var other = _blocks[j];
                if (j == i || other.Reason is not null || other.Text.Length <= text.Length)
                    continue;
                if (other.Text.Contains(text, StringComparison.Ordinal))
                {
                    _blocks[i].Reason = BoilerplateReasons.Repeated;
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

    /// <summary>Mostly link text; sentences rich in links (a blogger's roundup) are allowed more.</summary>
    private static bool IsLinkDense(Block block) =>
        block.LinkDensity > 0.5 && !(block.Sentences && block.Words >= 12 && block.EndsSentence && block.LinkDensity <= 0.8);

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
                    _blocks[i].Reason = BoilerplateReasons.LinkDense;
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
                    block.Reason = reason;
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
                block.Reason = nextReason;
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
                        candidate.Reason = null;
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
    internal static bool InMainRegion(Block block) =>
        !block.Hidden && RegionOf(block.Owner, null) is Region.None or Region.Related or Region.Promotion or Region.Byline or Region.Caption;

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

using System.Collections.Frozen;
using System.Text;
using AngleSharp.Dom;
using IngestWorker.Text.Extraction;

namespace IngestWorker.Text.Html;

/// <summary>
/// Walks the DOM once and cuts the visible text into blocks at block-level boundaries, collapsing
/// whitespace the way a browser does, so that inline markup never glues two words and block
/// markup always separates them. Each block remembers the innermost boundary element (its
/// <see cref="Box"/>); each box remembers the range of blocks its subtree produced.
/// </summary>
internal sealed class DomSegmenter
{
    /// <summary>Elements whose content is never rendered as text.</summary>
    private static readonly FrozenSet<string> Skipped = new[]
    {
        "script", "style", "template", "svg", "head", "title", "meta", "link", "iframe", "object", "embed",
        "canvas", "video", "audio", "map", "input", "select", "option", "optgroup", "datalist", "textarea", "math",
        "picture", "source", "track", "img", "param", "base", "frame", "frameset", "noframes", "applet", "dialog",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// A <c>noscript</c> element holding at least this many characters of text is the page as it
    /// shows without scripts (forum software such as Discourse serves the whole thread there, for
    /// crawlers); shorter ones are notices ("Enable JavaScript") and tracking pixels.
    /// </summary>
    private const int MinNoScriptContentChars = 200;

    /// <summary>Elements that start and end a block.</summary>
    private static readonly FrozenSet<string> BlockTags = new[]
    {
        "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dir", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "li",
        "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "thead", "tfoot", "tr", "ul",
        "caption", "legend", "listing", "plaintext", "xmp", "html", "button", "label", "output", "colgroup",
    }.ToFrozenSet(StringComparer.Ordinal);

    private const int MaxDepth = 400;

    private readonly CancellationToken _cancellationToken;
    private int _elements;

    public DomSegmenter(CancellationToken cancellationToken = default) => _cancellationToken = cancellationToken;

    private readonly List<Block> _blocks = [];
    private readonly List<Box> _boxes = [];
    private readonly StringBuilder _text = new();
    private int _linkChars;
    private bool _startsWithLink;
    private bool _lastInLink;
    private int _linkDepth;
    private bool _pendingSpace;
    private bool _startsParagraph = true;
    private Box? _current;

    // Counted without building the element's text (a forum's noscript holds the whole thread), and
    // only until the threshold is reached.
    private static bool IsNoScriptContent(IElement noscript)
    {
        var chars = 0;
        var node = noscript.FirstChild;
        while (node is not null)
        {
            if (node.NodeType == NodeType.Text && (chars += node.TextContent.Length) >= MinNoScriptContentChars)
                return true;
            if (node.FirstChild is { } child)
            {
                node = child;
                continue;
            }
            while (node is not null && node.NextSibling is null)
            {
                node = node.Parent;
                if (ReferenceEquals(node, noscript))
                    return false;
            }
            node = node?.NextSibling;
        }
        return false;
    }

    public IReadOnlyList<Block> Blocks => _blocks;
    public IReadOnlyList<Box> Boxes => _boxes;
    public Box? Root { get; private set; }

    public void Run(IElement root)
    {
        Root = Open(root, null, "html");
        Walk(root, Root, 0);
        Flush(true);
        Close(Root);
    }

    private Box Open(IElement element, Box? parent, string tag)
    {
        var box = new Box(element, parent, tag) { First = _blocks.Count };
        if (parent is not null)
        {
            (parent.Children ??= []).Add(box);
            box.Hidden = parent.Hidden;
            box.Preformatted = parent.Preformatted;
            box.KindHint = parent.KindHint;
            box.HeadingLevel = parent.HeadingLevel;
        }
        ApplyKind(box, tag);
        _boxes.Add(box);
        return box;
    }

    private void Close(Box box) => box.End = _blocks.Count;

    private static void ApplyKind(Box box, string tag)
    {
        if (tag.Length == 2 && tag[0] == 'h' && tag[1] is >= '1' and <= '6')
        {
            box.KindHint = BlockKind.Heading;
            box.HeadingLevel = tag[1] - '0';
            return;
        }
        var sticky = box.KindHint is BlockKind.Quote or BlockKind.Caption or BlockKind.Preformatted or BlockKind.Heading;
        switch (tag)
        {
            case "pre" or "listing" or "xmp" or "plaintext":
                box.KindHint = BlockKind.Preformatted;
                box.Preformatted = true;
                box.HeadingLevel = 0;
                return;
            case "blockquote":
                if (box.KindHint != BlockKind.Heading)
                    box.KindHint = BlockKind.Quote;
                return;
            case "figcaption" or "caption":
                box.KindHint = BlockKind.Caption;
                box.HeadingLevel = 0;
                return;
        }
        if (sticky)
            return;
        switch (tag)
        {
            case "p":
                box.KindHint = BlockKind.Paragraph;
                break;
            case "li" or "dt" or "dd":
                box.KindHint = BlockKind.ListItem;
                break;
            case "tr":
                box.KindHint = BlockKind.TableRow;
                break;
            case "td" or "th" or "article" or "section" or "main" or "body" or "html" or "table":
                box.KindHint = BlockKind.Paragraph;
                break;
        }
    }

    private void Walk(INode node, Box box, int depth)
    {
        for (var child = node.FirstChild; child is not null; child = child.NextSibling)
        {
            switch (child.NodeType)
            {
                case NodeType.Text:
                    Append(child.TextContent, box);
                    break;
                case NodeType.Element:
                    VisitElement((IElement)child, box, depth + 1);
                    break;
            }
        }
    }

    private void VisitElement(IElement element, Box box, int depth)
    {
        if ((++_elements & 1023) == 0)
            _cancellationToken.ThrowIfCancellationRequested();
        var tag = element.LocalName;
        if (Skipped.Contains(tag) || (tag == "noscript" && !IsNoScriptContent(element)))
        {
            if (tag is "img" or "picture" or "video" or "iframe")
                NoteImage(element, box);
            return;
        }
        if (tag == "br")
        {
            if (_text.Length == 0 && _blocks.Count > 0 && _current == box)
                _startsParagraph = true; // a second <br> in a row: a blank line
            Flush(false);
            _current = box;
            return;
        }
        if (depth > MaxDepth)
        {
            WalkFlat(element, box);
            return;
        }

        var hidden = IsHidden(element);
        var region = HtmlKeywords.FromTagAndRole(tag, element);
        var classes = element.GetAttribute("class");
        var named = HtmlKeywords.FromNames(classes, element.Id, out var positive, out var namedBy);
        var hiddenByClass = named == Region.Hidden;
        if (hiddenByClass)
            named = Region.None;
        // "hidden lg:flex": hidden on a phone, shown on the desktop the page is read at.
        hidden |= ResponsiveDisplay.ShownOnDesktop(classes) is { } shown ? !shown : hiddenByClass && !IsCollapsedPanel(element);
        if (box.Preformatted)
            named = Region.None; // a syntax highlighter's "comment" or "keyword" span is code, not furniture
        if (region == Region.None)
            region = named;
        else
            namedBy = null;
        var itemprop = element.GetAttribute("itemprop");
        var bodyProp = itemprop is not null && itemprop.Contains("articleBody", StringComparison.OrdinalIgnoreCase);
        positive |= bodyProp;

        if (tag is "html" or "body")
        {
            hidden = false;
            region = Region.None;
            positive = false;
        }
        var isBlock = BlockTags.Contains(tag);
        if (!isBlock && (tag is "td" or "th"))
            isBlock = HasBlockContent(element);
        if (!isBlock && (hidden || (region != Region.None && tag != "a" && !InsideTextBlock(box))))
            isBlock = true;

        if (!isBlock)
        {
            var cell = tag is "td" or "th";
            if (cell)
                _pendingSpace = _text.Length > 0;
            if (tag == "a")
            {
                var blockBefore = _blocks.Count;
                var start = _text.Length + (_pendingSpace ? 1 : 0);
                var linkBefore = _linkChars;
                _linkDepth++;
                Walk(element, box, depth);
                _linkDepth--;
                _lastInLink = false;
                if (_linkDepth == 0 && _blocks.Count == blockBefore && start < _text.Length && LooksLikeUrl(start))
                    _linkChars = linkBefore; // a printed address is a citation, not navigation
            }
            else
            {
                Walk(element, box, depth);
            }
            if (cell)
                _pendingSpace = _text.Length > 0;
            return;
        }

        Flush(true);
        var inner = Open(element, box, tag);
        inner.Region = region;
        inner.NamedBy = region == Region.None ? null : namedBy;
        inner.Positive = positive;
        inner.ArticleBodyProp = bodyProp;
        inner.Hidden |= hidden;
        inner.OwnHidden = hidden;
        if (tag == "a")
            _linkDepth++;
        Walk(element, inner, depth);
        if (tag == "a")
        {
            _linkDepth--;
            _lastInLink = false;
        }
        Flush(true);
        Close(inner);
        _startsParagraph = true;
    }

    /// <summary>Images that stand on their own (not inline in a run of text), with where they are.</summary>
    public List<(Box Box, int BlockIndex)> Images { get; } = [];

    private void NoteImage(IElement element, Box box)
    {
        if (_text.Length > 0 && ReferenceEquals(_current, box))
            return; // an inline image (emoji, icon) inside a line of text
        if (element.LocalName == "img" && (IsSmall(element.GetAttribute("width")) || IsSmall(element.GetAttribute("height"))))
            return;
        if (Images.Count > 0 && ReferenceEquals(Images[^1].Box, box) && Images[^1].BlockIndex == _blocks.Count)
            return;
        Images.Add((box, _blocks.Count));
    }

    private static bool IsSmall(string? size) =>
        size is not null && int.TryParse(size.AsSpan().TrimEnd("px"), out var pixels) && pixels > 0 && pixels < 60;

    private bool LooksLikeUrl(int start)
    {
        var length = _text.Length - start;
        if (length < 8)
            return false;
        Span<char> head = stackalloc char[8];
        for (var i = 0; i < 8; i++)
            head[i] = char.ToLowerInvariant(_text[start + i]);
        if (!(head.StartsWith("http://") || head.StartsWith("https://") || head.StartsWith("www.")))
            return false;
        for (var i = start; i < _text.Length; i++)
        {
            if (_text[i] == ' ')
                return false;
        }
        return true;
    }

    /// <summary>
    /// Pathologically deep markup: the rest of the subtree as one run of text, walked without
    /// recursion (block elements still separate words).
    /// </summary>
    private void WalkFlat(IElement element, Box box)
    {
        var stack = new Stack<(INode Node, bool Exit)>();
        stack.Push((element, false));
        while (stack.Count > 0)
        {
            var (node, exit) = stack.Pop();
            if (exit)
            {
                _linkDepth--;
                _lastInLink = false;
                continue;
            }
            if (node.NodeType == NodeType.Text)
            {
                Append(node.TextContent, box);
                continue;
            }
            if (node is not IElement child || Skipped.Contains(child.LocalName) || (child.LocalName == "noscript" && !IsNoScriptContent(child)))
                continue;
            if (child.LocalName == "br" || BlockTags.Contains(child.LocalName))
                _pendingSpace = _text.Length > 0;
            if (child.LocalName == "a")
            {
                _linkDepth++;
                stack.Push((child, true));
            }
            for (var c = child.LastChild; c is not null; c = c.PreviousSibling)
                stack.Push((c, false));
        }
    }

    private static bool InsideTextBlock(Box box) =>
        box.Tag is "p" or "li" or "h1" or "h2" or "h3" or "h4" or "h5" or "h6" or "blockquote" or "td" or "th" or "dd" or "dt" or "figcaption";

    private static bool HasBlockContent(IElement cell)
    {
        foreach (var descendant in cell.QuerySelectorAll("*"))
        {
            if (BlockTags.Contains(descendant.LocalName))
                return true;
        }
        return false;
    }

    internal static bool IsHidden(IElement element)
    {
        var aria = element.GetAttribute("aria-hidden");
        var style = element.GetAttribute("style");
        // A closed <details> is not hidden: its content is one click away, like an accordion's
        // (FAQ answers, a course's requirements), and readers count it as the page's text.
        var hidden = element.HasAttribute("hidden")
            || aria is not null && aria.Trim().Equals("true", StringComparison.OrdinalIgnoreCase)
            || style is not null && style.Length > 0 && HiddenStyle(style);
        return hidden && !IsCollapsedPanel(element) && !IsStreamedSegment(element);
    }

    /// <summary>
    /// React's streamed server rendering sends each late part of a page as <c>&lt;div hidden id="S:1f"&gt;</c>
    /// and a script that moves it into its place at once: the reader sees it.
    /// </summary>
    private static bool IsStreamedSegment(IElement element) =>
        element.Id is ['S', ':', _, ..] id && !id.AsSpan(2).ContainsAnyExcept(HexDigits);

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>
    /// A collapsed accordion or tab panel is hidden only until the reader opens it: like a closed
    /// <c>&lt;details&gt;</c>, its text is the page's. WAI-ARIA marks one with <c>role="tabpanel"</c>, or
    /// <c>role="region"</c> labelled by the button that opens it; many sites only by its class
    /// (<c>accordion__content</c>, <c>collapse</c>, <c>tab-pane</c>, a "read more" <c>expander</c>;
    /// <see cref="HtmlKeywords.NamesCollapsiblePanel"/>), others only by the button before it.
    /// </summary>
    private static bool IsCollapsedPanel(IElement element)
    {
        var role = element.GetAttribute("role");
        return role is not null && (role.Equals("tabpanel", StringComparison.OrdinalIgnoreCase)
                || role.Equals("region", StringComparison.OrdinalIgnoreCase) && element.HasAttribute("aria-labelledby"))
            || HtmlKeywords.NamesCollapsiblePanel(element.GetAttribute("class"))
            || element.PreviousElementSibling is { } toggle && IsDisclosureButton(toggle);
    }

    /// <summary>
    /// WAI-ARIA's disclosure pattern: a button right before a hidden box shows and hides it. One that
    /// holds a heading is a question or a section title (an FAQ's question and its answer); a menu's
    /// button ("Our services") holds a label, and its hidden menu stays hidden (reading those cost a
    /// streamed article its body).
    /// </summary>
    private static bool IsDisclosureButton(IElement toggle) =>
        toggle.LocalName == "button" && toggle.QuerySelector("h1, h2, h3, h4, h5, h6") is not null;

    private static bool HiddenStyle(string style)
    {
        // display:none or visibility:hidden, tolerant of spaces and case.
        Span<char> compact = stackalloc char[Math.Min(style.Length, 512)];
        var n = 0;
        foreach (var c in style)
        {
            if (n == compact.Length)
                break;
            if (!char.IsWhiteSpace(c))
                compact[n++] = char.ToLowerInvariant(c);
        }
        var s = compact[..n];
        return s.Contains("display:none", StringComparison.Ordinal) || s.Contains("visibility:hidden", StringComparison.Ordinal);
    }

    private void Append(string text, Box box)
    {
        if (!ReferenceEquals(_current, box) && _text.Length > 0)
            Flush(true);
        _current = box;
        if (box.Preformatted)
        {
            foreach (var c in text)
            {
                if (c == '\r')
                    continue;
                _text.Append(c);
                if (_linkDepth > 0)
                    _linkChars++;
            }
            return;
        }
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || c == '\u200B' || c == '\uFEFF')
            {
                _pendingSpace = _text.Length > 0;
                continue;
            }
            if (_text.Length == 0)
                _startsWithLink = _linkDepth > 0;
            if (_pendingSpace)
            {
                _text.Append(' ');
                if (_linkDepth > 0 && _lastInLink)
                    _linkChars++; // a space between two words of the same link
                _pendingSpace = false;
            }
            _text.Append(c);
            _lastInLink = _linkDepth > 0;
            if (_lastInLink)
                _linkChars++;
        }
    }

    private void Flush(bool boundary)
    {
        _pendingSpace = false;
        if (_text.Length == 0 || _current is null)
        {
            _text.Clear();
            _linkChars = 0;
            if (boundary)
                _startsParagraph = true;
            return;
        }
        var text = _current.Preformatted ? _text.ToString().Trim('\n', ' ', '\t') : _text.ToString();
        var owner = _current;
        if (text.Length > 0 && !IsOnlyWhitespace(text))
        {
            _blocks.Add(new Block(text, owner)
            {
                LinkChars = Math.Min(_linkChars, text.Length),
                Kind = owner.KindHint,
                HeadingLevel = owner.KindHint == BlockKind.Heading ? owner.HeadingLevel : 0,
                StartsParagraph = _startsParagraph,
                Hidden = owner.Hidden,
                StartsWithLink = _startsWithLink,
            });
        }
        _text.Clear();
        _linkChars = 0;
        _startsParagraph = boundary;
    }

    private static bool IsOnlyWhitespace(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c))
                return false;
        }
        return true;
    }
}

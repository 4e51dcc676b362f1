using System.Collections.Frozen;
using System.Text;

namespace IngestWorker.Text.Html;

/// <summary>
/// A cheap pass over the markup, before parsing, that drops the tags of elements nested deeper
/// than a limit, and formatting tags beyond a limit of unclosed ones, keeping all their text.
/// Why before parsing: the HTML tree builder searches its stack of open elements on most tags
/// (is a &lt;p&gt; in scope? where is the matching end tag?), so 100,000 nested elements cost
/// AngleSharp minutes (see docs/benchmarks.md); flattening after the parse would be too late.
/// Unclosed formatting tags (&lt;b class=1&gt;&lt;b class=2&gt;…) are capped separately because
/// the parser re-opens every one of them in each new paragraph.
/// </summary>
/// <remarks>
/// The pass models the tree builder's stack roughly, erring towards deeper: it closes an element
/// only where the parser certainly does (a matching end tag in scope, a new &lt;p&gt;, &lt;li&gt;,
/// cell or row closing the previous one). So the parser's tree is never deeper than the limit
/// plus the formatting limit, and pages within the limit pass through unchanged (the same string).
/// </remarks>
internal static class HtmlNestingLimiter
{
    /// <summary>Deeper than real pages go (a few dozen levels), shallower than where parsing cost shows.</summary>
    public const int DefaultMaxDepth = 256;

    /// <summary>Unclosed formatting elements kept open at once; pages rarely leave more than a few open.</summary>
    public const int MaxOpenFormatting = 12;

    private static readonly FrozenSet<string> Void = new[]
    {
        "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "image", "input", "keygen",
        "link", "meta", "param", "source", "track", "wbr",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Elements whose content the tokenizer reads as text up to their own end tag.</summary>
    private static readonly FrozenSet<string> RawText = new[]
    {
        "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The parser's formatting elements (kept in its list of active formatting elements).</summary>
    private static readonly FrozenSet<string> Formatting = new[]
    {
        "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Elements inside a line of text: dropping them must not add a space between words.</summary>
    private static readonly FrozenSet<string> Inline = new[]
    {
        "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u", "span", "abbr",
        "cite", "dfn", "kbd", "mark", "q", "samp", "sub", "sup", "time", "var", "label", "bdi", "bdo", "data", "ins",
        "del", "ruby", "rt", "rp",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Where the parser's searches for an open element stop (scope boundaries and special elements).</summary>
    private static readonly FrozenSet<string> Special = new[]
    {
        "address", "applet", "article", "aside", "blockquote", "body", "button", "caption", "center", "colgroup", "dd",
        "details", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "frameset", "h1", "h2",
        "h3", "h4", "h5", "h6", "head", "header", "hgroup", "html", "li", "listing", "main", "marquee", "menu", "nav",
        "object", "ol", "p", "plaintext", "pre", "search", "section", "select", "summary", "table", "tbody", "td",
        "template", "tfoot", "th", "thead", "tr", "ul", "xmp", "svg", "math",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Elements that end a formatting run (the parser's markers).</summary>
    private static readonly FrozenSet<string> Markers = new[]
    {
        "applet", "caption", "marquee", "object", "td", "th", "template",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Returns the markup with tags beyond the limits removed, or the same string when none are.</summary>
    public static string Limit(string html, int maxDepth = DefaultMaxDepth, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(html);
        var state = new State(maxDepth);
        StringBuilder? output = null;
        var copied = 0; // html[..copied] is in output (or unchanged, while output is null)
        var i = html.IndexOf('<');
        var tags = 0;
        while (i >= 0 && i + 1 < html.Length)
        {
            if ((++tags & 4095) == 0)
                cancellationToken.ThrowIfCancellationRequested();
            var next = html[i + 1];
            int end;
            if (next == '!' || next == '?')
            {
                end = html.AsSpan(i).StartsWith("<!--", StringComparison.Ordinal) ? IndexAfter(html, "-->", i + 4) : IndexAfter(html, ">", i + 2);
                i = end < 0 ? -1 : html.IndexOf('<', end);
                continue;
            }
            var closing = next == '/';
            var nameStart = closing ? i + 2 : i + 1;
            if (nameStart >= html.Length || !char.IsAsciiLetter(html[nameStart]))
            {
                i = html.IndexOf('<', i + 1);
                continue;
            }
            end = TagEnd(html, nameStart);
            if (end < 0)
                break; // an unterminated tag: the parser drops it anyway
            var name = TagName(html, nameStart);
            var selfClosing = html[end - 2] == '/';
            var keep = closing ? state.End(name) : state.Start(name, selfClosing, html.AsSpan(nameStart, end - nameStart));
            if (!keep)
            {
                output ??= new StringBuilder(html.Length);
                output.Append(html, copied, i - copied);
                if (!Inline.Contains(name))
                    output.Append(' '); // a block boundary still separates words
                copied = end;
            }
            i = html.IndexOf('<', end);
            if (!closing && keep && RawText.Contains(name))
            {
                // Skip to the element's own end tag; text inside is never markup.
                var close = html.IndexOf("</" + name, end, StringComparison.OrdinalIgnoreCase);
                i = close;
            }
            else if (!closing && keep && name == "plaintext")
            {
                break;
            }
        }
        if (output is null)
            return html;
        output.Append(html, copied, html.Length - copied);
        return output.ToString();
    }

    /// <summary>The index just past the tag's '&gt;', skipping quoted attribute values; -1 when there is none.</summary>
    private static int TagEnd(string html, int from)
    {
        char quote = '\0';
        for (var k = from; k < html.Length; k++)
        {
            var c = html[k];
            if (quote != '\0')
            {
                if (c == quote)
                    quote = '\0';
            }
            else if (c == '>')
            {
                return k + 1;
            }
            else if ((c == '"' || c == '\'') && k > 0 && (html[k - 1] == '=' || char.IsWhiteSpace(html[k - 1])))
            {
                quote = c;
            }
        }
        return -1;
    }

    private static string TagName(string html, int from)
    {
        var k = from;
        while (k < html.Length && html[k] is not ('>' or '/' or ' ' or '\t' or '\n' or '\r' or '\f'))
            k++;
        var length = Math.Min(k - from, 32);
        return string.Create(length, (html, from), static (span, s) =>
        {
            for (var j = 0; j < span.Length; j++)
                span[j] = char.ToLowerInvariant(s.html[s.from + j]);
        });
    }

    private static int IndexAfter(string html, string what, int from)
    {
        var at = html.IndexOf(what, from, StringComparison.Ordinal);
        return at < 0 ? -1 : at + what.Length;
    }

    /// <summary>The modelled stack of open elements, and the tags dropped and not yet closed.</summary>
    private sealed class State(int maxDepth)
    {
        private readonly List<string> _open = [];
        private readonly List<(string Name, string Key)> _formatting = []; // the active formatting elements, markers as ("", "")
        private readonly Dictionary<string, int> _dropped = new(StringComparer.Ordinal);
        private int _foreign; // open <svg>/<math>: there, "/>" closes an element

        /// <summary>Whether to keep a start tag.</summary>
        public bool Start(string name, bool selfClosing, ReadOnlySpan<char> tag)
        {
            if (Void.Contains(name) || (selfClosing && _foreign > 0))
                return true;
            ImpliedEnds(name);
            var formatting = Formatting.Contains(name);
            // Text-only elements never nest, and dropping one would show its script or style as text.
            var textOnly = RawText.Contains(name) || name == "plaintext";
            if (!textOnly && (_open.Count >= maxDepth || (formatting && OpenFormatting() >= MaxOpenFormatting)))
            {
                _dropped[name] = _dropped.GetValueOrDefault(name) + 1;
                return false;
            }
            _open.Add(name);
            if (formatting)
                AddFormatting(name, tag.ToString());
            else if (Markers.Contains(name))
                _formatting.Add(("", ""));
            if (name is "svg" or "math")
                _foreign++;
            return true;
        }

        /// <summary>Whether to keep an end tag: not when it closes a dropped element.</summary>
        public bool End(string name)
        {
            // A dropped element is deeper than every open one, so it is the one an end tag closes first.
            if (_dropped.TryGetValue(name, out var dropped) && dropped > 0)
            {
                _dropped[name] = dropped - 1;
                return false;
            }
            if (name is "body" or "html")
                return true; // the parser keeps everything open after them
            var formatting = Formatting.Contains(name);
            var index = FindOpen(name, stopAtSpecial: !Special.Contains(name) && !formatting);
            if (formatting)
            {
                RemoveFormatting(name);
                if (index >= 0 && HasSpecialAbove(index))
                {
                    // The adoption agency closes the formatting element but keeps the block inside it open.
                    _open.RemoveAt(index);
                    return true;
                }
            }
            if (index >= 0)
                PopTo(index);
            return true;
        }

        private void AddFormatting(string name, string key)
        {
            // The parser keeps at most three identical ones (same name and attributes) since the last marker.
            var same = 0;
            var earliest = -1;
            for (var k = _formatting.Count - 1; k >= 0 && _formatting[k].Name.Length > 0; k--)
            {
                if (_formatting[k].Key == key)
                {
                    same++;
                    earliest = k;
                }
            }
            if (same >= 3)
                _formatting.RemoveAt(earliest);
            _formatting.Add((name, key));
        }

        private void RemoveFormatting(string name)
        {
            for (var k = _formatting.Count - 1; k >= 0 && _formatting[k].Name.Length > 0; k--)
            {
                if (_formatting[k].Name == name)
                {
                    _formatting.RemoveAt(k);
                    return;
                }
            }
        }

        private bool HasSpecialAbove(int index)
        {
            for (var k = index + 1; k < _open.Count; k++)
            {
                if (Special.Contains(_open[k]))
                    return true;
            }
            return false;
        }

        private int OpenFormatting()
        {
            var count = 0;
            for (var k = _formatting.Count - 1; k >= 0 && _formatting[k].Name.Length > 0; k--)
                count++;
            return count;
        }

        private bool OpenFormattingNamed(string name)
        {
            for (var k = _formatting.Count - 1; k >= 0 && _formatting[k].Name.Length > 0; k--)
            {
                if (_formatting[k].Name == name)
                    return true;
            }
            return false;
        }

        /// <summary>The tags a start tag closes first, where the parser certainly closes them.</summary>
        private void ImpliedEnds(string name)
        {
            switch (name)
            {
                case "a" or "nobr":
                    // A second link closes the first (the adoption agency), as in the parser.
                    if (_formatting.Count > 0 && OpenFormattingNamed(name))
                        End(name);
                    break;
                case "h1" or "h2" or "h3" or "h4" or "h5" or "h6":
                    if (_open.Count > 0 && _open[^1] is "h1" or "h2" or "h3" or "h4" or "h5" or "h6")
                        PopTo(_open.Count - 1);
                    break;
                case "li":
                    CloseIfOpen("li", stopAtSpecial: true);
                    break;
                case "dt" or "dd":
                    CloseIfOpen("dt", stopAtSpecial: true);
                    CloseIfOpen("dd", stopAtSpecial: true);
                    break;
                case "td" or "th":
                    CloseIfOpen("td", stopAtSpecial: true);
                    CloseIfOpen("th", stopAtSpecial: true);
                    break;
                case "tr":
                    CloseIfOpen("tr", stopAtSpecial: true, alsoPast: ["td", "th"]);
                    break;
                case "option" or "optgroup":
                    if (_open.Count > 0 && _open[^1] == "option")
                        PopTo(_open.Count - 1);
                    break;
            }
            if (Special.Contains(name) && name is not ("td" or "th" or "tr" or "li" or "dt" or "dd" or "table" or "caption"
                or "html" or "body" or "head" or "template" or "applet" or "object" or "marquee" or "select" or "button"))
            {
                CloseIfOpen("p", stopAtSpecial: true);
            }
        }

        private void CloseIfOpen(string name, bool stopAtSpecial, string[]? alsoPast = null)
        {
            var index = FindOpen(name, stopAtSpecial, alsoPast);
            if (index >= 0)
                PopTo(index);
        }

        /// <summary>The stack index of the nearest open <paramref name="name"/>, searching no further than the parser would.</summary>
        private int FindOpen(string name, bool stopAtSpecial, string[]? alsoPast = null)
        {
            for (var k = _open.Count - 1; k >= 0; k--)
            {
                var open = _open[k];
                if (open == name)
                    return k;
                if (alsoPast is not null && alsoPast.Contains(open))
                    continue;
                if (stopAtSpecial ? Special.Contains(open) && open is not ("address" or "div" or "p") || Markers.Contains(open) || open is "table" or "html"
                                  : Markers.Contains(open) || open is "table" or "html")
                    return -1;
            }
            return -1;
        }

        private void PopTo(int index)
        {
            for (var k = _open.Count - 1; k >= index; k--)
            {
                var open = _open[k];
                if (open is "svg" or "math")
                    _foreign--;
                if (Markers.Contains(open))
                {
                    var marker = _formatting.FindLastIndex(f => f.Name.Length == 0);
                    if (marker >= 0)
                        _formatting.RemoveRange(marker, _formatting.Count - marker);
                }
            }
            _open.RemoveRange(index, _open.Count - index);
        }
    }
}

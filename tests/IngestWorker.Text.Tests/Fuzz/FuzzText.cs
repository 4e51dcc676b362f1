using System.Text;
using CsCheck;

namespace IngestWorker.Text.Tests.Fuzz;

/// <summary>
/// Generators of text that looks like what the readers expect, and of text that is hostile in the
/// ways real files are: combining marks, right-to-left and bidi controls, lone surrogates, control
/// characters, byte-order marks, entities that name no character, scripts written without spaces.
/// Sizes stay small (kilobytes): the known costly cases (tens of thousands of nested elements,
/// millions of lines) are left to the per-document limits, not what these look for.
/// </summary>
internal static class FuzzText
{
    /// <summary>Pieces of prose and of hostile Unicode, concatenated by <see cref="Prose"/>.</summary>
    private static readonly string[] Atoms =
    [
        // prose
        "the", "council", "voted", "on", "Tuesday", "Hello", "world", "river", "plan", "residents", "said",
        "The council met on Tuesday and voted on the new plan for the river bank.",
        "Residents said they were pleased that the matter was settled at last.",
        "lorem ipsum", "javascript", "privacy policy", "uses cookies", "Read more", "Share", "Subscribe",
        "Copyright 2024 Example News. All rights reserved.", "By Jane Doe, Staff Writer", "Related articles",
        // dates and numbers
        "2019", "18.11.2019", "Nov 18, 2019 at 9:24 pm ET", "Feb 31, 2019", "31 de fevereiro de 2020", "2013年04月09日",
        "2018-08-25 15:24", "Sun Jan 8, 2017 2:28PM", "Published 1 day ago", "99:99", "0:00 am", "12:00 pm", "1st", "22nd",
        "\u0661\u0669\u0669\u0665", "\u07C0\u07C6", "\uFF12\uFF10\uFF11\uFF19",
        // punctuation
        ".", ",", ";", ":", "!", "?", "\"", "'", "`", "(", ")", "[", "]", "{", "}", "<", ">", "&", "@", "#", "$", "%",
        "...", "\u2026", "-", "--", "\u2022", "*", "_", "~", "|", "\\", "/", "=", "\"\"\"\"", "''", "n't", "'s",
        // whitespace and line breaks
        " ", "  ", "\t", "\n", "\n\n", "\r\n", "\r", "\u00A0", "\u2028", "\u2029", "\u0085", "\v", "\f", "\u3000", "\u202F",
        // combining marks
        "e\u0301", "\u0301", "\u0301\u0301\u0301\u0301", "a\u0308\u0323", "\u0345", "\u1100\u1161\u11A8", "\u0B95\u0BCD",
        // right-to-left and bidi controls
        "\u0645\u0631\u062D\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645", "\u05E9\u05DC\u05D5\u05DD", "\u200F", "\u200E",
        "\u202E", "\u202B", "\u202C", "\u2066", "\u2069",
        // scripts without spaces, and others
        "\u65E5\u672C\u8A9E\u306E\u30C6\u30AD\u30B9\u30C8", "\u4E2D\u6587\u6587\u672C\u3002", "\uD55C\uAD6D\uC5B4 \uD14D\uC2A4\uD2B8",
        "\u0E20\u0E32\u0E29\u0E32\u0E44\u0E17\u0E22", "\u0939\u093F\u0928\u094D\u0926\u0940", "\u041F\u0440\u0438\u0432\u0435\u0442",
        "\u0F56\u0F7C\u0F51", "\u1780\u17D2\u1798",
        // surrogate pairs, and lone surrogates (which strict decoding must never let through)
        "\uD83D\uDE00", "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67", "\uD83C\uDDEB\uD83C\uDDF7", "\uD800", "\uDFFF", "\uDBFF",
        "\uDC00\uD800",
        // control and invisible characters, byte-order marks
        "\0", "\u0001", "\u001B", "\u007F", "\u0080", "\u009F", "\uFEFF", "\u200B", "\u00AD", "\u2060", "\uFFFC", "\u200C", "\u200D",
        "\uFFFE", "\uFFFF", "\uFFFD", "\uFFFD\uFFFD\uFFFD", "\u00C3\u00A9", "\u00E2\u20AC\u2122", "\u0420\u00B0",
        // entities, valid and not
        "&amp;", "&lt;", "&gt;", "&nbsp;", "&quot;", "&#39;", "&#xD800;", "&#55296;", "&#xDFFF;", "&#0;", "&#x110000;",
        "&#128512;", "&#x1F600;", "&#99999999999;", "&amp", "&bogus;", "&#;", "&#x;", "&NotAnEntity;", "&#x0D;",
    ];

    public static Gen<string> Atom { get; } = Gen.OneOf(Atoms);

    /// <summary>Any single UTF-16 code unit, surrogates included.</summary>
    public static Gen<string> AnyChar { get; } = Gen.Char.Select(c => c.ToString());

    public static Gen<string> Word { get; } = Gen.Frequency(
        (8, Atom),
        (1, AnyChar),
        (1, Gen.Char['a', 'z'].Array[1, 12].Select(a => new string(a))));

    /// <summary>A run of words and hostile characters, mostly separated by spaces.</summary>
    public static Gen<string> Prose(int maxWords) =>
        Gen.Select(Word, Gen.OneOf(" ", " ", " ", "", "\n")).Array[0, maxWords]
            .Select(parts => string.Concat(parts.Select(p => p.Item1 + p.Item2)));

    /// <summary>Plain text: lines of prose with blank lines between some of them.</summary>
    public static Gen<string> PlainText { get; } =
        Gen.Select(Prose(30), Gen.OneOf("\n", "\n\n", "\r\n", "\n\n\n", "\u2029")).Array[0, 25]
            .Select(lines => string.Concat(lines.Select(l => l.Item1 + l.Item2)));

    public static Gen<string> Markdown { get; } = MarkdownGen();

    private static Gen<string> MarkdownGen()
    {
        var inline = Prose(8);
        var line = Gen.Frequency(
            (4, inline),
            (1, inline.Select(t => "# " + t)),
            (1, Gen.Select(Gen.Int[1, 8], inline).Select((n, t) => new string('#', n) + " " + t + " ##")),
            (1, inline.Select(t => t + "\n===")),
            (1, inline.Select(t => t + "\n---")),
            (1, inline.Select(t => "- " + t)),
            (1, inline.Select(t => "* " + t)),
            (1, Gen.Select(Gen.Int[0, 1_000_000_000], inline).Select((n, t) => n + ". " + t)),
            (1, inline.Select(t => "> " + t)),
            (1, inline.Select(t => ">>> " + t)),
            (1, inline.Select(t => "```\n" + t + "\n```")),
            (1, inline.Select(t => "~~~\n" + t)),
            (1, inline.Select(t => "```" + t)),
            (1, Gen.Select(inline, inline).Select((a, b) => "| " + a + " | " + b + " |")),
            (1, Gen.OneOf("|---|---|", "|:--|--:|", "| -- |", "|", "||||")),
            (1, Gen.Select(inline, inline).Select((a, b) => "![" + a + "](" + b + ")")),
            (1, Gen.Select(inline, inline).Select((a, b) => "[" + a + "](" + b + ") and [" + b + "][" + a + "]")),
            (1, inline.Select(t => "**" + t + "** _" + t + "_ ~~" + t + "~~ `" + t + "`")),
            (1, Gen.OneOf("***", "---", "___", "- - -", "* * * *", "\\*", "\\\\", "\\[x\\]", "[ref]: http://example.com/x")),
            (1, inline.Select(t => "<https://example.com/" + t + ">")),
            (1, inline.Select(t => "<div class=\"x\">" + t + "</div> <br> <span>")),
            (1, Gen.Select(inline, inline).Select((a, b) => "---\ntitle: " + a + "\ndate: " + b + "\nauthor: \"" + a + "\"\n---")),
            (1, inline.Select(t => "---\ntitle: " + t)));
        return Gen.Select(line, Gen.OneOf("\n", "\n\n", "\r\n")).Array[0, 30]
            .Select(lines => string.Concat(lines.Select(l => l.Item1 + l.Item2)));
    }

    private static Gen<string> JsonGen(bool htmlBodies)
    {
        // HTML bodies carry no JSON-LD of their own: the two generators would build each other forever.
        var html = htmlBodies ? HtmlGen(3, jsonLd: false) : Prose(20);
        var key = Gen.Frequency(
            (6, Gen.OneOf("text", "content", "body", "title", "headline", "url", "link", "date", "published", "datePublished",
                "author", "byline", "site", "source", "TEXT", "Body", "name", "@type", "@graph", "articleBody")),
            (1, Prose(2)));
        var scalar = Gen.Frequency(
            (4, JsonString(Gen.Frequency((4, Prose(20)), (2, html), (1, Gen.OneOf("", " ", "\n"))))),
            (1, Gen.OneOf("null", "true", "false", "0", "-1", "1e400", "-0.0", "123456789012345678901234567890", "1.5")));
        var value = Gen.Recursive<string>((depth, self) => depth >= 4
            ? scalar
            : Gen.Frequency(
                (5, scalar),
                (1, self.Array[0, 4].Select(items => "[" + string.Join(",", items) + "]")),
                (2, Gen.Select(JsonString(key), self).Array[0, 6].Select(Object))));
        var article = Gen.Select(Gen.OneOf("text", "content", "body", "TEXT"), JsonString(Gen.Frequency((3, Prose(60)), (2, html))), Gen.Select(JsonString(key), value).Array[0, 6])
            .Select((field, body, rest) => Object([("\"" + field + "\"", body), .. rest]));
        var document = Gen.Frequency((6, article), (2, value), (1, Gen.Select(article, Gen.Int[0, 200]).Select((a, cut) => a[..Math.Min(cut, a.Length)])));
        // Comments and trailing commas are allowed by the reader; a BOM-less leading space is common.
        return Gen.Select(document, Gen.OneOf("", " ", "\n", "// note\n", "/* c */")).Select((d, prefix) => prefix + d);
    }

    private static string Object((string Key, string Value)[] members) =>
        "{" + string.Join(",", members.Select(m => m.Key + ":" + m.Value)) + "}";

    /// <summary>A JSON string literal: escaped by the rules, sometimes with \u escapes (lone surrogates included) or raw control characters.</summary>
    private static Gen<string> JsonString(Gen<string> content) =>
        Gen.Select(content, Gen.Int[0, 9]).Select((text, style) =>
        {
            var builder = new StringBuilder("\"");
            foreach (var c in text)
            {
                if (c is '"' or '\\')
                    builder.Append('\\').Append(c);
                else if (style == 0 || char.IsSurrogate(c) && style < 5 || c < ' ' && style != 9)
                    builder.Append("\\u").Append(((int)c).ToString("x4"));
                else
                    builder.Append(c);
            }
            if (style == 8)
                builder.Append("\\ud800\\u00e9\\uDFFF");
            return builder.Append('"').ToString();
        });

    private static readonly string[] Tags =
    [
        "div", "div", "p", "p", "span", "a", "article", "main", "section", "h1", "h2", "h3", "h6", "ul", "ol", "li", "table", "tr", "td", "th",
        "pre", "code", "blockquote", "figure", "figcaption", "nav", "header", "footer", "aside", "form", "button", "time", "b", "i", "em",
        "strong", "select", "option", "textarea", "noscript", "template", "iframe", "svg", "math", "object", "ruby", "rt", "xmp", "x-foo",
        "p:foo", "font", "center", "dl", "dt", "dd", "caption", "title", "body", "html", "head", "frameset", "label", "address",
    ];

    private static readonly string[] Classes =
    [
        "content", "article-body", "entry-content", "post", "nav", "menu", "footer", "header", "sidebar", "comment", "comments", "share",
        "related", "byline", "author", "date", "ad", "advert", "promo", "newsletter", "cookie", "hidden", "caption", "story", "",
    ];

    private static Gen<string> Attributes { get; } = Gen.Frequency(
        (3, Gen.OneOf(Classes).Select(c => $" class=\"{c}\"")),
        (1, Gen.OneOf(Classes).Select(c => $" id='{c}'")),
        (1, Prose(2).Select(t => $" href=\"https://example.com/{t.Replace("\"", "&quot;")}\"")),
        (1, Gen.OneOf(" hidden", " style=\"display:none\"", " aria-hidden=true", " role=navigation", " role=main", " dir=rtl", " lang=ar",
            " itemprop=articleBody", " itemprop=\"author\"", " datetime=\"2019-02-31T25:61\"", " datetime=2020-01-01", " src=x.png", " alt=\"\"",
            " class", " =x", " a=\"unterminated", " data-x='<p>'", " onclick=\"x()\"")),
        (1, Gen.Const("")))
        .Array[0, 3].Select(string.Concat);

    /// <summary>Tag soup: elements nested up to <paramref name="maxDepth"/>, unclosed and stray tags, comments, scripts, entities, metadata.</summary>
    private static Gen<string> HtmlGen(int maxDepth, bool jsonLd)
    {
        var text = Prose(12);
        var json = jsonLd ? JsonGen(htmlBodies: false) : text;
        var node = Gen.Recursive<string>((depth, self) =>
        {
            var leaf = Gen.Frequency(
                (6, text),
                (1, Gen.OneOf("<!-- comment -->", "<!--", "-->", "<!---->", "<![CDATA[ x ]]>", "<br>", "<br/>", "<hr>", "<img src=a.png alt=\"Caption\">",
                    "</p>", "</div>", "</body>", "</html>", "<p>", "<div>", "<", "< p>", "<//>", "<?php ?>", "<!doctype html>", "<wbr>", "<input value=x>")),
                (1, text.Select(t => "<script>var s = \"" + t + "\"; </p></script>")),
                (1, text.Select(t => "<style>p { content: \"" + t + "\" }</style>")),
                (1, json.Select(j => "<script type=\"application/ld+json\">" + j + "</script>")),
                (1, Gen.Select(Gen.OneOf("og:title", "article:published_time", "author", "og:site_name", "description", "date", "twitter:title",
                    "parsely-title", "dcterms.date", "og:url"), text).Select((p, t) => $"<meta property=\"{p}\" name=\"{p}\" content=\"{t.Replace("\"", "")}\">")),
                (1, text.Select(t => "<time datetime=\"" + t.Replace("\"", "") + "\">" + t + "</time>")));
            if (depth >= maxDepth)
                return leaf;
            var element = Gen.Select(Gen.OneOf(Tags), Attributes, self.Array[0, 3], Gen.Int[0, 5])
                .Select((tag, attributes, children, closing) =>
                {
                    var inner = string.Concat(children);
                    return closing switch
                    {
                        0 => $"<{tag}{attributes}>{inner}",             // left open
                        1 => $"<{tag}{attributes}>{inner}</{tag}></{tag}>", // closed twice
                        _ => $"<{tag}{attributes}>{inner}</{tag}>",
                    };
                });
            // Fewer than one element per child on average, so documents stay kilobytes, not megabytes.
            return Gen.Frequency((4, leaf), (3, element));
        });
        var head = Gen.Select(
            Gen.OneOf("", "<!doctype html>", "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0//EN\">", "<?xml version=\"1.0\" encoding=\"utf-16\"?>", "\uFEFF"),
            Gen.OneOf("", "<meta charset=\"utf-8\">", "<meta charset=utf-16>", "<meta charset=\"utf-7\">", "<meta charset=\"x-user-defined\">",
                "<meta charset=\"bogus\">", "<meta charset=\"iso-2022-jp\">", "<meta charset=\"utf-32\">", "<meta charset=\"replacement\">",
                "<meta charset=\"windows-1252\">", "<meta charset=\"shift_jis\">", "<meta charset=\"koi8-r\">", "<meta charset=\"gb2312\">",
                "<meta charset=\"big5\">", "<meta charset=\"hz-gb-2312\">", "<meta charset=\"ascii\">", "<meta charset=\"utf-16be\">",
                "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-5\">", "<meta charset=\"\">", "<meta charset=\"cp1258\">"),
            text.Select(t => "<title>" + t + "</title>"));
        return Gen.Select(head, node.Array[1, 8], Gen.Int[0, 2])
            .Select((h, nodes, shape) => shape == 0
                ? string.Concat(nodes)
                : $"{h.Item1}<html><head>{h.Item2}{h.Item3}</head><body>{string.Concat(nodes)}</body></html>");
    }

    // Last: static fields initialise in order, and these use every table above.
    /// <summary>JSON documents, mostly article objects whose body may be HTML.</summary>
    public static Gen<string> Json { get; } = JsonGen(htmlBodies: true);

    /// <summary>HTML tag soup, with JSON-LD blocks in it.</summary>
    public static Gen<string> Html { get; } = HtmlGen(12, jsonLd: true);

    /// <summary>A document of <paramref name="depth"/> nested elements, far below the known deep-nesting cost (tens of thousands).</summary>
    public static Gen<string> Nested { get; } = Gen.Select(Gen.OneOf("div", "p", "span", "b", "li", "table", "a"), Gen.Int[1, 400], Prose(10))
        .Select((tag, depth, text) => new StringBuilder().Insert(0, $"<{tag}>", depth).Append(text).Insert(0, "<html><body>").ToString());
}

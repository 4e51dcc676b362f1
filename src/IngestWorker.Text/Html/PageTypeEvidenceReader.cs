using System.Text.RegularExpressions;
using AngleSharp.Dom;
using IngestWorker.Text.Extraction.PageTypes;

namespace IngestWorker.Text.Html;

/// <summary>Gathers <see cref="PageTypeEvidence"/> from a parsed page, its metadata and its blocks.</summary>
internal static partial class PageTypeEvidenceReader
{
    // A buy button is a short line; longer text that mentions a cart is prose about one.
    private const int MaxButtonChars = 40;
    // Inline code is part of a sentence; a code element this long outside <pre> is a block of code.
    private const int MinCodeBlockChars = 80;
    // A block this long is a sentence or more: what a reader reads, not a label or a button.
    private const int MinProseChars = 80;

    private static readonly string[] CardWords = ["card", "tile", "teaser", "product-item", "grid-item", "listing-item", "search-result"];
    private static readonly string[] PostWords = ["post", "reply", "comment", "answer", "message"];

    /// <summary>What the page shows before the article engine ran (<see cref="PageTypeEvidence.ArticleWords"/> null: see <see cref="ArticleWords"/>).</summary>
    public static PageTypeEvidence Read(IDocument document, HtmlMetadata meta, IReadOnlyList<Block> blocks)
    {
        int prices = 0, buttons = 0, calls = 0, docs = 0, proseChars = 0, commentChars = 0;
        foreach (var block in blocks)
        {
            if (block.Hidden)
                continue;
            if (block.Text.Length >= MinProseChars)
            {
                proseChars += block.Text.Length;
                if (block.Owner.Region == Region.Comments || block.Owner.HasAncestorIn(static region => region == Region.Comments))
                    commentChars += block.Text.Length;
            }
            prices += Price().Count(block.Text);
            if (block.Text.Length <= MaxButtonChars)
            {
                if (BuyButton().IsMatch(block.Text))
                    buttons++;
                if (CallToAction().IsMatch(block.Text))
                    calls++;
                if (DocumentationLine().IsMatch(block.Text))
                    docs++;
            }
        }
        int codeBlocks = 0, cards = 0, posts = 0, headlineLinks = 0, numberedPosts = 0, threadItems = 0;
        foreach (var element in document.QuerySelectorAll("pre, code, article, h2, h3, h4, [class], [id], [itemtype]"))
        {
            if (element.Id is { Length: > 1 } id && IsNumberedPost(id))
                numberedPosts++;
            if (element.GetAttribute("itemtype") is { } itemType && ThreadItemTypes.Any(t => itemType.EndsWith("/" + t, StringComparison.Ordinal)))
                threadItems++;
            switch (element.LocalName)
            {
                case "h2" or "h3" or "h4":
                    if (element.QuerySelector("a[href]") is not null || element.ParentElement?.LocalName == "a")
                        headlineLinks++;
                    continue;
                case "pre":
                    codeBlocks++;
                    continue;
                case "code":
                    if (element.ParentElement?.LocalName != "pre" && element.TextContent.Length >= MinCodeBlockChars)
                        codeBlocks++;
                    continue;
                case "article":
                    cards++;
                    continue;
            }
            var classes = element.ClassName;
            if (string.IsNullOrEmpty(classes))
                continue;
            foreach (var name in classes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var lower = name.ToLowerInvariant();
                if (CardWords.Any(w => lower == w || lower.EndsWith("-" + w, StringComparison.Ordinal) || lower.EndsWith("__" + w, StringComparison.Ordinal)))
                {
                    cards++;
                    break;
                }
                if (PostWords.Any(w => lower == w || lower.EndsWith("-" + w, StringComparison.Ordinal) || lower.EndsWith("__" + w, StringComparison.Ordinal)))
                {
                    posts++;
                    break;
                }
            }
        }
        return new PageTypeEvidence
        {
            JsonLdTypes = meta.JsonLdTypes,
            JsonLdProducts = meta.JsonLdProducts,
            OgType = meta.OgType,
            Url = meta.Url,
            Prices = prices,
            BuyButtons = buttons,
            CodeBlocks = codeBlocks,
            Cards = cards,
            Posts = posts,
            NumberedPosts = numberedPosts,
            ThreadItems = threadItems,
            HeadlineLinks = headlineLinks,
            CallsToAction = calls,
            DocumentationChrome = docs,
            CommentShare = proseChars == 0 ? 0 : (double)commentChars / proseChars,
            ProseOutsideComments = proseChars - commentChars,
        };
    }

    private static readonly string[] ThreadItemTypes = ["Comment", "UserComments", "DiscussionForumPosting", "Question", "Answer"];
    private static readonly string[] PostIdPrefixes = ["js-post", "message", "answer", "reply", "post", "msg", "p"];

    // "post-123", "post_123", "p123", "js-post-9": a prefix, an optional separator, digits to the end.
    // Not "comment-123": blogs number the comments under an article the same way.
    private static bool IsNumberedPost(string id)
    {
        foreach (var prefix in PostIdPrefixes)
        {
            if (!id.StartsWith(prefix, StringComparison.Ordinal))
                continue;
            var rest = id.AsSpan(prefix.Length);
            if (rest.Length > 0 && rest[0] is '-' or '_')
                rest = rest[1..];
            return rest.Length > 0 && !rest.ContainsAnyExceptInRange('0', '9');
        }
        return false;
    }

    /// <summary>Words of the blocks the article engine kept.</summary>
    public static int ArticleWords(IReadOnlyList<Block> blocks)
    {
        var words = 0;
        foreach (var block in blocks)
        {
            if (!block.Hidden && block.Reason is null)
                words += block.Words;
        }
        return words;
    }

    // $19.99, € 5, £1,299.00, 19,99 €, 5 EUR, USD 20.
    [GeneratedRegex(@"[$€£¥₹]\s?\d[\d.,]*|\b\d[\d.,]*\s?(?:€|EUR\b|USD\b|GBP\b)|\b(?:USD|EUR|GBP)\s?\d", RegexOptions.CultureInvariant)]
    private static partial Regex Price();

    [GeneratedRegex(@"^\W*(?:get started|start (?:your )?free trial|try (?:it )?(?:for )?free|request a (?:demo|quote)|book a (?:demo|call|consultation)|get a (?:demo|quote)|contact sales|talk to (?:sales|an expert)|schedule a (?:demo|call|consultation)|sign up for free|free consultation|get pricing|see pricing|view pricing)\W*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CallToAction();

    [GeneratedRegex(@"^\W*(?:on this page|edit this page|edit on github|was this page helpful\??|table of contents|in this article|next steps|see also|api reference|view source)\W*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DocumentationLine();

    [GeneratedRegex(@"\b(?:add to (?:cart|bag|basket|trolley)|buy (?:it )?now|in den warenkorb|ajouter au panier|añadir al carrito|aggiungi al carrello)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BuyButton();
}

using System.Collections.Frozen;
using AngleSharp.Dom;

namespace IngestWorker.Text.Html;

/// <summary>
/// Reads what an element's tag, role, class and id say about it: generic boilerplate vocabulary
/// (navigation, footer, sidebar, comments, share, related, newsletter, ads, byline, caption…) in
/// the spirit of Readability's and trafilatura's lists. Class and id values are split into words
/// (on punctuation and camelCase), so short words such as "ad" or "nav" only match whole words.
/// </summary>
internal static class HtmlKeywords
{
    /// <summary>
    /// Consent managers' names: their banner and preference centre (pages of "Performance cookies",
    /// "Targeting cookies"…) are an overlay the reader dismisses, never the page, however much of
    /// its prose they hold on a page of short cards. Declared before <see cref="Words"/>, which takes them in.
    /// </summary>
    private static readonly string[] ConsentManagerNames =
        ["onetrust", "cookiebot", "didomi", "usercentrics", "trustarc", "truste", "iubenda", "cookieyes", "osano", "termly", "fides", "sourcepoint"];

    private static readonly FrozenDictionary<string, Region> Words = new Dictionary<string, Region>
    {
        // navigation
        ["nav"] = Region.Navigation, ["navbar"] = Region.Navigation, ["navigation"] = Region.Navigation,
        ["menu"] = Region.Navigation, ["menus"] = Region.Navigation, ["submenu"] = Region.Navigation, ["megamenu"] = Region.Navigation,
        ["subnav"] = Region.Navigation, ["topnav"] = Region.Navigation, ["breadcrumb"] = Region.Navigation, ["breadcrumbs"] = Region.Navigation,
        ["pagination"] = Region.Navigation, ["pager"] = Region.Navigation, ["skip"] = Region.Navigation, ["skiplink"] = Region.Navigation,
        ["crumbs"] = Region.Navigation, ["prev"] = Region.Navigation, ["previous"] = Region.Navigation, ["next"] = Region.Navigation,
        ["nextprev"] = Region.Navigation, ["prevnext"] = Region.Navigation, ["pagenav"] = Region.Navigation, ["postnav"] = Region.Navigation, ["sitemap"] = Region.Navigation, ["masthead"] = Region.Header, ["jump"] = Region.Navigation,
        // taxonomy
        ["tags"] = Region.Tags, ["tag"] = Region.Tags, ["tagcloud"] = Region.Tags, ["taglist"] = Region.Tags, ["categories"] = Region.Tags,
        ["topics"] = Region.Tags, ["keywords"] = Region.Tags,
        // page furniture
        ["footer"] = Region.Footer, ["foot"] = Region.Footer, ["colophon"] = Region.Footer,
        ["header"] = Region.Header,
        ["sidebar"] = Region.Aside, ["aside"] = Region.Aside, ["rail"] = Region.Aside, ["widget"] = Region.Aside, ["widgets"] = Region.Aside,
        ["sidebox"] = Region.Aside, ["secondary"] = Region.Aside,
        // comments
        ["comment"] = Region.Comments, ["comments"] = Region.Comments, ["commentlist"] = Region.Comments, ["disqus"] = Region.Comments,
        ["respond"] = Region.Comments, ["replies"] = Region.Comments, ["discussion"] = Region.Comments, ["dsq"] = Region.Comments,
        ["discourse"] = Region.Comments, ["livefyre"] = Region.Comments,
        // share / interface
        ["share"] = Region.Share, ["shares"] = Region.Share, ["sharing"] = Region.Share, ["sharebar"] = Region.Share, ["social"] = Region.Share,
        ["sociable"] = Region.Share, ["addthis"] = Region.Share, ["sharethis"] = Region.Share, ["shareaholic"] = Region.Share,
        ["toolbar"] = Region.Interface, ["tools"] = Region.Interface, ["button"] = Region.Interface, ["buttons"] = Region.Interface,
        ["btn"] = Region.Interface, ["modal"] = Region.Interface, ["popup"] = Region.Interface, ["overlay"] = Region.Interface,
        ["lightbox"] = Region.Interface, ["dialog"] = Region.Interface, ["login"] = Region.Interface, ["signin"] = Region.Interface,
        ["search"] = Region.Interface, ["searchform"] = Region.Interface, ["print"] = Region.Interface, ["rating"] = Region.Interface,
        // related / teasers
        ["related"] = Region.Related, ["recommended"] = Region.Related, ["recommendations"] = Region.Related, ["recirc"] = Region.Related,
        ["recirculation"] = Region.Related, ["popular"] = Region.Related, ["trending"] = Region.Related, ["outbrain"] = Region.Related,
        ["taboola"] = Region.Related, ["teaser"] = Region.Related, ["teasers"] = Region.Related,
        ["mostread"] = Region.Related, ["mostpopular"] = Region.Related, ["viral"] = Region.Related, ["promoted"] = Region.Related,
        // promotion
        ["newsletter"] = Region.Promotion, ["newsletters"] = Region.Promotion, ["subscribe"] = Region.Promotion, ["subscription"] = Region.Promotion,
        ["signup"] = Region.Promotion, ["promo"] = Region.Promotion, ["promotion"] = Region.Promotion, ["paywall"] = Region.Promotion,
        ["cta"] = Region.Promotion, ["donate"] = Region.Promotion, ["membership"] = Region.Promotion, ["optin"] = Region.Promotion,
        // ads
        ["ad"] = Region.Advertisement, ["ads"] = Region.Advertisement, ["adv"] = Region.Advertisement, ["advert"] = Region.Advertisement,
        ["adverts"] = Region.Advertisement, ["advertisement"] = Region.Advertisement, ["advertising"] = Region.Advertisement,
        ["adsense"] = Region.Advertisement, ["adunit"] = Region.Advertisement, ["adslot"] = Region.Advertisement, ["dfp"] = Region.Advertisement,
        ["sponsor"] = Region.Advertisement, ["sponsored"] = Region.Advertisement, ["sponsors"] = Region.Advertisement,
        ["banner"] = Region.Header, ["skyscraper"] = Region.Advertisement, ["adcontainer"] = Region.Advertisement,
        ["adwrapper"] = Region.Advertisement, ["adblock"] = Region.Advertisement, ["commercial"] = Region.Advertisement,
        // bylines and dates
        ["byline"] = Region.Byline, ["bylines"] = Region.Byline, ["author"] = Region.Byline, ["authors"] = Region.Byline, ["dateline"] = Region.Byline,
        ["timestamp"] = Region.Byline, ["meta"] = Region.Byline, ["postmeta"] = Region.Byline, ["entrymeta"] = Region.Byline,
        ["published"] = Region.Byline, ["pubdate"] = Region.Byline, ["posted"] = Region.Byline, ["date"] = Region.Byline,
        ["contributor"] = Region.Byline, ["bio"] = Region.Byline,
        // captions
        ["caption"] = Region.Caption, ["captions"] = Region.Caption, ["figcaption"] = Region.Caption, ["credit"] = Region.Caption,
        ["credits"] = Region.Caption,
        // legal
        ["copyright"] = Region.Legal, ["cookie"] = Region.Legal, ["cookies"] = Region.Legal, ["consent"] = Region.Legal,
        ["gdpr"] = Region.Legal, ["legal"] = Region.Legal, ["privacy"] = Region.Legal,
    }.Concat(ConsentManagerNames.Select(name => KeyValuePair.Create(name, Region.Legal))) // legal notices too
        .ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenSet<string> ConsentManagers = ConsentManagerNames.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Whether the vocabulary word that named a box is a consent manager's name.</summary>
    public static bool IsConsentManager(string? word) => word is not null && ConsentManagers.Contains(word);

    // The same words as strings, so that a box can say which word named it without a copy per box.
    private static readonly FrozenSet<string> WordKeys = Words.Keys.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Whether the vocabulary word marks interface (a search box, buttons, a dialog).</summary>
    public static bool IsInterfaceWord(string word) => Words.TryGetValue(word, out var region) && region == Region.Interface;

    /// <summary>Class or id words of customer reviews and questions (review platforms included).</summary>
    private static readonly FrozenSet<string> ReviewWords = new[]
    {
        "review", "reviews", "ratings", "testimonials", "questions", "qna", "yotpo", "bazaarvoice", "bv", "jdgm", "judgeme", "okendo", "stamped", "trustpilot", "powerreviews",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Whether the class or id names customer reviews or questions (a product page's comments).</summary>
    public static bool NamesReviews(string? classes, string? id) => AnyWord(classes, ReviewWords) || AnyWord(id, ReviewWords);

    private static readonly FrozenSet<string> QuestionAndAnswerWords = new[] { "question", "answer" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Whether the class names a question or an answer: the posts of a Q&amp;A thread.</summary>
    public static bool NamesQuestionOrAnswer(string? classes) => AnyWord(classes, QuestionAndAnswerWords);

    private static readonly FrozenSet<string> CollapsibleWords = new[] { "accordion", "accordions", "collapse", "collapsed", "collapsible", "tabpanel", "tabpane", "tabcontent", "expander", "expandable" }.ToFrozenSet(StringComparer.Ordinal);
    private static readonly FrozenSet<string> TabParts = new[] { "content", "pane", "panel" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// Whether a class names an accordion's or a tab's panel ("cdr-accordion__content", "collapse",
    /// "tab-pane", "tab__content") or a "read more" expander ("a-expander-content"): text one click away.
    /// </summary>
    public static bool NamesCollapsiblePanel(string? classes)
    {
        if (string.IsNullOrEmpty(classes))
            return false;
        var lookup = CollapsibleWords.GetAlternateLookup<ReadOnlySpan<char>>();
        var parts = TabParts.GetAlternateLookup<ReadOnlySpan<char>>();
        var afterTab = false;
        foreach (var word in new NameWords(classes, stackalloc char[NameWords.MaxWordLength]))
        {
            if (lookup.Contains(word) || afterTab && parts.Contains(word))
                return true;
            afterTab = word.SequenceEqual("tab");
        }
        return false;
    }

    private static bool AnyWord(string? names, FrozenSet<string> words)
    {
        if (string.IsNullOrEmpty(names))
            return false;
        var lookup = words.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var word in new NameWords(names, stackalloc char[NameWords.MaxWordLength]))
        {
            if (lookup.Contains(word))
                return true;
        }
        return false;
    }

    /// <summary>
    /// First words of a name that states what an element has or how it is shown ("has-comments" on a
    /// blog post, "with-sidebar" on a page, "no-related"): the element is not the thing named.
    /// </summary>
    private static readonly FrozenSet<string> StatePrefixes = new[] { "has", "no", "with", "without", "is" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Whole class names (separators removed) that hide an element on screen.</summary>
    private static readonly FrozenSet<string> HiddenNames = new[]
    {
        "hidden", "hide", "ishidden", "uhidden", "jshidden", "hiddenblock", "dnone", "invisible", "offscreen", "sronly", "srtext",
        "visuallyhidden", "visuallyhide", "screenreadertext", "screenreaderonly", "screenreader", "assistivetext", "ahiddenfocusable",
        "elementinvisible", "displaynone", "nodisplay", "uvisuallyhidden",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Words that, together with an anchor word, name the article body ("article-body", "entry-content"…).</summary>
    private static readonly FrozenSet<string> BodyAnchors = new[] { "article", "entry", "post", "story", "blog", "news", "main", "page", "rich", "single" }.ToFrozenSet(StringComparer.Ordinal);
    private static readonly FrozenSet<string> BodyParts = new[] { "body", "content", "text", "entry", "copy", "bodycopy", "inner" }.ToFrozenSet(StringComparer.Ordinal);
    private static readonly FrozenSet<string> BodyWholes = new[] { "articlebody", "articletext", "articlecontent", "storybody", "storytext", "storycontent",
        "postbody", "postcontent", "posttext", "entrycontent", "entrytext", "bodytext", "maincontent", "fulltext", "textcontent", "contentbody" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Roles and tags.</summary>
    public static Region FromTagAndRole(string tag, IElement element)
    {
        var region = tag switch
        {
            "nav" => Region.Navigation,
            "footer" => Region.Footer,
            "header" => Region.Header,
            "aside" => Region.Aside,
            "form" => Region.Interface,
            "button" => Region.Interface,
            "menu" => Region.Navigation,
            "dialog" => Region.Interface,
            "figcaption" => Region.Caption,
            _ => Region.None,
        };
        var role = element.GetAttribute("role");
        if (role is not null)
        {
            switch (role.Trim().ToLowerInvariant())
            {
                case "navigation": case "menu": case "menubar": case "tablist": return Region.Navigation;
                case "contentinfo": return Region.Footer;
                case "banner": return Region.Header;
                case "complementary": return Region.Aside;
                case "search": case "dialog": case "alertdialog": case "button": case "toolbar": return Region.Interface;
                case "main": case "article": return Region.None;
            }
        }
        return region;
    }

    /// <summary>
    /// What the class and id words say; <paramref name="positive"/> when they name the article body;
    /// <paramref name="word"/> is the vocabulary word that decided the region (a page may use it
    /// for its whole layout, see <see cref="ArticleLocator"/>'s neutralising).
    /// </summary>
    public static Region FromNames(string? classes, string? id, out bool positive, out string? word)
    {
        positive = false;
        word = null;
        var region = Region.None;
        if (!string.IsNullOrEmpty(classes))
            region = Scan(classes, ref positive, ref word);
        if (!string.IsNullOrEmpty(id))
        {
            string? idWord = null;
            var fromId = Scan(id, ref positive, ref idWord);
            // A consent manager's root is named by its id ("onetrust-consent-sdk"), whatever its classes say ("show-banner").
            if (region == Region.None || IsConsentManager(idWord))
            {
                region = fromId;
                word = idWord;
            }
        }
        return region;
    }

    /// <summary>
    /// Names that mark a microformat entry (hAtom's <c>hentry</c>, microformats2's <c>h-entry</c>): a
    /// post. WordPress writes its terms beside it ("category-science tag-elephants"), which name the
    /// post's topics, not a list of tags: beside an entry name, class names say only whether it is hidden.
    /// </summary>
    private static readonly string[] EntryNames = ["hentry", "h-entry"];

    // Scans each class name separately: words split on non-letters and on lower→upper case changes.
    private static Region Scan(string names, ref bool positive, ref string? word)
    {
        var entry = false;
        foreach (var entryName in EntryNames)
            entry |= ContainsName(names, entryName);
        var result = Region.None;
        Span<char> buffer = stackalloc char[NameWords.MaxWordLength];
        var span = names.AsSpan();
        var i = 0;
        while (i < span.Length)
        {
            while (i < span.Length && char.IsWhiteSpace(span[i]))
                i++;
            var start = i;
            while (i < span.Length && !char.IsWhiteSpace(span[i]))
                i++;
            if (i > start)
            {
                var name = span[start..i];
                string? nameWord = null;
                var r = ScanName(name, buffer, ref positive, ref nameWord);
                if (entry && r != Region.Hidden)
                {
                    r = Region.None;
                    nameWord = null;
                }
                if (result == Region.None || (r != Region.None && Priority(r) > Priority(result)))
                {
                    result = r;
                    word = nameWord;
                }
            }
        }
        return result;
    }

    private static bool ContainsName(string names, string name)
    {
        for (var at = names.IndexOf(name, StringComparison.Ordinal); at >= 0; at = names.IndexOf(name, at + 1, StringComparison.Ordinal))
        {
            var end = at + name.Length;
            if ((at == 0 || char.IsWhiteSpace(names[at - 1])) && (end == names.Length || char.IsWhiteSpace(names[end])))
                return true;
        }
        return false;
    }

    private static int Priority(Region r) => r switch
    {
        Region.Hidden => 9,
        Region.Comments => 8,
        Region.Advertisement => 7,
        Region.Related => 6,
        Region.Share => 6,
        Region.Promotion => 6,
        Region.Navigation => 5,
        Region.Footer => 5,
        _ => 1,
    };

    private static Region ScanName(ReadOnlySpan<char> name, Span<char> buffer, ref bool positive, ref string? matched)
    {
        // "__next", "__nuxt", "___gatsby": the root a script framework renders into, named for the framework.
        if (name.StartsWith("__"))
            return Region.None;
        var result = Region.None;
        bool hasAnchor = false, hasPart = false, hasResults = false, state = false, first = true;
        // The whole name without separators, lower-cased: "article-body" → "articlebody".
        Span<char> joined = stackalloc char[64];
        var joinedLength = 0;
        foreach (var word in new NameWords(name, buffer))
        {
            state |= first && Contains(StatePrefixes, word);
            first = false;
            var r = Lookup(word, out var key);
            if (r != Region.None && (result == Region.None || Priority(r) > Priority(result)))
            {
                result = r;
                matched = key;
            }
            hasAnchor |= Contains(BodyAnchors, word);
            hasPart |= Contains(BodyParts, word);
            hasResults |= word is "results" or "result";
            var room = Math.Min(word.Length, joined.Length - joinedLength);
            word[..room].CopyTo(joined[joinedLength..]);
            joinedLength += room;
        }
        var whole = joined[..joinedLength];
        if (Contains(HiddenNames, whole))
            return Region.Hidden;
        if (state)
        {
            matched = null;
            return Region.None;
        }
        // "search-results" are what the page lists, not a search box.
        if (hasResults && result == Region.Interface && matched == "search")
        {
            result = Region.None;
            matched = null;
        }
        if ((hasAnchor && hasPart) || Contains(BodyWholes, whole))
            positive = true;
        if (result == Region.None && joinedLength > 3)
            result = Lookup(whole, out matched);
        if (result == Region.None)
        {
            result = CompoundLookup(whole);
            if (result != Region.None)
                matched = result.ToString(); // one word per kind of compound ("relatedposts", "sharebuttons")
        }
        return result;
    }

    // Compound names written as one word ("relatedposts", "sharebuttons", "commentform").
    private static Region CompoundLookup(ReadOnlySpan<char> whole)
    {
        if (whole.Length < 6)
            return Region.None;
        if (whole.StartsWith("comment") || whole.EndsWith("comments"))
            return Region.Comments;
        if (whole.StartsWith("related") || whole.Contains("relatedposts", StringComparison.Ordinal))
            return Region.Related;
        if (whole.StartsWith("share") || whole.StartsWith("social") || whole.EndsWith("share"))
            return Region.Share;
        if (whole.StartsWith("newsletter") || whole.StartsWith("subscri"))
            return Region.Promotion;
        if (whole.StartsWith("breadcrumb") || whole.StartsWith("navbar") || whole.EndsWith("navigation") || whole.EndsWith("menu"))
            return Region.Navigation;
        if (whole.StartsWith("sidebar"))
            return Region.Aside;
        if (whole.StartsWith("footer") || whole.EndsWith("footer"))
            return Region.Footer;
        if (whole.StartsWith("advert") || whole.StartsWith("adslot") || whole.StartsWith("adunit") || whole.StartsWith("adcontainer") || whole.StartsWith("adwrap"))
            return Region.Advertisement;
        return Region.None;
    }

    private static Region Lookup(ReadOnlySpan<char> word, out string? key)
    {
        if (!WordKeys.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(word, out key))
            return Region.None;
        return Words[key];
    }

    private static bool Contains(FrozenSet<string> set, ReadOnlySpan<char> word) =>
        set.GetAlternateLookup<ReadOnlySpan<char>>().Contains(word);
}

/// <summary>
/// The words of one class or id name, lower-cased: split on characters that are neither letters nor
/// digits and on lower→upper case changes ("article-body" → article, body; "relatedPosts" → related,
/// posts). Words longer than <see cref="MaxWordLength"/> are cut to it.
/// </summary>
internal ref struct NameWords
{
    public const int MaxWordLength = 64;

    private readonly ReadOnlySpan<char> _name;
    private readonly Span<char> _buffer;
    private int _at;

    public NameWords(ReadOnlySpan<char> name, Span<char> buffer)
    {
        _name = name;
        _buffer = buffer;
    }

    public ReadOnlySpan<char> Current { get; private set; }

    public readonly NameWords GetEnumerator() => this;

    public bool MoveNext()
    {
        var length = 0;
        var previousLower = false;
        for (; _at < _name.Length; _at++)
        {
            var c = _name[_at];
            var letterOrDigit = char.IsLetterOrDigit(c);
            if ((!letterOrDigit || previousLower && char.IsUpper(c)) && length > 0)
                break;
            if (letterOrDigit && length < _buffer.Length)
                _buffer[length++] = char.ToLowerInvariant(c);
            else if (letterOrDigit)
                length++;
            previousLower = letterOrDigit && !char.IsUpper(c);
        }
        if (length == 0)
            return false;
        Current = _buffer[..Math.Min(length, _buffer.Length)];
        return true;
    }
}

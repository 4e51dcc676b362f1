using IngestWorker.Text.Cleaning;
using IngestWorker.Text.Extraction;

namespace IngestWorker.Text.Html;

/// <summary>
/// Decides, for the blocks of one page, which are the article: block features, the headline,
/// the container of the article body, and the pruning of boilerplate inside it.
/// </summary>
internal sealed partial class ArticleLocator
{
    private readonly IReadOnlyList<Block> _blocks;
    private readonly IReadOnlyList<Box> _boxes;
    private readonly Box _root;
    private readonly HtmlMetadata _meta;
    /// <summary>The page's language as a bit of <see cref="WordTable.Languages"/> (0: none): the feature scan counts its stopwords.</summary>
    private int _languageBit;
    private int _titleIndex = -1;

    private readonly List<(Box Box, int BlockIndex)> _images;

    private readonly Language.ILanguageIdentifier? _identifier;

    public ArticleLocator(IReadOnlyList<Block> blocks, IReadOnlyList<Box> boxes, Box root, HtmlMetadata meta, List<(Box Box, int BlockIndex)> images,
        Language.ILanguageIdentifier? identifier = null)
    {
        _identifier = identifier;
        _images = images;
        _blocks = blocks;
        _boxes = boxes;
        _root = root;
        _meta = meta;
    }

    public string? TitleText => _titleIndex >= 0 ? _blocks[_titleIndex].Text : null;

    /// <summary>
    /// The page is a forum or Q&amp;A thread: its posts and replies are the content, so boxes
    /// marked as comments are read, and one post's <c>article</c> element does not end the story.
    /// </summary>
    public bool Thread { get; init; }

    /// <summary>
    /// The page sells one product: its content is the description and the specifications, so the
    /// customers' reviews and questions are comments, and boxes of other products are not its main region.
    /// </summary>
    public bool Product { get; init; }

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
        if (Thread && top is not null)
            top = ThreadContainer(top);
        var content = top is null ? [(0, _blocks.Count, _root)] : Expand(top);
        if (DeclaredBody.Reselect(_meta.ArticleBody, _blocks, _boxes, content) is { } declared)
            content = [(declared.First, declared.End, declared.Parent ?? declared)];
        Assign(content);
    }

    /// <summary>Share of the page's prose that the box around a thread's posts holds.</summary>
    private const double ThreadProseShare = 0.8;

    /// <summary>A box with this share of the page's prose is the story itself, whatever follows it.</summary>
    private const double StoryProseShare = 0.5;

    /// <summary>
    /// The best-scoring box of a thread is one post (often the question, whose text is longest);
    /// the thread is the nearest box around it that holds most of the page's prose, with the replies.
    /// A box that already holds half the prose is a story with remarks after it, and stays.
    /// </summary>
    private Box ThreadContainer(Box best)
    {
        var total = _good[^1];
        if (ProseIn(best) >= StoryProseShare * total)
            return best;
        for (var box = best.Parent; box is not null && box.Tag != "html"; box = box.Parent)
        {
            if (ProseIn(box) >= ThreadProseShare * total)
                return box;
        }
        return best;
    }

    private int ProseIn(Box box) => _good[box.End] - _good[box.First];

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
        var index = Stopwords.Language(words, _identifier) is { } language ? WordTable.IndexOf(language) : -1;
        _languageBit = index >= 0 ? 1 << index : 0;
    }

    private void Features(Block block) => HtmlBlockClassifier.Judge(block, _languageBit, HtmlBlockThresholds.Default);

    // ---- markup that contradicts the text ---------------------------------------------------

    /// <summary>
    /// A "hidden" or boilerplate-named element that holds most of the page's prose is a layout
    /// wrapper (body class "has-sidebar", content shown by script), not what its name says.
    /// Comment sections are the exception: they may outweigh a short article.
    /// </summary>
    private void Neutralize()
    {
        int shownGood = 0, allChars = 0;
        foreach (var block in _blocks)
        {
            var good = block.Good ? block.Text.Length : 0;
            var shown = block.Hidden ? 0 : block.Text.Length; // hidden by markup, as the DOM walk saw it
            for (var box = block.Owner; box is not null; box = box.Parent)
            {
                box.AllGoodChars += good;
                box.AllChars += shown;
            }
            shownGood += shown > 0 ? good : 0;
            allChars += block.Text.Length;
        }
        // A consent manager's preference centre is prose, but never the page's: it does not count.
        var total = _root.AllGoodChars - ConsentManagerProse();
        var scriptRendered = ShownLater(total, shownGood, _root.AllChars, allChars);
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
        var layoutWords = LayoutWords(total);
        foreach (var box in _boxes)
        {
            var major = total > 0 && box.AllGoodChars * 2 >= total && !HtmlKeywords.IsConsentManager(box.NamedBy);
            if (box.NamedBy is { } word && layoutWords?.Contains(word) == true && box.Region != Region.Comments && !HtmlKeywords.IsConsentManager(word))
                box.Region = Region.None;
            if (Thread && box.Region == Region.Comments && !RemarksOnAPost(box))
                box.Region = Region.None;
            if (Product && box.Region == Region.None && HtmlKeywords.NamesReviews(box.Element.GetAttribute("class"), box.Element.Id))
                box.Region = Region.Comments;
            if (box.OwnHidden && (major || scriptRendered))
                box.OwnHidden = false;
            if (box.Region != Region.None && major && box.Region != Region.Comments)
                box.Region = Region.None;
            if (box.Region == Region.Interface && (IsClickableCard(box) || IsProseForm(box)))
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

    /// <summary>
    /// Comments under a question or an answer of a Q&amp;A thread are remarks on that post; the
    /// question and the answers are the thread. Replies in a discussion nest in other replies instead.
    /// </summary>
    private static bool RemarksOnAPost(Box box)
    {
        for (var up = box.Parent; up is not null; up = up.Parent)
        {
            if (up.Region == Region.Comments)
                return false;
            if (HtmlKeywords.NamesQuestionOrAnswer(up.Element.GetAttribute("class")))
                return true;
        }
        return false;
    }

    /// <summary>
    /// A page whose markup hides nearly all of its prose (or, on a grid of short cards, nearly all
    /// of its text) is rendered in pieces: streamed server rendering sends each part in a hidden
    /// box that a script moves into place, so what a browser shows is what the markup hides.
    /// </summary>
    private static bool ShownLater(int totalGood, int shownGood, int shownChars, int allChars)
    {
        const int ShownShareDenominator = 4; // less than a quarter shown
        return totalGood > 0
            ? shownGood * ShownShareDenominator < totalGood
            : shownChars * ShownShareDenominator < allChars;
    }

    /// <summary>
    /// Class words that this page uses for its layout rather than to mark furniture: the boxes a
    /// word names hold, together, at least half the page's prose (a page builder that calls every
    /// block a "widget", a theme whose every section is a "module-menu-…"), or, for interface
    /// words, half of the text outside the site's header, menus and footer (a "search-page" wrapper
    /// around a grid of products, beside a mega-menu of thousands of links). A sidebar, a menu or a
    /// search box never holds most of a page, so on this page the word says nothing.
    /// </summary>
    private HashSet<string>? LayoutWords(int totalGood)
    {
        var allChars = _root.AllChars;
        if (allChars == 0)
            return null;
        var outsideChrome = allChars - SiteChromeChars(totalGood);
        Dictionary<string, (int Good, int All)>? covered = null;
        foreach (var box in _boxes)
        {
            if (box.NamedBy is not { } word || box.AllChars == 0 || NamedByAncestor(box, word))
                continue;
            covered ??= new Dictionary<string, (int, int)>(StringComparer.Ordinal);
            var (good, all) = covered.GetValueOrDefault(word);
            covered[word] = (good + box.AllGoodChars, all + box.AllChars);
        }
        HashSet<string>? layout = null;
        if (covered is null)
            return null;
        foreach (var (word, (good, all)) in covered)
        {
            if (totalGood > 0 && good * 2 >= totalGood || all * 2 >= outsideChrome && HtmlKeywords.IsInterfaceWord(word))
                (layout ??= new HashSet<string>(StringComparer.Ordinal)).Add(word);
        }
        return layout;
    }

    /// <summary>
    /// Shown characters in the outermost boxes marked as the site's header, menus or footer; a box
    /// so marked that holds half the page's prose is a wrapper, not chrome (see <see cref="Neutralize"/>).
    /// </summary>
    private int SiteChromeChars(int totalGood)
    {
        var chars = 0;
        foreach (var box in _boxes)
        {
            if (IsSiteChrome(box.Region) && !(totalGood > 0 && box.AllGoodChars * 2 >= totalGood) && !box.HasAncestorIn(IsSiteChrome))
                chars += box.AllChars;
        }
        return chars;

        static bool IsSiteChrome(Region region) => region is Region.Header or Region.Navigation or Region.Footer;
    }

    /// <summary>Prose a clickable card holds besides its heading, in characters; a button's label is shorter.</summary>
    private const int MinCardProse = 80;

    /// <summary>
    /// A teaser card that a script makes clickable as a whole (<c>role="button"</c> on a story's
    /// summary in a grid) holds a heading and prose; a real button holds a label.
    /// </summary>
    /// <summary>
    /// A <c>&lt;form&gt;</c> with no field to fill and no button to press, holding paragraphs of
    /// prose, wraps content: old Reddit's posts and comments each sit in one. A newsletter or
    /// contact form beside its blurb has its fields, and stays interface.
    /// </summary>
    private bool IsProseForm(Box box)
    {
        if (box.Tag != "form" || box.AllGoodChars < MinCardProse || box.Element.QuerySelector(FormControls) is not null)
            return false;
        for (var i = box.First; i < box.End; i++)
        {
            if (_blocks[i].Kind == BlockKind.Paragraph && _blocks[i].Words >= MinProseFormParagraphWords)
                return true;
        }
        return false;
    }

    /// <summary>A paragraph this long is a sentence someone wrote, not a field's label or hint.</summary>
    private const int MinProseFormParagraphWords = 8;

    private const string FormControls = "input:not([type=hidden]), textarea, select, button";

    private bool IsClickableCard(Box box)
    {
        if (box.Tag == "button" || box.AllGoodChars < MinCardProse || box.Element.GetAttribute("role") != "button")
            return false;
        for (var i = box.First; i < box.End; i++)
        {
            if (_blocks[i].Kind == BlockKind.Heading)
                return true;
        }
        return false;
    }

    /// <summary>Prose in the outermost boxes named for a consent manager (<see cref="HtmlKeywords.IsConsentManager"/>).</summary>
    private int ConsentManagerProse()
    {
        var chars = 0;
        foreach (var box in _boxes)
        {
            if (IsConsentManager(box) && !box.HasAncestor(IsConsentManager))
                chars += box.AllGoodChars;
        }
        return chars;

        static bool IsConsentManager(Box box) => HtmlKeywords.IsConsentManager(box.NamedBy);
    }

    private static bool NamedByAncestor(Box box, string word) => box.HasAncestor(up => ReferenceEquals(up.NamedBy, word));
}

using System.Collections.Frozen;

namespace IngestWorker.Text.Cleaning;

/// <summary>
/// Why a block was removed, and which reason names a block that several rules remove. Codes are
/// part of the output contract (<c>boilerplate.removedLines[].reason</c>): users audit and tune by
/// them, so once published they are not renamed.
/// </summary>
/// <remarks>
/// Every rule of both readers (the HTML locator and the line cleaner) proposes its reason through
/// <see cref="Decide"/>; <see cref="Precedence"/> is the one table that says which proposal wins.
/// </remarks>
public static class BoilerplateReasons
{
    /// <summary>
    /// Outside the part of the page chosen as the article — in HTML the main-content element, in
    /// plain text the densest run of prose — when no more specific reason applies.
    /// </summary>
    public const string OutsideMainContent = "outside_article";

    /// <summary>HTML: the block is hidden (hidden attribute, aria-hidden, display:none) or is non-content markup.</summary>
    public const string Hidden = "hidden";

    /// <summary>Menus, breadcrumbs, tag lists and other runs of link-like or menu-like short lines.</summary>
    public const string Navigation = "navigation";

    /// <summary>Mostly link text.</summary>
    public const string LinkDense = "link_dense";

    /// <summary>Site chrome above the headline: the site name, a scrape date, "Skip to main content".</summary>
    public const string HeaderChrome = "header_chrome";

    /// <summary>The headline: moved to the document's <c>title</c>, not repeated in its text.</summary>
    public const string Title = "title";

    /// <summary>After an end-of-article marker (related news, comments, share bar, newsletter block).</summary>
    public const string EndOfArticle = "end_of_article";

    /// <summary>A second copy of a line already kept (a caption shown twice, a standfirst repeated).</summary>
    public const string Repeated = "repeated";

    /// <summary>A photo or video caption or credit.</summary>
    public const string Caption = "caption";

    /// <summary>Interface text: buttons, "Advertising", "Send in e-mail", "Read more", share prompts.</summary>
    public const string InterfaceText = "interface_text";

    /// <summary>Bylines, datelines and update stamps.</summary>
    public const string Byline = "byline";

    /// <summary>Copyright, cookie and privacy notices, terms.</summary>
    public const string Legal = "legal";

    /// <summary>Newsletter, app, subscription and other promotions.</summary>
    public const string Promotion = "promotion";

    /// <summary>A line that recurs in many documents of the same site (a learned template line).</summary>
    public const string SiteTemplate = "site_template";

    /// <summary>Too short to be content, and its neighbours are not content either.</summary>
    public const string Short = "short";

    /// <summary>Long enough, but reads like a list of words rather than prose (few stopwords, no sentence).</summary>
    public const string NotProse = "not_prose";

    /// <summary>
    /// Headlines and blurbs of other articles: a related, trending or recommended box (inside or
    /// around the article), or a one-line pointer such as "READ MORE: …".
    /// </summary>
    public const string Teaser = "teaser";

    /// <summary>Readers' comments and the comment form.</summary>
    public const string Comments = "comments";

    /// <summary>An advertisement slot or a sponsored widget.</summary>
    public const string Advertisement = "advertisement";

    /// <summary>
    /// The standfirst (the summary between the headline and the body); removed only where
    /// <see cref="BoilerplateOptions.KeepStandfirst"/> is off.
    /// </summary>
    public const string Standfirst = "standfirst";

    /// <summary>
    /// The precedence table, strongest first: a block removed by several rules carries the reason
    /// listed first here. What the block <em>is</em> (the headline, hidden markup, a learned
    /// template line, comments, a notice) outranks where it <em>sits</em> (in a header, after the
    /// article's end, in a menu), which outranks what it merely <em>looks like</em> (link text,
    /// not prose, short, outside the chosen region).
    /// </summary>
    public static readonly IReadOnlyList<string> Precedence =
    [
        Title,
        Hidden,
        SiteTemplate,
        Comments,
        Advertisement,
        InterfaceText,
        Caption,
        Legal,
        Promotion,
        Teaser,
        Byline,
        Standfirst,
        HeaderChrome,
        EndOfArticle,
        Repeated,
        Navigation,
        LinkDense,
        NotProse,
        Short,
        OutsideMainContent,
    ];

    private static readonly FrozenDictionary<string, int> Ranks =
        Precedence.Select((reason, rank) => KeyValuePair.Create(reason, rank)).ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// The reason a block carries once <paramref name="proposed"/> is put to it: the proposal when
    /// the block had none or a weaker one, else the reason it had.
    /// </summary>
    public static string Decide(string? current, string proposed)
    {
        if (current is null || ReferenceEquals(current, proposed))
            return proposed;
        return Rank(proposed) < Rank(current) ? proposed : current;
    }

    /// <summary>The reason's place in <see cref="Precedence"/> (0 is strongest).</summary>
    public static int Rank(string reason) =>
        Ranks.TryGetValue(reason, out var rank) ? rank : throw new ArgumentException($"'{reason}' is not a removal reason; add it to BoilerplateReasons.Precedence.", nameof(reason));

    /// <summary>
    /// Removed for its shape alone (too short, not prose): a later rule that recognises what the
    /// block is (a repeat, a byline) names it better, and a neighbour judged only by shape still counts as text.
    /// </summary>
    public static bool IsShapeOnly(string? reason) => reason is Short or NotProse;
}

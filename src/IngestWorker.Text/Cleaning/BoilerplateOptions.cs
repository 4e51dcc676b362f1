namespace IngestWorker.Text.Cleaning;

/// <summary>Settings of boilerplate removal, bound from <c>ingestWorker:pipeline:boilerplate</c>.</summary>
public sealed class BoilerplateOptions
{
    /// <summary>Turns the whole stage on or off (off: the text is kept as read).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Blocks shorter than this (in characters; a Han or kana character counts 3, a Hangul syllable 2)
    /// are "short": too little text to judge alone, so they take the class of their neighbours.
    /// 70 is jusText's value, tuned on web news and blogs.
    /// </summary>
    public int LengthLow { get; set; } = 70;

    /// <summary>
    /// Blocks at least this long with a prose-like stopword density are "good" on their own; shorter
    /// ones are only "near good" and need good neighbours. 200 is jusText's value.
    /// </summary>
    public int LengthHigh { get; set; } = 200;

    /// <summary>
    /// Below this share of stopwords a block reads as a list of names or keywords, not prose. Lower
    /// than jusText's 0.30 because our stopword lists are the ~100–200 commonest words of a
    /// language rather than jusText's longer ones, which lowers every block's density.
    /// </summary>
    public double StopwordsLow { get; set; } = 0.22;

    /// <summary>At or above this share of stopwords a long block is prose ("good"). See <see cref="StopwordsLow"/>.</summary>
    public double StopwordsHigh { get; set; } = 0.28;

    /// <summary>
    /// HTML input: a block with more link text than this share does not count as prose when the
    /// cleaner looks for the headline and the end of the article (jusText's 0.2 is for whole
    /// pages; the extractor has already dropped navigation, and never loses a block for links alone).
    /// </summary>
    public double MaxLinkDensity { get; set; } = 0.5;

    /// <summary>
    /// Keep the standfirst (the one- or two-sentence summary between the headline and the body).
    /// It is written by the article's authors, so it is content; turn off where the summary is
    /// stored separately and only the body is wanted.
    /// </summary>
    public bool KeepStandfirst { get; set; } = true;

    /// <summary>
    /// After a "Related", "Trending", share-bar or newsletter line inside an article, how many blocks
    /// the box may span before the article must resume; when no run of prose follows within this
    /// many blocks the marker is taken as the end of the article. Boxes dropped into articles are a
    /// handful of lines; teaser lists after an article alternate headlines with blurbs and never
    /// show two prose paragraphs in a row.
    /// </summary>
    public int MaxInlineBoxBlocks { get; set; } = 12;

    /// <summary>
    /// HTML input: when the article found has fewer words than this, the page is taken for one that
    /// is not an article (a listing, a category grid, a product) and its main region is kept instead
    /// (<see cref="MainRegionFallback"/>, flag <c>main_region</c>). 0 turns that off. On the WCXB dev
    /// split 50, 100, 200, 400 and 1,000 gave F1 0.763, 0.783, 0.790, 0.797 and 0.800 (even and odd
    /// ids alike), articles unchanged, once pages that declare an article have their own floor.
    /// </summary>
    public int MinArticleWords { get; set; } = 400;

    /// <summary>
    /// <see cref="MinArticleWords"/> for a page that says it is an article (<c>og:type</c>, JSON-LD):
    /// its article engine's answer is trusted down to a short news brief. 50 is the shortest document
    /// Gopher's quality rules accept; at 100 the article benchmark (aeb-dev) lost 0.008 of F1 to
    /// short news pages whose main region holds far more than the story.
    /// </summary>
    public int MinDeclaredArticleWords { get; set; } = 50;

    /// <summary>
    /// <see cref="MinArticleWords"/> for a page whose only claim to be an article is <c>og:type</c>
    /// <c>article</c> while its JSON-LD calls it a plain web page: SEO plugins tag every page so, the
    /// services and products of a site too. On the WCXB dev split 100, 200 and 400 gave F1 0.849,
    /// 0.850 and 0.849 (against 0.848 when such pages counted as declared articles).
    /// </summary>
    public int MinOpenGraphArticleWords { get; set; } = 200;

    /// <summary>
    /// HTML input, a page whose type is not an article: its main region is kept instead of what the
    /// article engine found, however long, when the region holds this many times its prose
    /// (sentence-like blocks, <see cref="MainRegionFallback"/>) and <see cref="MinSpreadProseWords"/>
    /// more words of it: the content is spread over sections the engine did not join (a service
    /// page's offers, a guide in tabs). On the WCXB dev split 1.5 and 200 gave F1 0.851 → 0.854
    /// (even 0.852, odd 0.856), articles 0.950 → 0.952, and the article benchmark 0.992 → 0.993;
    /// applied to articles as well it cost aeb-dev 0.026.
    /// </summary>
    public double SpreadProseFactor { get; set; } = 1.5;

    /// <summary>See <see cref="SpreadProseFactor"/>; 0 turns that rule off.</summary>
    public int MinSpreadProseWords { get; set; } = 200;

    /// <summary>Throws when a setting is out of range (checked when a cleaner is built, so a bad configuration fails at start).</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(LengthLow, 1, nameof(LengthLow));
        ArgumentOutOfRangeException.ThrowIfLessThan(LengthHigh, LengthLow, nameof(LengthHigh));
        if (StopwordsLow is < 0 or > 1 || StopwordsHigh is < 0 or > 1 || StopwordsHigh < StopwordsLow)
            throw new ArgumentOutOfRangeException(nameof(StopwordsHigh), $"Stopword densities must satisfy 0 <= {nameof(StopwordsLow)} ({StopwordsLow}) <= {nameof(StopwordsHigh)} ({StopwordsHigh}) <= 1.");
        if (MaxLinkDensity is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(MaxLinkDensity), MaxLinkDensity, "A share between 0 and 1.");
        ArgumentOutOfRangeException.ThrowIfNegative(MaxInlineBoxBlocks, nameof(MaxInlineBoxBlocks));
        ArgumentOutOfRangeException.ThrowIfNegative(MinArticleWords, nameof(MinArticleWords));
        ArgumentOutOfRangeException.ThrowIfNegative(MinDeclaredArticleWords, nameof(MinDeclaredArticleWords));
        ArgumentOutOfRangeException.ThrowIfNegative(MinOpenGraphArticleWords, nameof(MinOpenGraphArticleWords));
        ArgumentOutOfRangeException.ThrowIfLessThan(SpreadProseFactor, 1.0, nameof(SpreadProseFactor));
        ArgumentOutOfRangeException.ThrowIfNegative(MinSpreadProseWords, nameof(MinSpreadProseWords));
    }
}

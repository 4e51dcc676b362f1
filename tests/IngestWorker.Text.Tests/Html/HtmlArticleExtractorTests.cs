using IngestWorker.Text.Cleaning;
using IngestWorker.Text.Extraction;
using IngestWorker.Text.Html;

namespace IngestWorker.Text.Tests.Html;

public class HtmlArticleExtractorTests
{
    private static readonly HtmlArticleExtractor Extractor = new();

    private const string Lorem1 = "The council voted on Tuesday to expand the city's bus network, adding three new routes that will connect the northern suburbs with the hospital and the university campus.";
    private const string Lorem2 = "Officials said the first buses would run in the spring, and that the fares would stay the same for at least two years, although the budget for the project is still under review.";
    private const string Lorem3 = "Residents who spoke at the meeting were broadly in favour, but several of them asked why the plan had taken so long and whether the night service would ever come back.";
    private const string Lorem4 = "The mayor answered that the delay was caused by the shortage of drivers, which has affected every city in the region, and promised a report on night buses by the end of the year.";

    private static string Page(string body, string head = "<title>Buses are coming - The Daily Example</title>") =>
        $"<!DOCTYPE html><html><head><meta charset=\"utf-8\">{head}</head><body>{body}</body></html>";

    private static string Article(string extra = "") =>
        $"<article><h1>Buses are coming</h1><p>{Lorem1}</p><p>{Lorem2}</p>{extra}<p>{Lorem3}</p><p>{Lorem4}</p></article>";

    private static List<string> Kept(PageContent page) => page.Blocks.Where(b => b.RemovedBy is null).Select(b => b.Text).ToList();

    private static ContentBlock Block(PageContent page, string startsWith) => page.Blocks.First(b => b.Text.StartsWith(startsWith, StringComparison.Ordinal));

    [Fact]
    public void Keeps_the_article_and_removes_navigation_header_footer_and_sidebar()
    {
        var html = Page(
            "<header><div class=\"logo\">The Daily Example</div><nav><ul><li><a href=\"/\">Home</a></li><li><a href=\"/news\">News</a></li><li><a href=\"/sport\">Sport</a></li></ul></nav></header>" +
            "<main>" + Article() + "<aside class=\"sidebar\"><h3>Most read</h3><ul><li><a href=\"/a\">Another story about something else entirely</a></li><li><a href=\"/b\">And one more story that people like</a></li></ul></aside></main>" +
            "<footer><p>© 2024 The Daily Example. All rights reserved.</p><a href=\"/privacy\">Privacy</a></footer>");
        var page = Extractor.Extract(html, "https://news.example.com/buses");

        Assert.Equal([Lorem1, Lorem2, Lorem3, Lorem4], Kept(page));
        Assert.Equal(BoilerplateReasons.Navigation, Block(page, "Home").RemovedBy);
        Assert.NotNull(Block(page, "©").RemovedBy);
        Assert.NotNull(Block(page, "Another story").RemovedBy);
        Assert.NotNull(Block(page, "The Daily Example").RemovedBy);
    }

    [Fact]
    public void Returns_every_visible_block_in_document_order()
    {
        var html = Page("<nav><a href=\"/\">Home</a></nav>" + Article() + "<footer>Contact us</footer>");
        var page = Extractor.Extract(html);

        var texts = page.Blocks.Select(b => b.Text).ToList();
        Assert.Equal(["Home", "Buses are coming", Lorem1, Lorem2, Lorem3, Lorem4, "Contact us"], texts);
    }

    [Fact]
    public void Marks_the_headline_as_title_and_fills_the_metadata_title()
    {
        var page = Extractor.Extract(Page(Article()));

        var headline = Block(page, "Buses are coming");
        Assert.Equal(BoilerplateReasons.Title, headline.RemovedBy);
        Assert.Equal(BlockKind.Heading, headline.Kind);
        Assert.Equal(1, headline.HeadingLevel);
        Assert.Equal("Buses are coming", page.Metadata.Title);
    }

    [Fact]
    public void Chooses_the_container_with_the_story_among_several()
    {
        var teasers = string.Concat(Enumerable.Range(1, 6).Select(i =>
            $"<div class=\"card\"><a href=\"/story{i}\">Teaser headline number {i} about the news</a><p>A short summary.</p></div>"));
        var html = Page(
            $"<div id=\"top\">{teasers}</div>" +
            $"<div id=\"story\"><h1>Buses are coming</h1><p>{Lorem1}</p><p>{Lorem2}</p><p>{Lorem3}</p><p>{Lorem4}</p></div>" +
            "<div id=\"bottom\"><p>Sign up for our newsletter.</p><p>Follow us.</p></div>");
        var page = Extractor.Extract(html);

        Assert.Equal([Lorem1, Lorem2, Lorem3, Lorem4], Kept(page));
        Assert.Equal(BoilerplateReasons.OutsideMainContent, Block(page, "A short summary").RemovedBy);
    }

    [Fact]
    public void Joins_an_article_split_into_chunks_around_ads()
    {
        var html = Page(
            "<article><h1>Buses are coming</h1>" +
            $"<div class=\"chunk\"><div class=\"body\"><p>{Lorem1}</p><p>{Lorem2}</p></div><div class=\"rail\"><div class=\"ad\">Advertisement</div></div></div>" +
            "<div class=\"ad-slot\"><span>Advertisement</span></div>" +
            $"<div class=\"chunk\"><div class=\"body\"><h2>What residents said</h2><p>{Lorem3}</p><p>{Lorem4}</p></div></div>" +
            "</article>");
        var page = Extractor.Extract(html);

        Assert.Equal([Lorem1, Lorem2, "What residents said", Lorem3, Lorem4], Kept(page));
        Assert.Equal(BoilerplateReasons.Advertisement, page.Blocks.First(b => b.Text == "Advertisement").RemovedBy);
    }

    [Fact]
    public void Removes_link_lists_but_keeps_a_single_link_line_inside_the_story()
    {
        var related = "<h3>Related stories</h3><ul>" + string.Concat(Enumerable.Range(1, 5).Select(i => $"<li><a href=\"/r{i}\">Related story number {i}</a></li>")) + "</ul>";
        var html = Page($"<article><h1>Buses are coming</h1><p>{Lorem1}</p><p>{Lorem2}</p><p><a href=\"/map\">See the map of the new routes</a></p><p>{Lorem3}</p><p>{Lorem4}</p>{related}</article>");
        var page = Extractor.Extract(html);

        Assert.Contains("See the map of the new routes", Kept(page));
        Assert.Equal(BoilerplateReasons.LinkDense, Block(page, "Related story number 1").RemovedBy);
        Assert.NotNull(Block(page, "Related stories").RemovedBy);
        Assert.Equal(1.0, Block(page, "Related story number 2").LinkDensity);
    }

    [Fact]
    public void Removes_hidden_elements()
    {
        var html = Page(Article(
            "<p hidden>Hidden by attribute.</p><div style=\"display: none\">Hidden by style.</div>" +
            "<p aria-hidden=\"true\">Hidden from readers.</p><span class=\"sr-only\">Screen reader text</span>"));
        var page = Extractor.Extract(html);

        Assert.Equal([Lorem1, Lorem2, Lorem3, Lorem4], Kept(page));
        Assert.Equal(BoilerplateReasons.Hidden, Block(page, "Hidden by attribute").RemovedBy);
        Assert.Equal(BoilerplateReasons.Hidden, Block(page, "Hidden by style").RemovedBy);
        Assert.Equal(BoilerplateReasons.Hidden, Block(page, "Hidden from readers").RemovedBy);
        Assert.Equal(BoilerplateReasons.Hidden, Block(page, "Screen reader text").RemovedBy);
    }

    [Fact]
    public void A_hidden_looking_wrapper_around_the_whole_story_is_not_hidden()
    {
        var html = Page($"<div class=\"field-label-hidden\"><div class=\"js-hidden-until-loaded\" style=\"display:none\"><h1>Buses are coming</h1><p>{Lorem1}</p><p>{Lorem2}</p><p>{Lorem3}</p></div></div>");
        var page = Extractor.Extract(html);

        Assert.Equal([Lorem1, Lorem2, Lorem3], Kept(page));
    }

    [Fact]
    public void Removes_comments_share_bars_and_newsletter_boxes_inside_the_article()
    {
        var html = Page(Article(
            "<div class=\"share-buttons\"><a href=\"#\">Facebook</a><a href=\"#\">Twitter</a></div>" +
            "<div class=\"newsletter-signup\"><p>Get the best stories in your inbox every morning, for free.</p></div>") +
            $"<section id=\"comments\"><h3>3 comments</h3><div class=\"comment\"><p>{Lorem2.Replace("Officials", "Commenters")}</p></div></section>");
        var page = Extractor.Extract(html);

        Assert.Equal([Lorem1, Lorem2, Lorem3, Lorem4], Kept(page));
        Assert.Equal(BoilerplateReasons.InterfaceText, Block(page, "Facebook").RemovedBy);
        Assert.Equal(BoilerplateReasons.Promotion, Block(page, "Get the best stories").RemovedBy);
        Assert.Equal(BoilerplateReasons.Comments, Block(page, "Commenters").RemovedBy);
    }

    [Fact]
    public void Inline_markup_never_glues_words_and_block_markup_always_separates_them()
    {
        var html = Page(
            $"<article><h1>Buses are coming</h1><p>{Lorem1}</p>" +
            "<div>First<div>Second</div>Third<br>Fourth<p>Fifth</p><span>Sixth</span>  <em>seventh</em>\n<b>eighth</b> nin<i>th</i></div>" +
            "<table><tr><td>Cell one</td><td>Cell two</td></tr></table>" +
            $"<ul><li>One</li><li>Two</li></ul><p>{Lorem2}</p></article>");
        var page = Extractor.Extract(html);
        var texts = page.Blocks.Select(b => b.Text).ToList();

        Assert.Contains("First", texts);
        Assert.Contains("Second", texts);
        Assert.Contains("Third", texts);
        Assert.Contains("Fourth", texts);
        Assert.Contains("Fifth", texts);
        Assert.Contains("Sixth seventh eighth ninth", texts);
        Assert.Contains("Cell one Cell two", texts);
        Assert.Equal(BlockKind.TableRow, Block(page, "Cell one").Kind);
        Assert.Equal(BlockKind.ListItem, Block(page, "One").Kind);
        Assert.False(Block(page, "Fourth").StartsParagraph);
        Assert.True(Block(page, "Fifth").StartsParagraph);
    }

    [Fact]
    public void Sets_block_kinds()
    {
        var html = Page(
            $"<article><h1>Buses are coming</h1><p>{Lorem1}</p><h2>Routes</h2><blockquote><p>We are very happy.</p></blockquote>" +
            $"<figure><img src=\"a.jpg\"><figcaption>The new bus depot.</figcaption></figure><pre>line 1\n  line 2</pre><p>{Lorem2}</p></article>");
        var page = Extractor.Extract(html);

        Assert.Equal(BlockKind.Paragraph, Block(page, Lorem1[..20]).Kind);
        var routes = Block(page, "Routes");
        Assert.Equal(BlockKind.Heading, routes.Kind);
        Assert.Equal(2, routes.HeadingLevel);
        Assert.Equal(BlockKind.Quote, Block(page, "We are very happy").Kind);
        var caption = Block(page, "The new bus depot");
        Assert.Equal(BlockKind.Caption, caption.Kind);
        Assert.Equal(BoilerplateReasons.Caption, caption.RemovedBy);
        var pre = Block(page, "line 1");
        Assert.Equal(BlockKind.Preformatted, pre.Kind);
        Assert.Equal("line 1\n  line 2", pre.Text);
    }

    [Fact]
    public void Decodes_entities_and_collapses_whitespace()
    {
        var html = Page($"<article><h1>Buses are coming</h1><p>{Lorem1}</p><p>Fish &amp; chips&nbsp;&mdash; \n\t a  &quot;classic&quot;&#33;</p><p>{Lorem2}</p></article>");
        var page = Extractor.Extract(html);

        Assert.Contains("Fish & chips — a \"classic\"!", page.Blocks.Select(b => b.Text));
    }

    [Fact]
    public void Computes_link_density()
    {
        var html = Page($"<article><h1>Buses are coming</h1><p>{Lorem1}</p><p>Read <a href=\"/x\">this</a> now</p><p>{Lorem2}</p></article>");
        var page = Extractor.Extract(html);

        Assert.Equal(Math.Round(4.0 / 13, 3), Block(page, "Read this now").LinkDensity);
        Assert.Equal(0, Block(page, Lorem1[..20]).LinkDensity);
    }

    [Fact]
    public void Skips_non_rendered_text()
    {
        var html = Page(Article("<script>var x = 'script text';</script><style>.a{color:red}</style><noscript>Enable JavaScript</noscript><template><p>Template text</p></template>"));
        var page = Extractor.Extract(html);
        var all = string.Join("\n", page.Blocks.Select(b => b.Text));

        Assert.DoesNotContain("script text", all);
        Assert.DoesNotContain("color:red", all);
        Assert.DoesNotContain("Enable JavaScript", all);
        Assert.DoesNotContain("Template text", all);
    }

    [Fact]
    public void Reads_a_noscript_fallback_long_enough_to_be_the_page()
    {
        // Forum software serves the thread inside <noscript> for clients without scripts.
        const string post = "Bumping the minimum supported version has never been considered a breaking change by most crates, although some people disagree with that.";
        var html = Page($"<noscript><div class=\"post\"><p>{post}</p><p>{post} Twice, to be long enough.</p></div></noscript>");
        var page = Extractor.Extract(html);

        Assert.Contains(page.Blocks, b => b.Text == post && b.InMainRegion == true);
    }

    [Theory]
    [InlineData("Thu, 09/25/2025 - 11:38", "2025-09-25T11:38:00")]
    [InlineData("13/11/2025", "2025-11-13")]
    [InlineData("2024-03-05T08:30:00+01:00", "2024-03-05T08:30:00+01:00")]
    [InlineData("sometime soon", "sometime soon")]
    public void Declared_dates_become_iso_8601_where_they_can_be_read(string declared, string expected) =>
        Assert.Equal(expected, HtmlMetadataReader.NormaliseDate(declared));

    [Fact]
    public void The_last_change_stands_in_for_a_missing_publication_date()
    {
        var updated = Extractor.Extract(Page(Article(), "<meta property=\"article:modified_time\" content=\"2025-08-19T13:25:59+00:00\">"));
        var both = Extractor.Extract(Page(Article(),
            "<meta property=\"article:published_time\" content=\"2025-01-29\"><meta property=\"article:modified_time\" content=\"2025-08-19\">"));

        Assert.Equal("2025-08-19T13:25:59+00:00", updated.Metadata.Published);
        Assert.Equal("2025-01-29", both.Metadata.Published);
    }

    [Fact]
    public void Reads_metadata_from_json_ld()
    {
        const string head = """
            <title>Buses are coming | The Daily Example</title>
            <script type="application/ld+json">
            {"@context":"https://schema.org","@graph":[
              {"@type":"Organization","name":"Example Media"},
              {"@type":"NewsArticle","headline":"Buses are coming","datePublished":"2024-03-05T08:30:00+01:00",
               "author":[{"@type":"Person","name":"Jane Doe"},{"@type":"Person","name":"John Roe"}],
               "publisher":{"@type":"Organization","name":"The Daily Example"}}]}
            </script>
            <link rel="canonical" href="https://news.example.com/buses">
            """;
        var page = Extractor.Extract(Page(Article(), head), "https://news.example.com/buses?utm=1");

        Assert.Equal("Buses are coming", page.Metadata.Title);
        Assert.Equal("Jane Doe, John Roe", page.Metadata.Author);
        Assert.Equal("2024-03-05T08:30:00+01:00", page.Metadata.Published);
        Assert.Equal("https://news.example.com/buses", page.Metadata.Url);
        Assert.Equal("The Daily Example", page.Metadata.Site);
    }

    [Fact]
    public void Reads_metadata_from_open_graph_and_meta_tags()
    {
        const string head = """
            <title>Buses are coming - The Daily Example</title>
            <meta property="og:title" content="Buses are coming">
            <meta property="og:site_name" content="The Daily Example">
            <meta property="og:url" content="https://news.example.com/buses">
            <meta property="article:published_time" content="2024-03-05">
            <meta name="author" content="By Jane Doe">
            """;
        var page = Extractor.Extract(Page(Article(), head));

        Assert.Equal("Buses are coming", page.Metadata.Title);
        Assert.Equal("Jane Doe", page.Metadata.Author);
        Assert.Equal("2024-03-05", page.Metadata.Published);
        Assert.Equal("https://news.example.com/buses", page.Metadata.Url);
        Assert.Equal("The Daily Example", page.Metadata.Site);
    }

    [Fact]
    public void Falls_back_to_the_document_title_time_element_and_url_host()
    {
        var body = $"<article><h2>Some section</h2><time datetime=\"2023-11-19T10:00:00Z\">Nov 19</time><p>{Lorem1}</p><p>{Lorem2}</p><p>{Lorem3}</p></article>";
        var page = Extractor.Extract(Page(body, "<title>Buses are coming - The Daily Example</title>"), "https://www.example.org/news/1");

        Assert.Equal("Buses are coming", page.Metadata.Title);
        Assert.Equal("2023-11-19T10:00:00+00:00", page.Metadata.Published);
        Assert.Equal("https://www.example.org/news/1", page.Metadata.Url);
        Assert.Equal("www.example.org", page.Metadata.Site);
    }

    [Fact]
    public void Handles_pages_without_body_text()
    {
        Assert.Empty(Extractor.Extract("").Blocks);
        Assert.Empty(Extractor.Extract("<html><head><title>x</title></head><body></body></html>").Blocks);
        var page = Extractor.Extract("just some text");
        Assert.Equal(["just some text"], Kept(page));
    }

    [Fact]
    public void Keeps_a_plain_text_run_of_br_separated_lines()
    {
        var html = Page($"<div id=\"wrap\"><div class=\"txt\">{Lorem1}<br><br>{Lorem2}<br><br>{Lorem3}</div></div>");
        var page = Extractor.Extract(html);

        Assert.Equal([Lorem1, Lorem2, Lorem3], Kept(page));
        Assert.True(Block(page, Lorem2[..20]).StartsParagraph);
    }

    [Theory]
    [InlineData("{\"@type\":\"DiscussionForumPosting\",\"headline\":\"Buses?\",\"author\":{\"@type\":\"Person\",\"name\":\"busfan42\"},\"datePublished\":\"2024-05-03T08:45:00Z\","
        + "\"comment\":[{\"@type\":\"Comment\",\"author\":{\"name\":\"someone_else\"}}]}")]
    [InlineData("{\"@type\":\"QAPage\",\"mainEntity\":{\"@type\":\"Question\",\"name\":\"Buses?\",\"author\":{\"@type\":\"Person\",\"name\":\"busfan42\"},\"dateCreated\":\"2024-05-03T08:45:00Z\"}}")]
    public void A_threads_author_and_date_are_its_opening_posts(string json)
    {
        var page = Extractor.Extract(Page($"<div><p>{Lorem1}</p><p>{Lorem2}</p></div>", $"<title>Buses?</title><script type=\"application/ld+json\">{json}</script>"));

        Assert.Equal("busfan42", page.Metadata.Author);
        Assert.StartsWith("2024-05-03", page.Metadata.Published, StringComparison.Ordinal);
        Assert.False(page.Metadata.DeclaresArticle);
    }

    [Theory]
    [InlineData("<div itemprop=\"author\" itemscope itemtype=\"https://schema.org/Person\"><span itemprop=\"name\">busfan42</span><span>Member since 2019, 1,204 posts</span></div>")]
    [InlineData("<div itemprop=\"author\" itemscope><meta itemprop=\"name\" content=\"busfan42\"><a href=\"/u/busfan42\">busfan42</a></div>")]
    [InlineData("<div class=\"user-details\" itemprop=\"author\"><a href=\"/u/busfan42\">busfan42</a></div>")]
    public void The_first_microdata_author_names_a_page_that_declares_none(string author)
    {
        var post = $"<div class=\"post\">{author}<p>{Lorem1}</p></div>";
        var reply = $"<div class=\"post\"><div itemprop=\"author\"><span itemprop=\"name\">someone_else</span></div><p>{Lorem2}</p></div>";
        var page = Extractor.Extract(Page(post + reply, "<title>Buses?</title>"));

        Assert.Equal("busfan42", page.Metadata.Author);
    }

    [Fact]
    public void Follows_the_declared_json_ld_article_body_when_the_layout_misleads()
    {
        // A short story next to a long run of reader letters that no class name gives away.
        var letters = string.Concat(Enumerable.Range(1, 8).Select(i =>
            $"<div class=\"entry\"><p>Letter {i}: I have lived in this town for thirty years, and I think that the buses, the trains and the roads have all got worse, which is why I will vote against the council in the next election, whatever they promise now.</p></div>"));
        var body = $"<div class=\"main\"><h1>Buses are coming</h1><div class=\"story\"><p>{Lorem1}</p><p>{Lorem2}</p><p>{Lorem3}</p></div></div><div class=\"letters\">{letters}</div>";
        var json = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["@type"] = "NewsArticle",
            ["headline"] = "Buses are coming",
            ["articleBody"] = $"{Lorem1} {Lorem2} {Lorem3}",
        });
        var withoutDeclaration = Extractor.Extract(Page(body));
        var withDeclaration = Extractor.Extract(Page(body, $"<title>Buses</title><script type=\"application/ld+json\">{json}</script>"));

        Assert.Contains(Kept(withoutDeclaration), text => text.StartsWith("Letter", StringComparison.Ordinal));
        Assert.Equal([Lorem1, Lorem2, Lorem3], Kept(withDeclaration));
    }

    [Fact]
    public void Removes_the_caption_that_sits_with_an_image_outside_a_figcaption()
    {
        var html = Page(Article("<div class=\"img-wrap\"><div><img src=\"depot.jpg\" alt=\"The depot\"></div><br><span class=\"small gray\">The new bus depot on Mill Road</span></div>"));
        var page = Extractor.Extract(html);

        Assert.Equal([Lorem1, Lorem2, Lorem3, Lorem4], Kept(page));
        var caption = Block(page, "The new bus depot");
        Assert.Equal(BoilerplateReasons.Caption, caption.RemovedBy);
        Assert.Equal(BlockKind.Caption, caption.Kind);
    }

    [Fact]
    public void Removes_a_pull_quote_that_repeats_a_sentence_of_the_story()
    {
        var html = Page(Article($"<aside class=\"pullquote\"><p>{Lorem3[..Lorem3.IndexOf(',')]}</p></aside>"));
        var page = Extractor.Extract(html);

        Assert.Equal([Lorem1, Lorem2, Lorem3, Lorem4], Kept(page));
        Assert.Equal(BoilerplateReasons.Repeated, page.Blocks.First(b => b.Text == Lorem3[..Lorem3.IndexOf(',')]).RemovedBy);
    }

    [Fact]
    public void Keeps_an_embedded_post_inside_a_social_widget()
    {
        var tweet = "<div class=\"social-embed\"><blockquote class=\"twitter-tweet\"><p>Great news for everyone who takes the bus to work every morning in this city.</p>— Jane Rider (@jane) March 5, 2024</blockquote></div>";
        var share = "<div class=\"social-share\"><a href=\"#\">Facebook</a> <a href=\"#\">Twitter</a></div>";
        var page = Extractor.Extract(Page(Article(tweet + share)));

        Assert.Contains("Great news for everyone who takes the bus to work every morning in this city.", Kept(page));
        Assert.NotNull(Block(page, "Facebook").RemovedBy);
    }

    [Fact]
    public void Keeps_prose_rich_in_links_and_removes_a_second_copy_of_the_headline()
    {
        var linked = "Read the <a href=\"/a\">council's full report on the new routes</a> and <a href=\"/b\">the transport plan for the region</a>, both published today.";
        var html = Page($"<div class=\"mobile-only\"><h1>Buses are coming</h1></div><article><h1>Buses are coming</h1><p>{linked}</p><p>{Lorem1}</p><p>{Lorem2}</p><p>{Lorem3}</p></article>");
        var page = Extractor.Extract(html);

        Assert.Equal("Read the council's full report on the new routes and the transport plan for the region, both published today.", Kept(page)[0]);
        var headlines = page.Blocks.Where(b => b.Text == "Buses are coming").ToList();
        Assert.Single(headlines, b => b.RemovedBy == BoilerplateReasons.Title);
        Assert.Single(headlines, b => b.RemovedBy == BoilerplateReasons.Repeated);
    }

    [Fact]
    public void A_closed_details_element_is_read_like_an_accordion()
    {
        // Closed, the content is one click away (an FAQ's answers): it is the page's text, not hidden text.
        var html = Page(Article("<details><summary>Timetable</summary><p>Route 1 every ten minutes.</p></details>"));
        var page = Extractor.Extract(html);

        Assert.NotEqual(BoilerplateReasons.Hidden, Block(page, "Route 1").RemovedBy);
        Assert.NotEqual(BoilerplateReasons.Hidden, Block(page, "Timetable").RemovedBy);
    }

    [Fact]
    public void A_page_streamed_in_hidden_parts_that_a_script_moves_into_place_is_read()
    {
        // Streamed server rendering: each part arrives in a hidden box, moved into place by a script.
        var html = Page("<nav><a href=\"/\">Home</a><a href=\"/news\">News</a></nav><main id=\"root\"></main>"
            + $"<div hidden id=\"S:0\"><h1>Buses are coming</h1><p>{Lorem1}</p><p>{Lorem2}</p></div><script>move('S:0')</script>"
            + $"<div style=\"display:none\" id=\"S:1\"><p>{Lorem3}</p><p>{Lorem4}</p></div><script>move('S:1')</script>");
        var page = Extractor.Extract(html);

        Assert.Equal([Lorem1, Lorem2, Lorem3, Lorem4], Kept(page));
    }

    [Fact]
    public void A_react_streamed_segment_is_read_even_when_the_rest_of_the_page_is_shown()
    {
        var html = Page($"<main><h1>Buses are coming</h1><p>{Lorem1}</p><p>{Lorem2}</p><p>{Lorem3}</p><div id=\"B:1f\"></div></main>"
            + $"<div hidden id=\"S:1f\"><p>{Lorem4}</p></div><script>$RC(\"B:1f\",\"S:1f\")</script>"
            + "<div hidden id=\"S:menu\"><p>A hidden box that merely starts like a segment id stays hidden.</p></div>");
        var page = Extractor.Extract(html);

        Assert.NotEqual(BoilerplateReasons.Hidden, Block(page, Lorem4).RemovedBy);
        Assert.Equal(BoilerplateReasons.Hidden, Block(page, "A hidden box that merely").RemovedBy);
    }

    [Fact]
    public void A_grid_of_cards_streamed_in_hidden_parts_is_read()
    {
        var cards = string.Concat(Enumerable.Range(1, 12).Select(i =>
            $"<div style=\"display:none\" id=\"part{i}\"><div class=\"card\"><h3>Walking boot model {i}</h3><span>Waterproof leather, size {30 + i}</span></div></div>"));
        var page = Extractor.Extract(Page("<header><a href=\"/\">Shop</a></header><main></main>" + cards));

        // Which cards are the content is the locator's decision; none of them is hidden.
        Assert.Equal(12, page.Blocks.Count(b => b.Text.StartsWith("Walking boot", StringComparison.Ordinal)));
        Assert.DoesNotContain(page.Blocks, b => b.RemovedBy == BoilerplateReasons.Hidden);
    }

    [Fact]
    public void A_story_card_made_clickable_as_a_whole_is_not_a_button()
    {
        var cards = string.Concat(new[] { Lorem1, Lorem2, Lorem3 }.Select((text, i) =>
            $"<div class=\"summary-item\" role=\"button\"><h3>Story number {i + 1}</h3><p>{text}</p></div>"));
        var html = Page($"<main><h1>Science</h1><div class=\"grid\">{cards}</div><div role=\"button\">Load more stories</div></main>");
        var page = Extractor.Extract(html);

        Assert.True(Block(page, "Story number 2").InMainRegion);
        Assert.True(Block(page, Lorem2).InMainRegion);
        Assert.False(Block(page, "Load more stories").InMainRegion);
    }

    [Fact]
    public void A_form_with_no_field_that_holds_prose_wraps_content_but_a_signup_form_stays_interface()
    {
        // Old Reddit: each post and comment in a <form> with only hidden inputs.
        var comments = string.Concat(new[] { Lorem1, Lorem2, Lorem3 }.Select((text, i) =>
            $"<div class=\"comment\"><p class=\"tagline\">user{i} 12 points</p><form class=\"usertext\"><input type=\"hidden\" name=\"thing_id\" value=\"t1_{i}\"><div class=\"md\"><p>{text}</p></div></form></div>"));
        var html = Page($"<main><h1>Lab-grown hair follicles</h1><div class=\"commentarea\">{comments}</div>"
            + "<form class=\"signup\"><p>Get the week's best science stories in your inbox every Friday morning, free of charge.</p><input type=\"email\" name=\"email\"><button>Sign up</button></form></main>");
        var page = Extractor.Extract(html);

        Assert.True(Block(page, Lorem2).InMainRegion);
        Assert.False(Block(page, "Get the week's best science stories").InMainRegion);
    }

    [Fact]
    public void A_page_is_read_as_a_desktop_shows_it()
    {
        var html = Page("<main><h1>Buses are coming</h1>"
            + $"<div class=\"lg:hidden\"><p>Phone copy: {Lorem1}</p></div>"
            + $"<div class=\"hidden lg:block\"><p>{Lorem1}</p><p>{Lorem2}</p></div>"
            + $"<div class=\"d-none d-md-block\"><p>{Lorem3}</p></div></main>");
        var page = Extractor.Extract(html);

        Assert.Equal([Lorem1, Lorem2, Lorem3], Kept(page));
        Assert.Equal(BoilerplateReasons.Hidden, Block(page, "Phone copy").RemovedBy);
    }

    [Fact]
    public void An_unlinked_second_headline_in_the_body_is_a_section_heading_but_a_linked_one_is_another_story()
    {
        // A page builder's modules, side by side: the story's parts, its section heading, then another story.
        var html = Page($"<main><h1>Buses are coming</h1><div class=\"module\"><p>{Lorem1}</p><p>{Lorem2}</p><p>{Lorem3}</p></div>"
            + "<div class=\"module\"><h1>Listen to this episode now:</h1></div>"
            + $"<div class=\"module\"><p>{Lorem4}</p></div>"
            + "<div class=\"module\"><h1><a href=\"/trams\">Trams are going</a></h1></div>"
            + "<div class=\"module\"><p>The tram network closes next month after a century of service, and the depots will be sold to pay for new buses across the city.</p></div></main>");
        var page = Extractor.Extract(html);

        Assert.Equal([Lorem1, Lorem2, Lorem3, "Listen to this episode now:", Lorem4], Kept(page));
        Assert.NotNull(Block(page, "The tram network closes").RemovedBy);
    }

    [Fact]
    public void A_consent_managers_preference_centre_is_never_the_page_however_much_prose_it_holds()
    {
        const string Cookies = "These cookies allow us to count visits and traffic sources so we can measure and improve the performance of our site, and they help us to know which pages are the most and least popular.";
        var consent = "<div id=\"onetrust-consent-sdk\" class=\"show-banner\"><div role=\"dialog\"><h3>Performance cookies</h3>"
            + string.Concat(Enumerable.Range(1, 4).Select(i => $"<p>{Cookies} ({i})</p>")) + "</div></div>";
        var cards = string.Concat(Enumerable.Range(1, 10).Select(i => $"<div class=\"card\"><a href=\"/r{i}\">Tomato sauce number {i}</a></div>"));
        var page = Extractor.Extract(Page($"{consent}<main><h1>Tomato sauce recipes</h1><p>Our collection of tomato sauce recipes.</p>{cards}</main>"));

        Assert.NotNull(Block(page, Cookies).RemovedBy); // as the dialog's interface text, the nearest marked box
        Assert.False(Block(page, Cookies).InMainRegion);
        Assert.True(Block(page, "Tomato sauce number 7").InMainRegion);
    }

    [Fact]
    public void A_syntax_highlighters_comment_lines_inside_code_are_code()
    {
        var code = "<pre><code><div class=\"cm-line\"><span class=\"sp-syntax-comment\">// fares are in pence</span></div>"
            + "<div class=\"cm-line\"><span class=\"token keyword\">const</span> fare = 200;</div></code></pre>";
        var page = Extractor.Extract(Page(Article(code)));

        Assert.Null(Block(page, "// fares are in pence").RemovedBy);
        Assert.Contains(Lorem4, Kept(page));
    }

    [Fact]
    public void A_panel_that_only_its_class_or_its_button_names_an_accordion_or_a_tab_is_read_when_collapsed()
    {
        var html = Page(Article(
            "<h3>Fares</h3><div class=\"cdr-accordion__content cdr-accordion--closed\" aria-hidden=\"true\" style=\"max-height:0px\"><p>Fares stay at two pounds a ride.</p></div>"
            + "<div class=\"tab-pane fade\" style=\"display:none\"><p>Night buses run until two in the morning.</p></div>"
            + "<section role=\"tabpanel\" hidden><p>On a Mac, install the tools with Homebrew first.</p></section>"
            + "<div><button type=\"button\"><h5>Can I bring a bicycle?</h5></button><div class=\"text-sm hidden\"><p>Folded bicycles ride free at any hour.</p></div></div>"
            + "<div class=\"tabs-menu\" aria-hidden=\"true\"><p>A hidden menu of tabs stays hidden.</p></div>"));
        var page = Extractor.Extract(html);

        Assert.NotEqual(BoilerplateReasons.Hidden, Block(page, "Fares stay").RemovedBy);
        Assert.NotEqual(BoilerplateReasons.Hidden, Block(page, "Night buses").RemovedBy);
        Assert.NotEqual(BoilerplateReasons.Hidden, Block(page, "On a Mac").RemovedBy);
        Assert.NotEqual(BoilerplateReasons.Hidden, Block(page, "Folded bicycles").RemovedBy); // the answer a button opens
        Assert.Equal(BoilerplateReasons.Hidden, Block(page, "A hidden menu").RemovedBy);
    }

    [Fact]
    public void A_collapsed_accordion_panel_is_read_but_a_hidden_box_is_not()
    {
        var html = Page(Article(
            "<button aria-controls=\"a1\" aria-expanded=\"false\" id=\"h1\">Fares</button>"
            + "<div id=\"a1\" role=\"region\" aria-labelledby=\"h1\" style=\"display:none\"><p>Fares stay at two pounds a ride.</p></div>"
            + "<div style=\"display:none\"><p>Template text never shown.</p></div>"));
        var page = Extractor.Extract(html);

        Assert.NotEqual(BoilerplateReasons.Hidden, Block(page, "Fares stay").RemovedBy);
        Assert.Equal(BoilerplateReasons.Hidden, Block(page, "Template text").RemovedBy);
    }

    [Fact]
    public void A_story_in_sections_goes_on_past_a_table_of_contents_between_them()
    {
        var toc = "<div class=\"section\"><p>Contents</p><ul>" + string.Concat(Enumerable.Range(1, 6).Select(i =>
            $"<li><a href=\"#s{i}\">Section number {i} of this guide to the routes</a></li>")) + "</ul></div>";
        string Later(string paragraph) => paragraph.Replace("the", "this", StringComparison.Ordinal);
        var html = Page("<h1>Buses are coming</h1>"
            + $"<div class=\"section\"><p>{Lorem1}</p><p>{Lorem2}</p><p>{Lorem3}</p><p>{Lorem4}</p></div>" + toc
            + $"<div class=\"section\"><h2>Routes</h2><p>{Later(Lorem1)}</p><p>{Later(Lorem2)}</p></div>"
            + $"<div class=\"section\"><h2>Night buses</h2><p>{Later(Lorem3)}</p><p>{Later(Lorem4)}</p></div>");
        var page = Extractor.Extract(html);

        var kept = Kept(page);
        Assert.Contains(Lorem1, kept);
        Assert.Contains(Later(Lorem1), kept);
        Assert.Contains(Later(Lorem4), kept);
        Assert.NotNull(Block(page, "Section number 3").RemovedBy);
    }

    // Posts under a question, each an <article> in a "comments" list: a thread when the page is one, comments under a story otherwise.
    private static string Replies() => "<div class=\"comments\">" + string.Concat(Enumerable.Range(1, 4).Select(i =>
        $"<article id=\"post-{i}\" class=\"comment\"><p>reader{i}</p><p>I have lived in this town for thirty years, and the buses have got worse every year, so I doubt it, reply {i}.</p></article>")) + "</div>";

    [Fact]
    public void In_a_thread_the_replies_are_the_content()
    {
        var html = Page($"<h1>Will the new buses help?</h1><article id=\"post-0\"><p>{Lorem1}</p><p>{Lorem2}</p></article>" + Replies());
        var page = Extractor.Extract(html, "https://forum.example.org/t/will-the-new-buses-help/42");

        Assert.Equal(IngestWorker.Text.Extraction.PageTypes.PageTypes.Forum, page.Type!.Type);
        Assert.Null(Block(page, "I have lived in this town for thirty years, and the buses have got worse every year, so I doubt it, reply 3.").RemovedBy);
        Assert.Null(Block(page, Lorem1).RemovedBy);
    }

    [Fact]
    public void In_a_question_and_answer_thread_the_answers_are_the_content_and_the_remarks_under_them_are_comments()
    {
        const string Remark = "Have you tried asking the council directly, they usually answer within a week?";
        static string Post(string kind, int i, string text) =>
            $"<div id=\"{kind}-{i}\" class=\"{kind} js-{kind}\"><div class=\"post-body\"><p>{text}</p></div>"
            + $"<div class=\"comments js-comments-container\"><ul class=\"comments-list\"><li class=\"comment\"><span>{Remark} ({kind} {i})</span></li></ul></div></div>";
        var answer = "The night buses were cut in the last budget, and the new routes only run during the day, so the answer is no, answer ";
        var html = Page("<h1>Will the new buses run at night?</h1>" + Post("question", 0, Lorem1)
            + "<div id=\"answers\">" + string.Concat(Enumerable.Range(1, 3).Select(i => Post("answer", i, answer + i + "."))) + "</div>");
        var page = Extractor.Extract(html, "https://transit.stackexchange.example/questions/42/will-the-new-buses-run-at-night");

        Assert.Equal(IngestWorker.Text.Extraction.PageTypes.PageTypes.Forum, page.Type!.Type);
        Assert.Null(Block(page, answer + "2.").RemovedBy);
        Assert.Equal(BoilerplateReasons.Comments, Block(page, Remark + " (answer 2)").RemovedBy);
        Assert.False(Block(page, Remark + " (answer 2)").InMainRegion);
    }

    [Fact]
    public void A_related_box_inside_a_sidebar_is_not_the_main_region_but_one_in_the_page_is()
    {
        var related = "<div class=\"related\"><ul>" + string.Concat(Enumerable.Range(1, 3).Select(i => $"<li><a href=\"/q/{i}\">Another question about buses, number {i}</a></li>")) + "</ul></div>";
        var html = Page($"<main><h1>Buses are coming</h1><p>{Lorem1}</p>{related.Replace("Another", "Main", StringComparison.Ordinal)}</main>"
            + $"<div id=\"sidebar\" role=\"complementary\">{related}</div>");
        var page = Extractor.Extract(html);

        Assert.False(Block(page, "Another question about buses, number 2").InMainRegion);
        Assert.True(Block(page, "Main question about buses, number 2").InMainRegion);
    }

    [Fact]
    public void A_threads_first_poster_is_its_author_and_not_on_other_pages()
    {
        static string Thread() => "<h1>Will the new buses help?</h1>" + string.Concat(Enumerable.Range(1, 4).Select(i =>
            $"<div id=\"post-{i}\" class=\"post\"><a class=\"username\" href=\"/u/{i}\">rider{i}</a><p>I take the number {i} bus every day, and it has been late three times this week alone, so I doubt it.</p></div>"));
        var thread = Extractor.Extract(Page(Thread()), "https://forum.example.org/t/will-the-new-buses-help/42");
        var story = Extractor.Extract(Page($"<article><h1>Buses are coming</h1><p>{Lorem1}</p><p>{Lorem2}</p><p class=\"author\">Jane Doe</p></article>",
            "<title>Buses are coming</title><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"headline\":\"Buses are coming\"}</script>"),
            "https://news.example.com/2024/05/buses");

        Assert.Equal(IngestWorker.Text.Extraction.PageTypes.PageTypes.Forum, thread.Type!.Type);
        Assert.Equal("rider1", thread.Metadata.Author);
        Assert.NotEqual("Jane Doe", story.Metadata.Author); // a class alone names no author outside a thread
    }

    [Fact]
    public void Under_a_news_story_the_same_replies_are_comments()
    {
        var html = Page($"<article><h1>Buses are coming</h1><p>{Lorem1}</p><p>{Lorem2}</p><p>{Lorem3}</p></article>" + Replies(),
            "<title>Buses are coming</title><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"headline\":\"Buses are coming\"}</script>");
        var page = Extractor.Extract(html, "https://news.example.com/2024/05/buses");

        Assert.Equal(IngestWorker.Text.Extraction.PageTypes.PageTypes.Article, page.Type!.Type);
        Assert.Equal(BoilerplateReasons.Comments, Block(page, "I have lived in this town for thirty years, and the buses have got worse every year, so I doubt it, reply 3.").RemovedBy);
    }

    [Theory]
    [InlineData("Best movers in NYC 2025 | Top 19 companies", "Best movers in NYC 2025")]
    [InlineData("Tips from a first visit - Japan Forum", "Tips from a first visit")]
    [InlineData("Spider-Man: Far From Home - the films", "Spider-Man: Far From Home")]
    [InlineData("Sale | Summer shoes", "Sale | Summer shoes")] // one word before the bar does not name the page
    public void A_declared_title_in_parts_is_named_by_its_first_part(string declared, string expected)
    {
        var html = Page($"<div><p>{Lorem1}</p><p>{Lorem2}</p></div>", $"<title>{declared}</title>");

        Assert.Equal(expected, Extractor.Extract(html).Metadata.Title);
    }

    [Fact]
    public void Prefers_the_text_that_follows_the_headline_over_later_reader_comments()
    {
        var comments = string.Concat(Enumerable.Range(1, 6).Select(i =>
            $"<div><a href=\"/u{i}\">reader{i}</a><span>2 hours ago</span><p>I have lived in this town for thirty years, and honestly, the buses, the trains and the roads have all got worse, so I doubt it, comment {i}.</p><a href=\"#\">Reply</a></div>"));
        var html = Page($"<div><h1>Buses are coming</h1><div><p>{Lorem1}</p><p>{Lorem2}</p><p>{Lorem3}</p></div></div><div><h3>What readers say</h3>{comments}</div>");
        var page = Extractor.Extract(html);

        Assert.Equal([Lorem1, Lorem2, Lorem3], Kept(page));
    }

    [Fact]
    public async Task Survives_pathologically_deep_markup()
    {
        var html = Page(string.Concat(Enumerable.Repeat("<div>", 3000)) + "deep<p>down</p>" + string.Concat(Enumerable.Repeat("</div>", 3000)) + "<p>after</p>");
        var page = await Task.Run(() => Extractor.Extract(html));

        var all = string.Join(" ", page.Blocks.Select(b => b.Text));
        Assert.Contains("deep down", all);
        Assert.Contains("after", all);
    }

    [Fact]
    public void Is_safe_to_share_between_threads()
    {
        var html = Page(Article());
        var expected = Kept(Extractor.Extract(html));
        Parallel.For(0, 32, _ => Assert.Equal(expected, Kept(Extractor.Extract(html))));
    }
}

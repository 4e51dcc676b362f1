using IngestWorker.Text.Cleaning;
using IngestWorker.Text.Extraction;
using IngestWorker.Text.Normalization;
using IngestWorker.Text.Readers;

namespace IngestWorker.Text.Tests.Cleaning;

/// <summary>Each rule of the cleaner on a small made-up page.</summary>
public sealed class BoilerplateCleanerTests
{
    // Paragraphs of a made-up local news story: prose by every measure.
    private const string P1 = "The town council voted on Tuesday to keep the public library open until nine in the evening, a decision that followed months of debate among residents who had asked for more time to use the reading rooms after work.";
    private const string P2 = "Supporters of the change said that the building had been empty at the times when most people were free to visit it, and that the cost of the extra hours was small compared with what the town spends on its other services.";
    private const string P3 = "The head librarian told the meeting that her staff were ready for the longer days, although she warned that the new hours would only work if the council also paid for two more assistants to cover the evening shifts.";
    private const string P4 = "Several members of the council argued that the money would be better spent on repairs to the roof, which has leaked into the children's section for two winters, but they were outvoted by a margin of seven to four.";
    private const string P5 = "The new opening hours will begin at the start of next month, and the council has promised to review the decision after a year to see whether the evenings draw enough readers to justify what they cost.";
    private const string P6 = "Residents who spoke at the meeting were mostly in favour of the plan, and several of them said that they would now be able to take their children to the library after school for the first time in years.";

    private static readonly BoilerplateCleaner Cleaner = new(new BoilerplateOptions());

    private static CleanedPage Clean(string text, PageMetadata? metadata = null, IReadOnlySet<ulong>? templateLines = null, BoilerplateOptions? options = null) =>
        (options is null ? Cleaner : new BoilerplateCleaner(options)).Clean(PlainTextReader.Read(TextNormalizer.Normalize(text), metadata), templateLines);

    private static string Page(params string[] blocks) => string.Join("\n\n", blocks);

    private static string? ReasonOf(CleanedPage page, string line) => page.Removed.FirstOrDefault(r => r.Text == line)?.Reason;

    private static void AssertKept(CleanedPage page, params string[] lines)
    {
        foreach (var line in lines)
            Assert.True(page.KeptBlocks.Contains(line), $"expected kept, was removed as '{ReasonOf(page, line)}': {line}");
    }

    private static void AssertRemoved(CleanedPage page, string line, params string[] reasons)
    {
        Assert.DoesNotContain(line, page.KeptBlocks);
        var reason = ReasonOf(page, line);
        Assert.True(reason is not null && reasons.Contains(reason), $"'{line}' removed as '{reason}', expected one of [{string.Join(", ", reasons)}]");
    }

    // ------------------------------------------------------------------ classifier and context

    [Fact]
    public void Prose_is_kept_and_a_menu_of_short_lines_is_navigation()
    {
        var page = Clean(string.Join("\n", "Home", "World", "Politics", "Business", "Sport", "Culture", "Weather") + "\n\n"
                         + Page(P1, P2, P3, P4) + "\n\n" + string.Join("\n", "About us", "Contact", "Careers", "Advertise", "Archive", "Help"));

        AssertKept(page, P1, P2, P3, P4);
        foreach (var item in new[] { "World", "Politics", "Business", "Sport", "Culture", "Weather", "Contact", "Careers", "Archive" })
            AssertRemoved(page, item, BoilerplateReasons.Navigation, BoilerplateReasons.HeaderChrome, BoilerplateReasons.OutsideMainContent, BoilerplateReasons.InterfaceText);
        Assert.Equal(Page(P1, P2, P3, P4), page.Text);
    }

    [Fact]
    public void Short_lines_take_the_class_of_their_neighbours_and_headings_before_text_stay()
    {
        const string shortSentence = "Nobody spoke against it.";
        const string heading = "What happens next";
        var page = Clean(Page(P1, P2, shortSentence, P3, heading, P4, P5));

        AssertKept(page, P1, P2, shortSentence, P3, heading, P4, P5);
    }

    [Fact]
    public void A_subheading_without_stopwords_inside_the_article_stays()
    {
        const string subheading = "Central Branch Reading Room Renovation 2025 Budget Timeline Contractors Architects";
        var page = Clean(Page(P1, P2, subheading, P3, P4));

        AssertKept(page, P1, P2, subheading, P3, P4);
    }

    [Fact]
    public void A_long_block_without_stopwords_is_not_prose()
    {
        const string keywords = "Library Hours Council Vote Evening Opening Budget Staff Roof Repairs Children Section Winter Leak Assistants Shifts Review Readers Residents Town Hall Meeting Agenda Minutes Motion Amendment";
        var page = Clean(Page(P1, P2, P3, keywords, "Popular", "Weather", "Crosswords"));

        AssertKept(page, P1, P2, P3);
        Assert.DoesNotContain(keywords, page.KeptBlocks);
    }

    [Fact]
    public void A_sentence_poor_in_stopwords_between_paragraphs_is_still_text()
    {
        const string names = "Present were Mayor Alice Grant, Councillors Ben Ortiz, Chloe Park, Dmitri Volkov, Eva Brandt and Farid Haddad.";
        var page = Clean(Page(P1, P2, names, P3, P4));

        AssertKept(page, P1, P2, names, P3, P4);
    }

    // ------------------------------------------------------------------ title, header, byline

    [Fact]
    public void The_headline_becomes_the_title_and_the_header_above_it_is_chrome()
    {
        var page = Clean(string.Join("\n", "Skip to main content", "The Valley Gazette", "Monday 3 February 2025") + "\n\n"
                         + Page("Library to stay open late after council vote", P1, P2, P3, P4));

        Assert.Equal("Library to stay open late after council vote", page.Title);
        AssertRemoved(page, "Library to stay open late after council vote", BoilerplateReasons.Title);
        AssertRemoved(page, "Skip to main content", BoilerplateReasons.HeaderChrome);
        AssertRemoved(page, "The Valley Gazette", BoilerplateReasons.HeaderChrome);
        AssertRemoved(page, "Monday 3 February 2025", BoilerplateReasons.HeaderChrome);
        Assert.Equal("The Valley Gazette", page.Metadata.Site);
        Assert.Null(page.Metadata.Published); // a date above the headline is the day the page was seen
        Assert.Equal(Page(P1, P2, P3, P4), page.Text);
    }

    [Fact]
    public void The_page_title_line_names_the_site_and_is_not_text()
    {
        var page = Clean(Page("Library to stay open late after council vote | The Valley Gazette", "Home", "Library to stay open late after council vote", P1, P2, P3));

        Assert.Equal("Library to stay open late after council vote", page.Title);
        AssertRemoved(page, "Library to stay open late after council vote | The Valley Gazette", BoilerplateReasons.Title);
        Assert.Equal("The Valley Gazette", page.Metadata.Site);
    }

    [Fact]
    public void A_given_title_wins_and_its_line_is_removed()
    {
        var metadata = new PageMetadata { Title = "Library to stay open late after council vote", Site = "Given Site" };
        var page = Clean(Page("Local news", "Library to stay open late after council vote", P1, P2, P3), metadata);

        Assert.Equal("Library to stay open late after council vote", page.Title);
        AssertRemoved(page, "Library to stay open late after council vote", BoilerplateReasons.Title);
        Assert.Equal("Given Site", page.Metadata.Site);
    }

    [Fact]
    public void Byline_and_dateline_under_the_headline_go_to_the_metadata()
    {
        var page = Clean(Page("Library to stay open late after council vote", "By Jane Doe, Staff Writer", "Published Nov. 19, 2019, 8:41 AM", P1, P2, P3));

        AssertRemoved(page, "By Jane Doe, Staff Writer", BoilerplateReasons.Byline);
        AssertRemoved(page, "Published Nov. 19, 2019, 8:41 AM", BoilerplateReasons.Byline);
        Assert.Equal("Jane Doe", page.Metadata.Author);
        Assert.Equal("2019-11-19T08:41:00", page.Metadata.Published);
        AssertKept(page, P1, P2, P3);
    }

    [Fact]
    public void Metadata_already_given_is_not_overwritten()
    {
        var metadata = new PageMetadata { Author = "Given Author", Published = "2020-01-01" };
        var page = Clean(Page("Library to stay open late after council vote", "By Jane Doe", "March 3, 2019", P1, P2, P3), metadata);

        Assert.Equal("Given Author", page.Metadata.Author);
        Assert.Equal("2020-01-01", page.Metadata.Published);
    }

    [Fact]
    public void The_standfirst_stays_unless_the_options_say_otherwise()
    {
        const string standfirst = "Evening opening was approved after months of debate, and starts next month.";
        var text = Page("Library to stay open late after council vote", standfirst, "By Jane Doe", "Photo: John Roe/AP", P1, P2, P3);

        AssertKept(Clean(text), standfirst, P1, P2, P3);
        var bodyOnly = Clean(text, options: new BoilerplateOptions { KeepStandfirst = false });
        AssertRemoved(bodyOnly, standfirst, BoilerplateReasons.Standfirst);
        AssertKept(bodyOnly, P1, P2, P3);
    }

    // ------------------------------------------------------------------ end of article

    [Fact]
    public void Everything_after_an_end_marker_goes_even_teasers_written_in_full_sentences()
    {
        const string teaserHeadline = "Council approves new budget for road repairs";
        const string teaser = "The town council has approved a budget that will pay for repairs to the main roads over the next two years, after a winter that left many of them in a poor state and drivers complaining.";
        const string teaser2 = "Residents of the north side will get a new bus route from the spring, the transport office said on Friday, after a petition that was signed by more than two thousand people who live there.";
        var page = Clean(Page(P1, P2, P3, P4, "Related articles", teaserHeadline, teaser, "Bus route extended to the north side", teaser2));

        AssertKept(page, P1, P2, P3, P4);
        AssertRemoved(page, "Related articles", BoilerplateReasons.EndOfArticle);
        AssertRemoved(page, teaser, BoilerplateReasons.EndOfArticle);
        AssertRemoved(page, teaser2, BoilerplateReasons.EndOfArticle);
    }

    [Fact]
    public void Comments_end_the_article_and_their_prose_is_not_text()
    {
        const string comment1 = "I think this is a great idea and I hope that the council will keep the library open late on weekends as well, because that is when most families would use it.";
        const string comment2 = "It is a waste of money while the roof is still leaking, and the council should have fixed the building before it spent anything on longer hours for the few people who want them.";
        var page = Clean(Page(P1, P2, P3, "3 Comments", "Mary K.", comment1, comment2, "Leave a Reply"));

        AssertKept(page, P1, P2, P3);
        AssertRemoved(page, "3 Comments", BoilerplateReasons.EndOfArticle);
        AssertRemoved(page, comment1, BoilerplateReasons.EndOfArticle);
        AssertRemoved(page, comment2, BoilerplateReasons.EndOfArticle);
    }

    [Fact]
    public void An_inline_box_of_related_links_is_dropped_and_the_article_goes_on_after_it()
    {
        var page = Clean(Page(P1, P2, "Trending News", "Fire damages old mill on the river", "School board names new head teacher", "Storm warning for the weekend", P3, P4, P5));

        AssertKept(page, P1, P2, P3, P4, P5);
        AssertRemoved(page, "Trending News", BoilerplateReasons.Teaser);
        AssertRemoved(page, "Fire damages old mill on the river", BoilerplateReasons.Teaser);
        AssertRemoved(page, "Storm warning for the weekend", BoilerplateReasons.Teaser);
    }

    [Fact]
    public void Share_bars_and_newsletter_boxes_end_the_article()
    {
        var page = Clean(Page(P1, P2, P3, "Share this article", "Facebook", "Twitter", "Email", "Sign up for our newsletter", "Get the best of the Gazette in your inbox every morning."));

        AssertKept(page, P1, P2, P3);
        Assert.Equal(Page(P1, P2, P3), page.Text);
        AssertRemoved(page, "Get the best of the Gazette in your inbox every morning.", BoilerplateReasons.Promotion, BoilerplateReasons.EndOfArticle);
    }

    [Fact]
    public void A_list_announced_by_a_colon_is_kept_at_the_end_of_the_article()
    {
        const string intro = "The council also published the new opening hours for each day of the week:";
        var page = Clean(Page(P1, P2, P3, intro) + "\n" + string.Join("\n", "Monday 9-21", "Tuesday 9-21", "Wednesday 9-21", "Thursday 9-21", "Friday 9-18", "Saturday 10-16", "Sunday closed")
                         + "\n\n" + Page("Comments", "Leave a Reply"));

        AssertKept(page, intro, "Monday 9-21", "Friday 9-18", "Sunday closed");
        AssertRemoved(page, "Leave a Reply", BoilerplateReasons.EndOfArticle);
    }

    [Fact]
    public void A_box_of_one_link_does_not_end_the_article_when_its_last_paragraph_follows()
    {
        var page = Clean(Page(P1, P2, P3, "Related links", "Town council website", P4, "Report error", "Top video"));

        AssertKept(page, P1, P2, P3, P4);
        AssertRemoved(page, "Town council website", BoilerplateReasons.Teaser);
    }

    [Fact]
    public void Under_the_headline_the_page_title_names_a_table_is_the_article_even_beside_a_wordier_sidebar()
    {
        const string intro = "The library has published its opening hours for every branch in the town for the coming year:";
        string[] rows = ["Branch Mon Tue Wed Thu Fri Sat", "Central 9-21 9-21 9-21 9-21 9-18 10-16", "North 9-18 9-18 closed 9-18 9-18 10-13", "South 10-18 10-18 10-18 closed 10-18 10-13", "Harbour 9-17 9-17 9-17 9-17 9-17 closed", "Station 12-20 12-20 12-20 12-20 12-20 10-14"];
        string[] sidebar =
        [
            "Columns", "Opinion: why the library matters",
            "The library is the last public room in town where nobody expects you to buy anything, and that is exactly why the council should keep paying for it whatever the budget says.",
            "Letters: readers on the new bus route",
            "Readers have written in their hundreds about the new bus route, most of them to say that it is about time the north side of the town was connected to the centre in the evenings.",
            "Weekend guide",
            "There is a farmers' market in the square on Saturday morning, a concert in the park in the afternoon, and the museum opens its new gallery of local history on Sunday for the first time.",
        ];
        var text = Page("Library opening hours for 2025 | The Valley Gazette", "Home", "News", "Sport", "Library opening hours for 2025", "Published 3 February 2025")
                   + "\n\n" + intro + "\n" + string.Join("\n", rows) + "\n\n" + Page(["Share", "Advertisement", "Most read", "Log in", "Subscribe", .. sidebar, "About us", "Contact"]);
        var page = Clean(text);

        Assert.Equal("Library opening hours for 2025", page.Title);
        AssertKept(page, [intro, .. rows]);
        Assert.DoesNotContain(sidebar[2], page.KeptBlocks);
        Assert.Equal("2025-02-03", page.Metadata.Published);
    }

    // ------------------------------------------------------------------ line rules inside the article

    [Fact]
    public void Buttons_and_advertising_labels_inside_the_article_are_interface_text()
    {
        var page = Clean(Page(P1, "Advertisement", P2, "Send in e-mailSend in e-mail", P3, "Continue reading below", P4));

        AssertKept(page, P1, P2, P3, P4);
        AssertRemoved(page, "Advertisement", BoilerplateReasons.InterfaceText);
        AssertRemoved(page, "Send in e-mailSend in e-mail", BoilerplateReasons.InterfaceText);
        AssertRemoved(page, "Continue reading below", BoilerplateReasons.InterfaceText);
    }

    [Fact]
    public void Captions_and_credits_are_removed_and_a_caption_shown_twice_goes_twice()
    {
        const string caption = "The library's main reading room, which will stay open until nine in the evening from next month.";
        var page = Clean(Page(P1, caption) + "\n" + caption + " Photo: Jane Roe/AP" + "\n\n" + Page(P2, "Image copyright Getty Images", P3, "(Photo by John Smith/Reuters)", P4));

        AssertKept(page, P1, P2, P3, P4);
        AssertRemoved(page, caption, BoilerplateReasons.Caption);
        AssertRemoved(page, caption + " Photo: Jane Roe/AP", BoilerplateReasons.Caption);
        AssertRemoved(page, "Image copyright Getty Images", BoilerplateReasons.Caption);
        AssertRemoved(page, "(Photo by John Smith/Reuters)", BoilerplateReasons.Caption);
    }

    [Fact]
    public void A_standfirst_repeated_as_the_first_paragraph_is_kept_once()
    {
        var page = Clean(Page("Library to stay open late after council vote", P1, P1, P2, P3));

        Assert.Single(page.KeptBlocks, P1);
        Assert.Contains(new RemovedBlock(P1, BoilerplateReasons.Repeated), page.Removed);
        AssertKept(page, P2, P3);
    }

    [Fact]
    public void A_pull_quote_that_repeats_part_of_a_paragraph_is_a_repeat()
    {
        const string pullQuote = "the cost of the extra hours was small compared with what the town spends";
        var page = Clean(Page(P1, P2, pullQuote, P3, P4));

        AssertKept(page, P1, P2, P3, P4);
        AssertRemoved(page, pullQuote, BoilerplateReasons.Repeated);
    }

    [Fact]
    public void Promotions_legal_notices_and_one_line_teasers_inside_the_article_are_removed()
    {
        const string promo = "Want more local news? Sign up for our free morning newsletter.";
        const string teaser = "READ MORE: Council approves budget for road repairs";
        const string legal = "© 2025 Valley Gazette Media. All rights reserved.";
        var page = Clean(Page(P1, P2, promo, P3, teaser, P4, P5, legal));

        AssertKept(page, P1, P2, P3, P4, P5);
        AssertRemoved(page, promo, BoilerplateReasons.Promotion);
        AssertRemoved(page, teaser, BoilerplateReasons.Teaser);
        AssertRemoved(page, legal, BoilerplateReasons.Legal, BoilerplateReasons.OutsideMainContent);
    }

    [Fact]
    public void An_offer_with_a_price_is_the_content_of_a_deals_article_not_a_promotion()
    {
        const string offer = "Sign up for the streaming bundle for $12.99 a month";
        const string plug = "Sign up for our newsletter";
        var page = Clean(Page(P1, offer, P2, plug, P3, P4));

        AssertKept(page, P1, offer, P2, P3, P4);
        AssertRemoved(page, plug, BoilerplateReasons.Promotion);
    }

    [Fact]
    public void Credits_and_the_author_bio_at_the_foot_of_the_article_are_bylines()
    {
        const string credit = "Reporting by Jane Doe; Editing by John Roe";
        const string bio = "Jane Doe is a staff writer for the Valley Gazette.";
        var page = Clean(Page(P1, P2, P3, P4, credit, bio));

        AssertKept(page, P1, P2, P3, P4);
        AssertRemoved(page, credit, BoilerplateReasons.Byline);
        AssertRemoved(page, bio, BoilerplateReasons.Byline, BoilerplateReasons.OutsideMainContent);
    }

    [Fact]
    public void Learned_template_lines_are_removed_as_site_template()
    {
        const string disclaimer = "Views expressed by readers in letters to the Gazette are their own and are published in the order received.";
        var template = new HashSet<ulong> { TemplateLineKey.Of(disclaimer), TemplateLineKey.Of("Updated 3 Feb 2025, 10:15") };
        var page = Clean(Page(P1, P2, disclaimer, P3, "Updated 5 Feb 2025, 09:01", P4), templateLines: template);

        AssertKept(page, P1, P2, P3, P4);
        AssertRemoved(page, disclaimer, BoilerplateReasons.SiteTemplate);
        AssertRemoved(page, "Updated 5 Feb 2025, 09:01", BoilerplateReasons.SiteTemplate);
    }

    // ------------------------------------------------------------------ languages

    [Fact]
    public void A_german_article_is_judged_by_german_stopwords()
    {
        string[] paragraphs =
        [
            "Der Stadtrat hat am Dienstag beschlossen, dass die öffentliche Bibliothek künftig bis neun Uhr abends geöffnet bleibt, nachdem viele Bürger über Monate hinweg längere Öffnungszeiten gefordert hatten.",
            "Die Befürworter der Änderung sagten, dass das Gebäude gerade zu den Zeiten leer stehe, in denen die meisten Menschen nach der Arbeit Zeit für einen Besuch hätten, und dass die Kosten gering seien.",
            "Die Leiterin der Bibliothek erklärte, ihr Team sei auf die längeren Tage vorbereitet, warnte aber, dass der Plan nur funktioniere, wenn der Rat auch zwei weitere Stellen für den Abend bezahle.",
        ];
        var page = Clean(Page(["Startseite", "Politik", "Wirtschaft", "Bibliothek bleibt abends länger geöffnet", .. paragraphs, "Ähnliche Artikel", "Neuer Haushalt für Straßenreparaturen beschlossen"]));

        AssertKept(page, paragraphs);
        Assert.Equal("Bibliothek bleibt abends länger geöffnet", page.Title);
        AssertRemoved(page, "Ähnliche Artikel", BoilerplateReasons.EndOfArticle);
    }

    [Fact]
    public void A_chinese_article_is_kept_without_a_stopword_list()
    {
        string[] paragraphs =
        [
            "市议会星期二投票决定，公共图书馆今后将开放到晚上九点。此前，许多居民在过去几个月里一直要求延长开放时间，以便下班后也能使用阅览室。",
            "支持者表示，图书馆在大多数人有空的时候反而空无一人，而延长开放时间的费用与全镇在其他服务上的开支相比微不足道。",
            "图书馆馆长在会上说，她的团队已经为更长的工作日做好了准备，但她也提醒说，只有议会同时为晚班增加两名助理，新的开放时间才能顺利实行。",
        ];
        var page = Clean(Page(["首页", "新闻", "图书馆将延长开放时间", .. paragraphs, "相关文章", "议会批准道路维修预算"]));

        AssertKept(page, paragraphs);
        AssertRemoved(page, "相关文章", BoilerplateReasons.EndOfArticle);
    }

    // ------------------------------------------------------------------ pre-judged (HTML) input

    [Fact]
    public void Html_blocks_keep_the_extractors_reasons_in_order_and_the_article_is_only_trimmed()
    {
        ContentBlock[] blocks =
        [
            new("Home | World | Politics") { Kind = BlockKind.Paragraph, RemovedBy = BoilerplateReasons.OutsideMainContent, LinkDensity = 1 },
            new("Library to stay open late after council vote") { Kind = BlockKind.Heading, HeadingLevel = 1, StartsParagraph = true },
            new(P1) { Kind = BlockKind.Paragraph, StartsParagraph = true },
            new("Hidden tracking text") { Kind = BlockKind.Paragraph, RemovedBy = BoilerplateReasons.Hidden },
            new("Advertisement") { Kind = BlockKind.Paragraph, StartsParagraph = true },
            new("What happens next") { Kind = BlockKind.Heading, HeadingLevel = 2, StartsParagraph = true },
            new(P2) { Kind = BlockKind.Paragraph, StartsParagraph = true },
            new("Short line of the article.") { Kind = BlockKind.Paragraph, StartsParagraph = true },
            new("Related stories") { Kind = BlockKind.Heading, HeadingLevel = 2, StartsParagraph = true },
            new("Council approves new budget for road repairs") { Kind = BlockKind.ListItem, LinkDensity = 1, StartsParagraph = true },
        ];
        var page = Cleaner.Clean(new PageContent(blocks, new PageMetadata { Title = "Library to stay open late after council vote" }));

        Assert.Equal(["Home | World | Politics", "Library to stay open late after council vote", "Hidden tracking text", "Advertisement", "Related stories", "Council approves new budget for road repairs"],
            page.Removed.Select(r => r.Text));
        Assert.Equal(BoilerplateReasons.OutsideMainContent, page.Removed[0].Reason);
        Assert.Equal(BoilerplateReasons.Title, page.Removed[1].Reason);
        Assert.Equal(BoilerplateReasons.Hidden, page.Removed[2].Reason);
        Assert.Equal(BoilerplateReasons.InterfaceText, page.Removed[3].Reason);
        Assert.Equal(BoilerplateReasons.EndOfArticle, page.Removed[4].Reason);
        Assert.Equal([P1, "What happens next", P2, "Short line of the article."], page.KeptBlocks);
        Assert.Equal(Page(P1, "What happens next", P2, "Short line of the article."), page.Text);
    }

    // ------------------------------------------------------------------ contract

    [Fact]
    public void Switched_off_it_keeps_everything_the_reader_kept()
    {
        var text = Page("Home", "Library to stay open late after council vote", P1, "Related", P2);
        var page = Clean(text, options: new BoilerplateOptions { Enabled = false });

        Assert.Equal(text, page.Text);
        Assert.Empty(page.Removed);
    }

    [Fact]
    public void Settings_out_of_range_fail_when_the_cleaner_is_built()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BoilerplateCleaner(new BoilerplateOptions { LengthLow = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BoilerplateCleaner(new BoilerplateOptions { LengthLow = 100, LengthHigh = 50 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BoilerplateCleaner(new BoilerplateOptions { StopwordsLow = 0.4, StopwordsHigh = 0.3 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BoilerplateCleaner(new BoilerplateOptions { MaxInlineBoxBlocks = -1 }));
    }

    [Fact]
    public void Empty_and_tiny_pages_do_not_fail()
    {
        Assert.Equal("", Clean("").Text);
        Assert.Equal(P1, Clean(P1).Text);
        Assert.Equal("Hello world.", Clean("Hello world.").Text);
    }

    [Fact]
    public void One_instance_serves_concurrent_documents_with_the_same_results()
    {
        var texts = Enumerable.Range(0, 40).Select(i => Page("Home", $"Story number {i} about the library", P1, P2, i % 2 == 0 ? "Related" : "Advertisement", P3, P4)).ToArray();
        var sequential = texts.Select(t => Clean(t)).ToArray();
        var concurrent = new CleanedPage[texts.Length];
        Parallel.For(0, texts.Length * 5, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k => concurrent[k % texts.Length] = Clean(texts[k % texts.Length]));

        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(sequential[i].Text, concurrent[i].Text);
            Assert.Equal(sequential[i].Removed, concurrent[i].Removed);
            Assert.Equal(sequential[i].Title, concurrent[i].Title);
        }
    }

    [Fact]
    public void Every_block_is_either_kept_or_removed_with_a_known_reason()
    {
        var known = BoilerplateReasons.Precedence.ToHashSet();
        foreach (var file in Directory.GetFiles(Path.Combine(TestData.RepositoryRoot, "seeds"), "*.txt"))
        {
            var read = PlainTextReader.Read(TextNormalizer.Normalize(File.ReadAllText(file)));
            var page = Cleaner.Clean(read);
            Assert.Equal(read.Blocks.Count, page.KeptBlocks.Count + page.Removed.Count);
            Assert.All(page.Removed, r => Assert.Contains(r.Reason, known));
        }
    }
}

using IngestWorker.Text.Html;

namespace IngestWorker.Text.Tests.Html;

/// <summary>How class and id names split into the words the vocabulary is looked up by.</summary>
public sealed class NameWordsTests
{
    private static List<string> Words(string name)
    {
        var words = new List<string>();
        foreach (var word in new NameWords(name, stackalloc char[NameWords.MaxWordLength]))
            words.Add(word.ToString());
        return words;
    }

    [Theory]
    [InlineData("article-body", "article body")]
    [InlineData("relatedPosts", "related posts")]
    [InlineData("yotpo_reviews--v3", "yotpo reviews v3")]
    [InlineData("--", "")]
    [InlineData("ÉtéNews", "été news")]
    public void Names_split_on_separators_and_case_changes(string name, string expected) =>
        Assert.Equal(expected, string.Join(' ', Words(name)));

    [Fact]
    public void A_word_longer_than_the_buffer_is_cut_not_dropped() =>
        Assert.Equal([new string('a', NameWords.MaxWordLength), "b"], Words(new string('a', 100) + "-b"));

    [Fact]
    public void Review_words_are_found_by_the_same_split() =>
        Assert.True(HtmlKeywords.NamesReviews("pdp-customerReviews", null));

    [Theory]
    [InlineData("comments", "Comments")]
    [InlineData("post-comments", "Comments")]
    [InlineData("has-comments", "None")]
    [InlineData("BlogItem hentry has-comments", "None")]
    [InlineData("with-sidebar", "None")]
    [InlineData("no-related-posts", "None")]
    [InlineData("is-hidden", "Hidden")]
    [InlineData("next", "Navigation")]
    [InlineData("__next", "None")]
    [InlineData("___gatsby __nuxt", "None")]
    [InlineData("post-12 post type-post hentry category-science tag-elephants", "None")]
    [InlineData("h-entry tag-list", "None")]
    [InlineData("tag-list", "Tags")]
    [InlineData("hentry hidden", "Hidden")]
    public void A_name_that_states_what_an_element_has_does_not_name_a_region(string classes, string expected) =>
        Assert.Equal(expected, HtmlKeywords.FromNames(classes, null, out _, out _).ToString());

    [Theory]
    [InlineData("cdr-accordion__content-container_15-1-0", true)]
    [InlineData("collapse show", true)]
    [InlineData("tab__content", true)]
    [InlineData("tab-pane fade", true)]
    [InlineData("TabPanel", true)]
    [InlineData("a-expander-content a-expander-extend-content", true)]
    [InlineData("tabs-menu", false)]
    [InlineData("table-content", false)]
    [InlineData(null, false)]
    public void Accordion_and_tab_panels_are_named_by_their_class(string? classes, bool panel) =>
        Assert.Equal(panel, HtmlKeywords.NamesCollapsiblePanel(classes));

    [Theory]
    [InlineData("CybotCookiebotDialog", null)]
    [InlineData("show-banner", "onetrust-consent-sdk")] // the id wins over what the classes say
    public void A_consent_manager_is_named_by_its_vendor(string? classes, string? id)
    {
        Assert.Equal(Region.Legal, HtmlKeywords.FromNames(classes, id, out _, out var word));
        Assert.True(HtmlKeywords.IsConsentManager(word));
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("  ", 0)]
    [InlineData("Jane Doe", 2)]
    [InlineData("  Tips for  a first visit ", 5)]
    public void Space_separated_words_count_as_a_split_on_spaces_would(string text, int words)
    {
        Assert.Equal(text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length, words);
        Assert.Equal(words, TextStats.SpaceSeparatedWords(text));
    }
}

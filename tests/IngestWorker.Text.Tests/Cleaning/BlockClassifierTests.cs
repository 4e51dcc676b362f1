using AngleSharp.Html.Parser;
using IngestWorker.Text.Cleaning;
using IngestWorker.Text.Extraction;
using IngestWorker.Text.Html;

namespace IngestWorker.Text.Tests.Cleaning;

/// <summary>Each one-block classifier on one block and its expected decision.</summary>
public sealed class BlockClassifierTests
{
    private const string Paragraph = "The town council voted on Tuesday to keep the public library open until nine in the evening, a decision that followed months of debate among residents who had asked for more time to use the reading rooms after work.";

    private static readonly int English = 1 << WordTable.IndexOf("en");

    private static BlockClass JusText(string text, Signal signal = Signal.None, double linkDensity = 0, bool stopwordList = true) =>
        JusTextClassifier.Classify(BlockFeatures.Scan(text, stopwordList ? English : 0), signal, linkDensity, stopwordList, new BoilerplateOptions());

    [Fact]
    public void JusText_a_long_paragraph_rich_in_stopwords_is_good() => Assert.Equal(BlockClass.Good, JusText(Paragraph));

    [Fact]
    public void JusText_a_short_line_is_short() => Assert.Equal(BlockClass.Short, JusText("Local news"));

    [Fact]
    public void JusText_a_long_list_of_names_is_bad() =>
        Assert.Equal(BlockClass.Bad, JusText("Politics Business Technology Science Health Sports Entertainment Travel Opinion Weather Obituaries Classifieds Jobs Homes Cars Events"));

    [Fact]
    public void JusText_a_copyright_line_is_bad_however_long() =>
        Assert.Equal(BlockClass.Bad, JusText("© 2024 The Town Gazette. All rights reserved; reproduction of the articles on this site is forbidden without the written consent of the publishers."));

    [Fact]
    public void JusText_an_interface_signal_is_bad() => Assert.Equal(BlockClass.Bad, JusText(Paragraph, Signal.Interface));

    [Fact]
    public void JusText_a_caption_signal_is_neutral() => Assert.Equal(BlockClass.Short, JusText(Paragraph, Signal.Caption));

    [Fact]
    public void JusText_a_block_of_links_from_the_html_reader_is_bad() => Assert.Equal(BlockClass.Bad, JusText(Paragraph, linkDensity: 0.9));

    [Fact]
    public void JusText_without_a_stopword_list_a_sentence_is_judged_by_its_shape() =>
        Assert.Equal(BlockClass.NearGood, JusText("Kütüphane artık akşam dokuza kadar açık kalacak ve okuyucular bundan memnun.", stopwordList: false));

    private static Block HtmlBlock(string text, int linkChars = 0, BlockKind kind = BlockKind.Paragraph)
    {
        var element = new HtmlParser().ParseDocument("<p></p>").Body!;
        var block = new Block(text, new Box(element, null, "p")) { LinkChars = linkChars, Kind = kind };
        var f = BlockFeatures.Scan(text, English);
        block.Words = f.Tokens;
        block.Stopwords = f.Stopwords;
        block.Commas = BlockFeatures.CountCommas(text);
        block.EndsSentence = f.Terminal;
        block.Sentences = HtmlBlockClassifier.IsProse(block, unspaced: false, stopwordList: true, ignoreLinks: true, HtmlBlockThresholds.Default);
        return block;
    }

    [Fact]
    public void Html_a_paragraph_is_prose() =>
        Assert.True(HtmlBlockClassifier.IsProse(HtmlBlock(Paragraph), false, true, false, HtmlBlockThresholds.Default));

    [Fact]
    public void Html_a_heading_is_never_prose() =>
        Assert.False(HtmlBlockClassifier.IsProse(HtmlBlock(Paragraph, kind: BlockKind.Heading), false, true, false, HtmlBlockThresholds.Default));

    [Fact]
    public void Html_a_paragraph_half_of_links_is_not_prose_unless_links_are_ignored()
    {
        var block = HtmlBlock(Paragraph, linkChars: Paragraph.Length / 2);
        Assert.False(HtmlBlockClassifier.IsProse(block, false, true, false, HtmlBlockThresholds.Default));
        Assert.True(HtmlBlockClassifier.IsProse(block, false, true, true, HtmlBlockThresholds.Default));
    }

    [Fact]
    public void Html_a_short_run_of_unspaced_script_is_prose_by_length() =>
        Assert.True(HtmlBlockClassifier.IsProse(HtmlBlock("图书馆将延长开放时间，居民们对此表示欢迎，许多人说他们终于可以在下班后去看书了。"), true, false, false, HtmlBlockThresholds.Default));

    [Fact]
    public void Html_a_line_of_links_is_link_dense() =>
        Assert.True(HtmlBlockClassifier.IsLinkDense(HtmlBlock("Politics | Business | Sport", linkChars: 24), HtmlBlockThresholds.Default));

    [Fact]
    public void Html_a_sentence_rich_in_links_is_not_link_dense() =>
        Assert.False(HtmlBlockClassifier.IsLinkDense(HtmlBlock(Paragraph, linkChars: (int)(Paragraph.Length * 0.7)), HtmlBlockThresholds.Default));

    [Fact]
    public void Html_thresholds_are_parameters()
    {
        var strict = HtmlBlockThresholds.Default with { LinkedSentenceMaxShare = 0.6 };
        Assert.True(HtmlBlockClassifier.IsLinkDense(HtmlBlock(Paragraph, linkChars: (int)(Paragraph.Length * 0.7)), strict));
    }

    [Fact]
    public void Html_a_paragraph_of_han_characters_alone_is_prose_evidence()
    {
        // No space and no punctuation: every character is a letter, and words cannot be counted.
        var element = new HtmlParser().ParseDocument("<p></p>").Body!;
        var block = new Block(string.Concat(Enumerable.Repeat("图书馆将延长开放时间居民们对此表示欢迎", 3)), new Box(element, null, "p")) { Kind = BlockKind.Paragraph };
        HtmlBlockClassifier.Judge(block, languageBit: 0, HtmlBlockThresholds.Default);
        Assert.True(block.Good);
    }

    [Fact]
    public void Html_judge_reads_features_and_both_verdicts_from_one_scan()
    {
        var element = new HtmlParser().ParseDocument("<p></p>").Body!;
        var block = new Block(Paragraph, new Box(element, null, "p")) { Kind = BlockKind.Paragraph, LinkChars = Paragraph.Length / 2 };
        HtmlBlockClassifier.Judge(block, English, HtmlBlockThresholds.Default);
        Assert.Equal(39, block.Words);
        Assert.Equal(1, block.Commas);
        Assert.True(block.EndsSentence);
        Assert.False(block.Good);      // half of it is link text
        Assert.True(block.Sentences);  // its words alone are prose
    }
}

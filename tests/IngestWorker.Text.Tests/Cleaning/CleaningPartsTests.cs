using IngestWorker.Text.Cleaning;

namespace IngestWorker.Text.Tests.Cleaning;

/// <summary>The cleaner's parts on their own: date lines, bylines, line keys, phrase lists, features.</summary>
public sealed class CleaningPartsTests
{
    [Theory]
    [InlineData("Sun Jan 8, 2017 2:28PM", "2017-01-08T14:28:00")]
    [InlineData("Nov 18, 2019 at 9:24 pm ET • 2 min read", "2019-11-18T21:24:00")]
    [InlineData("Updated 1:39 am EST, Wednesday, November 20, 2019", "2019-11-20T01:39:00")]
    [InlineData("Published November 20th, 2019 - 07:29 GMT", "2019-11-20T07:29:00")]
    [InlineData("Friday 22 of November 2024", "2024-11-22")]
    [InlineData("sexta-feira, 22 de outubro de 2010 às 20:13", "2010-10-22T20:13:00")]
    [InlineData("21:17 18.11.2019", "2019-11-18T21:17:00")]
    [InlineData("기사입력 :[ 2018-08-25 15:24 ]", "2018-08-25T15:24:00")]
    [InlineData("2013年04月09日", "2013-04-09")]
    [InlineData("By Kashmira Gander On 11/13/19 at 4:00 PM EST", "2019-11-13T16:00:00")]
    [InlineData("Текст: Лида Буслаева · 11 октября 2018", "2018-10-11")]
    [InlineData("Von Moritz Bachmann publiziert am 30. Juli 2018", "2018-07-30")]
    public void Dates_are_found_in_the_usual_written_forms(string line, string iso) =>
        Assert.Equal(iso, DateText.Find(line)?.Iso);

    [Theory]
    [InlineData("In 2019, 13,000 people were hanged")]
    [InlineData("Version 1.2.3 released")]
    [InlineData("November 2019")]
    [InlineData("The May 4 meeting")]
    public void Numbers_that_are_not_a_full_date_are_not_dates(string line) =>
        Assert.Null(DateText.Find(line));

    [Theory]
    [InlineData("Published 1 day ago", true)]
    [InlineData("2 days ago at 07:52 am", true)]
    [InlineData("~6 hours ago", true)]
    [InlineData("Long ago and far away", false)]
    public void Relative_datelines_are_recognised(string line, bool relative) =>
        Assert.Equal(relative, DateText.IsRelative(line));

    [Theory]
    [InlineData("By Jane Doe", "Jane Doe")]
    [InlineData("By Eric Song, IGN Staff", "Eric Song")]
    [InlineData("By LISA MASCARO, MARY CLARE JALONICK and ERIC TUCKER", "LISA MASCARO, MARY CLARE JALONICK and ERIC TUCKER")]
    [InlineData("By Kashmira Gander On 11/13/19 at 4:00 PM EST", "Kashmira Gander")]
    [InlineData("Monday November 18, 2019 7:45 am PST by Joe Rossignol", "Joe Rossignol")]
    [InlineData("By Amy Kuperinsky | NJ Advance Media for NJ.com", "Amy Kuperinsky")]
    [InlineData("By Sean Martin Sean Martin", "Sean Martin")]
    public void Bylines_give_the_authors_name(string line, string name) =>
        Assert.Equal(name, PageAnalysis.BylineName(line));

    [Theory]
    [InlineData("Send in e-mailSend in e-mail", "Send in e-mail")]
    [InlineData("Share Share", "Share")]
    [InlineData("Related articles", "Related articles")]
    public void A_line_printed_twice_is_read_once(string line, string once) =>
        Assert.Equal(once, LineKey.Undouble(line).ToString());

    [Theory]
    [InlineData("Share :", "share")]
    [InlineData("[ 167 comments ]", "167 comments")]
    [InlineData("MORE  Related—News", "more related news")]
    public void Keys_fold_case_and_punctuation(string line, string key)
    {
        Span<char> buffer = stackalloc char[LineKey.MaxLength];
        Assert.Equal(key, buffer[..LineKey.Normalize(line, buffer)].ToString());
    }

    [Theory]
    [InlineData("comments", "Hard")]
    [InlineData("leave a reply", "Hard")]
    [InlineData("kommentare", "Hard")]
    [InlineData("related articles", "Soft")]
    [InlineData("more related news", "Soft")]
    [InlineData("more great wired stories", "Soft")]
    [InlineData("related roundup macbook pro", "Soft")]
    [InlineData("вам также может быть интересно", "Soft")]
    [InlineData("the council", "None")]
    [InlineData("what happens next", "None")]
    public void End_markers_are_told_apart_from_headings(string key, string kind) =>
        Assert.Equal(kind, BoilerplateLexicon.Marker(key).ToString());

    [Theory]
    [InlineData("advertisement", true)]
    [InlineData("share on facebook twitter email", true)]
    [InlineData("send in e mail", true)]
    [InlineData("the council", false)]
    [InlineData("more", true)]
    [InlineData("the on more", false)]
    public void Interface_labels_and_button_rows_are_recognised(string key, bool isInterface) =>
        Assert.Equal(isInterface, BoilerplateLexicon.IsInterface(key));

    [Fact]
    public void Features_count_words_stopwords_and_sentence_ends_in_one_scan()
    {
        var english = 1 << WordTable.IndexOf("en");
        var f = BlockFeatures.Scan("It's the end. The council voted to keep the library open!", english);
        Assert.Equal(11, f.Words);
        Assert.True(f.Terminal);
        Assert.Equal(2, f.Sentences);
        Assert.Equal(5, f.Stopwords); // it's (read as "its"), the, the, to, the
    }

    [Fact]
    public void Han_text_weighs_three_latin_characters_a_character()
    {
        var f = BlockFeatures.Scan("图书馆将延长开放时间。");
        Assert.Equal(10 * 3 + 1, f.Weight);
        Assert.True(f.Terminal);
    }

    [Fact]
    public void Glued_words_still_reach_the_phrase_lists()
    {
        var f = BlockFeatures.Scan("Daily newsletterReceive essential news every morning");
        Assert.True((f.Triggers & Trigger.Promotion) != 0);
    }

    [Fact]
    public void Arabic_and_Devanagari_sentence_ends_are_terminal()
    {
        Assert.True(BlockFeatures.Scan("هل ستفتح المكتبة مساءً؟").Terminal);
        Assert.True(BlockFeatures.Scan("पुस्तकालय शाम तक खुला रहेगा।").Terminal);
    }

    [Theory]
    [InlineData("ห้องสมุดจะเปิดให้บริการจนถึงสามทุ่มตั้งแต่เดือนหน้าเป็นต้นไป", true)] // Thai: no spaces between words
    [InlineData("图书馆将延长开放时间。", true)]
    [InlineData("The library will stay open until nine.", false)]
    [InlineData("Библиотека будет открыта до девяти.", false)]
    public void Scripts_without_spaces_are_told_apart(string text, bool unspaced)
    {
        Assert.Equal(unspaced, BlockFeatures.MostlyUnspaced(text, BlockFeatures.Scan(text)));
    }

    [Fact]
    public void Commas_of_every_script_are_counted()
    {
        Assert.Equal(4, BlockFeatures.CountCommas("one, two; 三，四、"));
        Assert.Equal(0, BlockFeatures.CountCommas("none here."));
    }
}

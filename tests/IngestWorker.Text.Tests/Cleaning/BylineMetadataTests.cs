using IngestWorker.Text.Cleaning;
using IngestWorker.Text.Extraction;

namespace IngestWorker.Text.Tests.Cleaning;

/// <summary>The author's name and the publication date from removed bylines and datelines, for pages whose metadata has none.</summary>
public sealed class BylineMetadataTests
{
    [Theory]
    [InlineData("By Scott Pletcher", "Scott Pletcher")]
    [InlineData("by whova | Apr 21, 2025", "whova")]
    [InlineData("By Dr. Vahid Osman - Mar 27, 2024", "Dr. Vahid Osman")]
    [InlineData("Published August 7, 2023 by Nicole Burke", "Nicole Burke")]
    [InlineData("Written By: Cazzy Magennis", "Cazzy Magennis")]
    [InlineData("Lauren Vetter", "Lauren Vetter")]
    public void A_byline_gives_its_name(string byline, string name) => Assert.Equal(name, BylineMetadata.Name(byline));

    [Theory]
    [InlineData("By")]
    [InlineData("Written by")]
    [InlineData("February 9, 2016")]
    [InlineData("3 hours ago")]
    [InlineData("Julia Gralberg is a freelance travel writer, editor of two guides and a magazine.")]
    public void A_byline_without_a_name_gives_none(string byline) => Assert.Null(BylineMetadata.Name(byline));

    [Fact]
    public void A_lone_by_takes_the_name_from_the_next_byline_and_other_reasons_are_not_read()
    {
        var removed = new List<RemovedBlock>
        {
            new("Sign in", BoilerplateReasons.InterfaceText),
            new("By", BoilerplateReasons.Byline),
            new("Sara Brown", BoilerplateReasons.Byline),
        };
        Assert.Equal("Sara Brown", BylineMetadata.Author(removed));
        Assert.Null(BylineMetadata.Author([new RemovedBlock("Jane Doe", BoilerplateReasons.Navigation)]));
    }

    [Fact]
    public void A_label_that_can_only_introduce_an_author_gives_the_name_under_it_whatever_removed_them()
    {
        // "Written by" above the name, both taken for layout outside the article.
        Assert.Equal("Edzel Tabing", BylineMetadata.Author(
        [
            new("Aug 04, 2025", BoilerplateReasons.OutsideMainContent),
            new("Written by", BoilerplateReasons.OutsideMainContent),
            new("Edzel Tabing", BoilerplateReasons.OutsideMainContent),
            new("Table of contents", BoilerplateReasons.OutsideMainContent),
        ]));
        Assert.Equal("Matias Heikkilä", BylineMetadata.Author([new("Article by", BoilerplateReasons.OutsideMainContent), new("Matias Heikkilä", BoilerplateReasons.OutsideMainContent)]));
        // Label and name on one line, removed as a caption.
        Assert.Equal("John Crenshaw", BylineMetadata.Author([new("Written by John Crenshaw", BoilerplateReasons.Caption)]));
        Assert.Equal("Jane Doe", BylineMetadata.Author([new("Author: Jane Doe", BoilerplateReasons.OutsideMainContent)]));
    }

    [Theory]
    [InlineData("Written by", "Contact")]              // a link after the label
    [InlineData("Authors", "CP")]                      // an avatar's initials
    [InlineData("Author", "Table of contents")]         // not a name
    [InlineData("By", "Jane Doe")]                      // a bare "By" outside a byline starts sentences too
    public void A_label_followed_by_something_else_than_a_name_gives_none(string label, string next) =>
        Assert.Null(BylineMetadata.Author([new(label, BoilerplateReasons.OutsideMainContent), new(next, BoilerplateReasons.OutsideMainContent)]));

    [Fact]
    public void A_dateline_sharing_its_line_with_the_name_gives_the_date_but_a_sentence_with_a_date_does_not()
    {
        Assert.Equal("2025-12-26", BylineMetadata.Date([new("Dec 26, 2025 • Mahua Das in Project Management", BoilerplateReasons.OutsideMainContent)]));
        Assert.Equal("2025-10-20", BylineMetadata.Date([new("Faith Katunga•Oct 20, 2025", BoilerplateReasons.OutsideMainContent)]));
        Assert.Null(BylineMetadata.Date([new("The council met on Dec 26, 2025 to vote on the budget | and the vote passed", BoilerplateReasons.OutsideMainContent)]));
        Assert.Null(BylineMetadata.Date([new("Dec 26, 2025 and Jan 2, 2026 are the dates of the two meetings this winter", BoilerplateReasons.OutsideMainContent)]));
    }

    [Fact]
    public void The_date_comes_from_the_first_dated_byline_then_from_a_dateline_alone()
    {
        var byline = new List<RemovedBlock>
        {
            new("Dec 12, 2025", BoilerplateReasons.OutsideMainContent),
            new("Published August 7, 2023 by Nicole Burke", BoilerplateReasons.Byline),
        };
        Assert.Equal("2023-08-07", BylineMetadata.Date(byline));

        var dateline = new List<RemovedBlock>
        {
            new("Our office moved on March 3, 2020 to a bigger building downtown", BoilerplateReasons.OutsideMainContent),
            new("Aug 04, 2025", BoilerplateReasons.OutsideMainContent),
        };
        Assert.Equal("2025-08-04", BylineMetadata.Date(dateline));
        Assert.Null(BylineMetadata.Date([new RemovedBlock("Our office moved on March 3, 2020 to a bigger building", BoilerplateReasons.OutsideMainContent)]));
    }
}

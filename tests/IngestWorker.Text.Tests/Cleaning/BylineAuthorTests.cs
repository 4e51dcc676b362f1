using IngestWorker.Text.Cleaning;
using IngestWorker.Text.Extraction;

namespace IngestWorker.Text.Tests.Cleaning;

/// <summary>The author's name from a removed byline, for pages whose metadata names none.</summary>
public sealed class BylineAuthorTests
{
    [Theory]
    [InlineData("By Scott Pletcher", "Scott Pletcher")]
    [InlineData("by whova | Apr 21, 2025", "whova")]
    [InlineData("By Dr. Vahid Osman - Mar 27, 2024", "Dr. Vahid Osman")]
    [InlineData("Published August 7, 2023 by Nicole Burke", "Nicole Burke")]
    [InlineData("Written By: Cazzy Magennis", "Cazzy Magennis")]
    [InlineData("Lauren Vetter", "Lauren Vetter")]
    public void A_byline_gives_its_name(string byline, string name) => Assert.Equal(name, BylineAuthor.Name(byline));

    [Theory]
    [InlineData("By")]
    [InlineData("Written by")]
    [InlineData("February 9, 2016")]
    [InlineData("3 hours ago")]
    [InlineData("Julia Gralberg is a freelance travel writer, editor of two guides and a magazine.")]
    public void A_byline_without_a_name_gives_none(string byline) => Assert.Null(BylineAuthor.Name(byline));

    [Fact]
    public void A_lone_by_takes_the_name_from_the_next_byline_and_other_reasons_are_not_read()
    {
        var removed = new List<RemovedBlock>
        {
            new("Sign in", BoilerplateReasons.InterfaceText),
            new("By", BoilerplateReasons.Byline),
            new("Sara Brown", BoilerplateReasons.Byline),
        };
        Assert.Equal("Sara Brown", BylineAuthor.Find(removed));
        Assert.Null(BylineAuthor.Find([new RemovedBlock("Jane Doe", BoilerplateReasons.Navigation)]));
    }
}

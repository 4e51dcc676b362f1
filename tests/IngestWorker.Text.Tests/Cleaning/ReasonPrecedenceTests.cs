using System.Reflection;
using IngestWorker.Text.Cleaning;

namespace IngestWorker.Text.Tests.Cleaning;

/// <summary>The one table that names a block several rules remove.</summary>
public sealed class ReasonPrecedenceTests
{
    private static IEnumerable<string> DeclaredCodes() =>
        typeof(BoilerplateReasons).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!);

    [Fact]
    public void Every_published_reason_has_exactly_one_place_in_the_table()
    {
        Assert.Equal(DeclaredCodes().Order(StringComparer.Ordinal), BoilerplateReasons.Precedence.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(null, "teaser", "teaser")]
    [InlineData("navigation", "teaser", "teaser")] // an inline box's heading: what it is beats where it sits
    [InlineData("teaser", "navigation", "teaser")]
    [InlineData("short", "repeated", "repeated")] // a copy of body text is named a repeat, not a short line
    [InlineData("site_template", "title", "title")]
    [InlineData("outside_article", "repeated", "repeated")]
    [InlineData("hidden", "link_dense", "hidden")]
    public void The_stronger_reason_names_the_block_whichever_rule_came_first(string? current, string proposed, string expected)
    {
        Assert.Equal(expected, BoilerplateReasons.Decide(current, proposed));
    }

    [Fact]
    public void An_unknown_reason_is_refused_with_the_table_to_add_it_to()
    {
        var error = Assert.Throws<ArgumentException>(() => BoilerplateReasons.Decide("teaser", "made_up"));
        Assert.Contains("Precedence", error.Message);
    }

    [Fact]
    public void Shape_only_reasons_are_the_two_weakest_before_outside()
    {
        Assert.True(BoilerplateReasons.IsShapeOnly(BoilerplateReasons.Short));
        Assert.True(BoilerplateReasons.IsShapeOnly(BoilerplateReasons.NotProse));
        Assert.False(BoilerplateReasons.IsShapeOnly(BoilerplateReasons.Byline));
        Assert.False(BoilerplateReasons.IsShapeOnly(null));
    }
}

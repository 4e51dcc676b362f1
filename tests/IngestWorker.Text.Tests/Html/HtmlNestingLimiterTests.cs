using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using IngestWorker.Text.Html;

namespace IngestWorker.Text.Tests.Html;

public class HtmlNestingLimiterTests
{
    private static string Nested(string open, string close, int depth, string text = "deep text")
    {
        var html = new StringBuilder("<html><body>");
        for (var i = 0; i < depth; i++)
            html.Append(open);
        html.Append(text);
        for (var i = 0; i < depth; i++)
            html.Append(close);
        return html.Append("<p>After the deep part.</p></body></html>").ToString();
    }

    /// <summary>The depth of the parsed tree, walked without recursion.</summary>
    private static int TreeDepth(string html)
    {
        using var document = new HtmlParser().ParseDocument(html);
        var deepest = 0;
        var stack = new Stack<(INode Node, int Depth)>();
        stack.Push((document, 0));
        while (stack.Count > 0)
        {
            var (node, depth) = stack.Pop();
            deepest = Math.Max(deepest, depth);
            for (var child = node.FirstChild; child is not null; child = child.NextSibling)
                stack.Push((child, depth + 1));
        }
        return deepest;
    }

    private static string BodyText(string html)
    {
        using var document = new HtmlParser().ParseDocument(html);
        return document.Body!.TextContent;
    }

    [Theory]
    [InlineData("<div>", "</div>")]
    [InlineData("<span>", "</span>")]
    [InlineData("<section class=\"x\">", "</section>")]
    [InlineData("<ul><li>", "</li></ul>")]
    [InlineData("<table><tr><td>", "</td></tr></table>")]
    [InlineData("<blockquote><b>", "</b></blockquote>")]
    public void Deep_nesting_is_cut_to_the_limit_and_keeps_every_word(string open, string close)
    {
        var html = Nested(open, close, 5_000);
        var limited = HtmlNestingLimiter.Limit(html, maxDepth: 100);

        Assert.True(limited.Length < html.Length);
        Assert.InRange(TreeDepth(limited), 50, 100 + 2 * HtmlNestingLimiter.MaxOpenFormatting + 10);
        Assert.Equal(Words(html), Words(limited));
    }

    /// <summary>The body's text without whitespace: dropped block tags become spaces, as their boundary was.</summary>
    private static string Words(string html) => string.Concat(BodyText(html).Where(c => !char.IsWhiteSpace(c)));

    [Theory]
    [InlineData("<b>", "")]
    [InlineData("<font size=1>", "")]
    [InlineData("<p>", "")]
    [InlineData("<b class=\"{0}\"><div>", "")]
    [InlineData("<div><b>", "</div>")]
    [InlineData("<a href=x><div>", "")]
    public void Unclosed_and_misnested_tags_cannot_build_a_deep_tree(string open, string close)
    {
        var html = new StringBuilder("<html><body>");
        for (var i = 0; i < 3_000; i++)
            html.Append(string.Format(open, i)).Append("w ");
        for (var i = 0; i < 3_000; i++)
            html.Append(close);
        var limited = HtmlNestingLimiter.Limit(html.ToString(), maxDepth: 100);

        Assert.InRange(TreeDepth(limited), 0, 100 + 2 * HtmlNestingLimiter.MaxOpenFormatting + 10);
        Assert.Equal(Words(html.ToString()), Words(limited));
    }

    [Fact]
    public void A_page_within_the_limit_is_returned_unchanged()
    {
        var html = Nested("<div class=\"wrap\">", "</div>", 50)
            + "<script>if (a < b) { document.write('<div><div><div>'); }</script><!-- <div> --><p>One<p>Two<ul><li>a<li>b</ul>";
        Assert.Same(html, HtmlNestingLimiter.Limit(html, maxDepth: 100));
    }

    [Fact]
    public void Markup_after_the_deep_part_keeps_its_structure()
    {
        var html = "<html><body><div id=\"outer\">" + Nested("<div>", "</div>", 1_000) + "</div><footer id=\"foot\">Footer</footer></body></html>";
        var limited = HtmlNestingLimiter.Limit(html, maxDepth: 64);

        using var document = new HtmlParser().ParseDocument(limited);
        Assert.Equal("body", document.GetElementById("foot")!.ParentElement!.LocalName);
    }

    [Fact]
    public void Script_text_beyond_the_limit_stays_script()
    {
        var html = Nested("<div>", "</div>", 300, "<script>var hidden = '<div>';</script>visible");
        var limited = HtmlNestingLimiter.Limit(html, maxDepth: 100);
        Assert.Contains("<script>var hidden = '<div>';</script>", limited);
    }

    [Fact]
    public void The_extractor_reads_100_000_nested_divs_as_one_block_of_their_text()
    {
        var page = new HtmlArticleExtractor().Extract(Nested("<div>", "</div>", 100_000, "The only sentence in this very deep page."));
        Assert.Contains(page.Blocks, b => b.Text.Contains("The only sentence in this very deep page.", StringComparison.Ordinal));
    }

    [Fact]
    public void The_extractor_stops_when_its_token_is_cancelled()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => new HtmlArticleExtractor().Extract("<p>Some text.</p>", null, cancelled.Token));
    }
}

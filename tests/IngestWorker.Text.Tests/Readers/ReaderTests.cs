using System.IO.Compression;
using System.Text;
using IngestWorker.Text.Decoding;
using IngestWorker.Text.Extraction;
using IngestWorker.Text.Html;
using IngestWorker.Text.Pipeline;
using IngestWorker.Text.Readers;

namespace IngestWorker.Text.Tests.Readers;

public sealed class ReaderTests
{
    [Theory]
    [InlineData("a.txt", InputFormat.Text, false)]
    [InlineData("deep/a.TEXT", InputFormat.Text, false)]
    [InlineData("a.html", InputFormat.Html, false)]
    [InlineData("a.htm.gz", InputFormat.Html, true)]
    [InlineData("a.md", InputFormat.Markdown, false)]
    [InlineData("a.markdown.GZ", InputFormat.Markdown, true)]
    [InlineData("feeds/a.json", InputFormat.Json, false)]
    public void The_extension_chooses_the_format(string name, InputFormat format, bool gzip) =>
        Assert.Equal(new FormatInfo(format, gzip), FormatInfo.FromName(name));

    [Theory]
    [InlineData("a.pdf")]
    [InlineData("a.gz")]
    [InlineData("README")]
    [InlineData("a.txt.zip")]
    public void Other_extensions_are_unknown(string name) => Assert.Null(FormatInfo.FromName(name));

    [Theory]
    [InlineData("photo.jpg", ReasonCodes.UnsupportedFormat, "'.jpg' is not a format")]
    [InlineData("notes", ReasonCodes.UnsupportedFormat, "no extension")]
    public async Task An_unknown_type_is_rejected_with_the_supported_list(string name, string code, string message)
    {
        var result = await Run(name, Encoding.UTF8.GetBytes("Some words."));
        Assert.Equal(code, result.Rejection!.Code);
        Assert.Contains(message, result.Rejection.Message);
        Assert.Contains(".html", result.Rejection.Message);
    }

    [Fact]
    public async Task A_gzipped_article_is_inflated_and_read_by_its_inner_extension()
    {
        var result = await Run("story.md.gz", Gzip("# Headline\n\nThe first paragraph of the story has enough words to be prose.\n"));
        Assert.Null(result.Rejection);
        Assert.Contains(result.Document.Page!.Blocks, b => b.Kind == BlockKind.Heading && b.Text == "Headline");
    }

    [Theory]
    [InlineData("story.txt.gz", false, "not gzip-compressed")]
    [InlineData("story.txt", true, "does not end in .gz")]
    public async Task Compression_that_does_not_match_the_name_is_a_format_mismatch(string name, bool compress, string message)
    {
        var text = Encoding.UTF8.GetBytes("A plain story.");
        var result = await Run(name, compress ? Gzip("A plain story.") : text);
        Assert.Equal(ReasonCodes.FormatMismatch, result.Rejection!.Code);
        Assert.Contains(message, result.Rejection.Message);
    }

    [Fact]
    public async Task A_gzip_bomb_stops_at_the_size_limit()
    {
        var options = new PipelineOptions { MaxInputBytes = 10_000 };
        var result = await Run("bomb.txt.gz", Gzip(new string('a', 1_000_000)), options);
        Assert.Equal(ReasonCodes.TooLarge, result.Rejection!.Code);
        Assert.Contains("inflates", result.Rejection.Message);
    }

    [Theory]
    [InlineData("page.txt", "<!DOCTYPE html><html><body><p>Hi</p></body></html>", "name it .html")]
    [InlineData("page.md", "  <html lang=\"en\"><body>x</body></html>", "name it .html")]
    [InlineData("page.html", "Just words, no markup at all.", "no HTML markup")]
    [InlineData("page.json", "this is not json", "not valid JSON")]
    [InlineData("page.json", "[{\"text\": \"a\"}]", "an array")]
    [InlineData("page.json", "{\"title\": \"No body\"}", "'text', 'content' or 'body'")]
    public async Task Content_that_is_not_what_the_name_says_is_a_format_mismatch(string name, string content, string message)
    {
        var result = await Run(name, Encoding.UTF8.GetBytes(content));
        Assert.Equal(ReasonCodes.FormatMismatch, result.Rejection!.Code);
        Assert.Contains(message, result.Rejection.Message);
    }

    [Fact]
    public void Json_gives_the_body_and_the_metadata()
    {
        var (page, problem) = JsonArticleReader.Read("""
            {"title": "Rain returns", "url": "https://news.example.org/rain", "date": "2024-11-22",
             "author": {"name": "A. Writer"}, "site": "Example News",
             "content": "Rain returned to the valley on Friday.\n\nFarmers welcomed it."}
            """, new HtmlArticleExtractor());

        Assert.Null(problem);
        Assert.Equal(["Rain returned to the valley on Friday.", "Farmers welcomed it."], page!.Blocks.Select(b => b.Text));
        Assert.True(page.Blocks[1].StartsParagraph);
        Assert.Equal(new PageMetadata { Title = "Rain returns", Url = "https://news.example.org/rain", Published = "2024-11-22", Author = "A. Writer", Site = "Example News" }, page.Metadata);
    }

    [Fact]
    public void A_json_body_holding_html_goes_through_the_html_extractor()
    {
        var (page, _) = JsonArticleReader.Read("""{"body": "<p>First <b>bold</b> paragraph.</p><p>Second one.</p>", "title": "T"}""", new HtmlArticleExtractor());
        var text = string.Join(" ", page!.Blocks.Where(b => b.RemovedBy is null).Select(b => b.Text));
        Assert.Contains("First bold paragraph.", text);
        Assert.DoesNotContain("<p>", text);
        Assert.Equal("T", page.Metadata.Title);
    }

    [Fact]
    public void Markdown_becomes_typed_blocks_without_its_syntax()
    {
        var page = MarkdownReader.Read("""
            ---
            title: "Front matter title"
            date: 2024-11-22
            author: Jane Doe
            ---
            # The headline

            A paragraph with **bold**, _emphasis_, `code`, a [link](https://example.org) and
            a soft-wrapped second line; snake_case_names stay.

            ![A caption for the photo](photo.jpg)

            - first item
            - second item

            > A quote.

            | a | b |
            |---|---|
            | 1 | 2 |

            ```
            code block
            ```

            [ref]: https://example.org
            """);

        Assert.Equal("Front matter title", page.Metadata.Title);
        Assert.Equal("2024-11-22", page.Metadata.Published);
        Assert.Equal("Jane Doe", page.Metadata.Author);
        var blocks = page.Blocks.Select(b => (b.Kind, b.Text)).ToList();
        Assert.Equal((BlockKind.Heading, "The headline"), blocks[0]);
        Assert.Equal((BlockKind.Paragraph, "A paragraph with bold, emphasis, code, a link and a soft-wrapped second line; snake_case_names stay."), blocks[1]);
        Assert.Equal((BlockKind.Caption, "A caption for the photo"), blocks[2]);
        Assert.Equal([(BlockKind.ListItem, "first item"), (BlockKind.ListItem, "second item")], blocks[3..5]);
        Assert.Equal((BlockKind.Quote, "A quote."), blocks[5]);
        Assert.Equal([(BlockKind.TableRow, "a b"), (BlockKind.TableRow, "1 2")], blocks[6..8]);
        Assert.Equal((BlockKind.Preformatted, "code block"), blocks[8]);
        Assert.Equal(9, blocks.Count);
        Assert.Equal(1, page.Blocks[0].HeadingLevel);
        Assert.True(page.Blocks[1].LinkDensity is > 0 and < 0.1);
    }

    [Fact]
    public void An_html_page_in_a_legacy_charset_is_decoded_by_its_meta_declaration()
    {
        const string html = "<html><head><meta charset=\"windows-1251\"><title>Новости</title></head><body><p>Дождь вернулся в долину в пятницу.</p></body></html>";
        var bytes = CodePagesEncodingProvider.Instance.GetEncoding(1251)!.GetBytes(html);
        var declared = DeclaredCharset.Find(bytes);
        Assert.Equal(1251, declared!.CodePage);
        var outcome = new TextDecoder(new LegacyEncodingDetector()).Decode(bytes, declared);
        Assert.Equal(html, outcome.Text);
        Assert.False(outcome.Info!.Detected);
    }

    private const string Story = "A plain story, long enough to be worth compressing, about a council that met on Tuesday.\n";

    [Fact]
    public async Task Several_gzip_members_and_zero_padding_are_read_whole()
    {
        var result = await Run("story.txt.gz", [.. Gzip(Story), .. Gzip("And a second member.\n"), .. new byte[512]]);
        Assert.Null(result.Rejection);
        Assert.Equal(Story + "And a second member.\n", Encoding.UTF8.GetString(result.Document.Content.Span));
    }

    public static TheoryData<string, string> Damaged => new()
    {
        { "no trailer", "trailer" },
        { "short trailer", "trailer" },
        { "cut in the deflate data", "truncated" },
        { "cut in the header", "header" },
        { "wrong CRC", "CRC-32" },
        { "wrong length", "length" },
        { "second member truncated", "member 2" },
        { "trailing garbage", "after the last member" },
    };

    [Theory]
    [MemberData(nameof(Damaged))]
    public async Task An_incomplete_or_damaged_gzip_is_undecodable(string damage, string message)
    {
        var valid = Gzip(Story + Story + Story);
        byte[] input = damage switch
        {
            "no trailer" => valid[..^8],
            "short trailer" => valid[..^3],
            "cut in the deflate data" => valid[..(valid.Length / 2)],
            "cut in the header" => valid[..6],
            "wrong CRC" => Flip(valid, valid.Length - 8),
            "wrong length" => Flip(valid, valid.Length - 4),
            "second member truncated" => [.. valid, .. valid[..^8]],
            _ => [.. valid, 1, 2, 3],
        };
        var result = await Run("story.txt.gz", input);
        Assert.Equal(ReasonCodes.Undecodable, result.Rejection?.Code);
        Assert.Equal("decompress", result.Rejection!.Stage);
        Assert.Contains(message, result.Rejection.Message);

        static byte[] Flip(byte[] bytes, int at)
        {
            var copy = (byte[])bytes.Clone();
            copy[at] ^= 0x01;
            return copy;
        }
    }

    [Theory]
    [InlineData("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\">", 1252)]
    [InlineData("<?xml version=\"1.0\" encoding=\"koi8-r\"?><html>", 20866)]
    [InlineData("<meta charset='shift_jis'>", 932)]
    [InlineData("<meta charset=\"no-such-thing\">", 0)]
    public void Charset_declarations_are_found_and_resolved(string head, int codePage) =>
        Assert.Equal(codePage, DeclaredCharset.Find(Encoding.ASCII.GetBytes(head))?.CodePage ?? 0);

    // Reading is tested here, on texts too short for the quality rules, so quality is off.
    private static ValueTask<PipelineResult> Run(string name, byte[] content, PipelineOptions? options = null)
    {
        options ??= new PipelineOptions();
        options.Quality.Enabled = false;
        return new TextPipeline(TextPipelineBuilder.StandardStages(options, PipelineServices.InMemory()))
            .RunAsync(new DocumentSource("incoming", name, "\"e\"", content.Length), content, CancellationToken.None);
    }

    private static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            gzip.Write(Encoding.UTF8.GetBytes(text));
        return output.ToArray();
    }
}

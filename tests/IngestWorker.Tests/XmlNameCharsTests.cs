using IngestWorker.Storage;

namespace IngestWorker.Tests;

public class XmlNameCharsTests
{
    [Theory]
    [InlineData("plain/name.txt", "plain/name.txt")]
    [InlineData("a\0b", "a\\u0000b")]
    [InlineData("line\nbreak\r", "line\\u000Abreak\\u000D")]
    [InlineData("back\\slash", "back\\u005Cslash")]
    [InlineData("caf\u00E9 \U0001F600", "caf\u00E9 \U0001F600")]
    public void A_name_is_escaped_for_a_log_line(string name, string escaped) =>
        Assert.Equal(escaped, XmlNameChars.Escape(name));

    [Fact]
    public void Characters_XML_cannot_carry_are_escaped_even_where_a_test_runner_could_not_pass_them() =>
        Assert.Equal("\\uFFFE\\uD800x\\uDC00", XmlNameChars.Escape("\uFFFE\uD800x\uDC00"));

    [Fact]
    public void The_safe_characters_are_listed_in_ascending_order_and_all_of_them()
    {
        var safe = Enumerable.Range(0, 0x10000).Select(c => (char)c).Where(XmlNameChars.IsSafe).ToArray();

        Assert.Equal(XmlNameChars.SafeCount, safe.Length);
        Assert.Equal(safe, Enumerable.Range(0, XmlNameChars.SafeCount).Select(XmlNameChars.SafeAt));
        Assert.Equal('\t', XmlNameChars.SafeAbove('\0'));
        Assert.Equal('\uE000', XmlNameChars.SafeAbove('\uD7FF'));
        Assert.Null(XmlNameChars.SafeAbove('\uFFFD'));
    }
}

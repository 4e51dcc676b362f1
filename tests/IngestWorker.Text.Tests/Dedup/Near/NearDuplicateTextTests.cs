using IngestWorker.Text.Dedup.Near;

namespace IngestWorker.Text.Tests.Dedup.Near;

public sealed class NearDuplicateTextTests
{
    [Theory]
    [InlineData("Hello World", "hello world")]
    [InlineData("Café DÉJÀ vu, naïve Ångström", "cafe deja vu naive angstrom")]
    [InlineData("“Quoted” ‘words’ \"straight\" 'single' «guillemets» „low“", "quoted words straight single guillemets low")]
    [InlineData("U.S.-led, well—known – it’s (really) [so]!", "u s led well known it s really so")]
    [InlineData("Born 1984; ٣ 四 3.5% $1,200", "born 0000 0 四 0 0 0 000")]   // Arabic-Indic ٣ is a digit, Han 四 a letter
    [InlineData("  tabs\tand\r\nnew\n\nlines   everywhere  ", "tabs and new lines everywhere")]
    [InlineData("soft\u00ADhyphen zero\u200Bwidth", "softhyphen zero width")]
    [InlineData("emoji 😀 between", "emoji between")]
    [InlineData("", "")]
    [InlineData(" \n\t—…", "")]
    public void Normalize_simplifies_case_accents_punctuation_digits_and_spaces(string text, string expected) =>
        Assert.Equal(expected, NearDuplicateText.Normalize(text));

    [Fact]
    public void Normalize_decomposes_to_nfd_without_marks()
    {
        // Precomposed and decomposed spellings meet; Hangul syllables become their jamo (NFD).
        Assert.Equal(NearDuplicateText.Normalize("e\u0301te\u0301"), NearDuplicateText.Normalize("été"));
        Assert.Equal("ete", NearDuplicateText.Normalize("été"));
        Assert.Equal("\u1112\u1161\u11AB", NearDuplicateText.Normalize("한"));
    }

    [Theory]
    [InlineData("中文测试", "中|文|测|试")]
    [InlineData("日本語のテキスト", "日|本|語|の|テ|キ|ス|ト")]
    [InlineData("Apple社のiPhone 15", "apple|社|の|iphone|00")]
    [InlineData("ภาษาไทย", "ภ|า|ษ|า|ไ|ท|ย")]                 // Thai letters one by one (its tone and vowel marks above and below are removed)
    [InlineData("mixed 中文，and English。", "mixed|中|文|and|english")]
    [InlineData("한국어 텍스트", "\u1112\u1161\u11AB\u1100\u116E\u11A8\u110B\u1165|\u1110\u1166\u11A8\u1109\u1173\u1110\u1173")] // Korean is written with spaces
    [InlineData("𠀀𠀁 x", "𠀀|𠀁|x")]                          // CJK extension B, outside the BMP
    public void Words_split_spaceless_scripts_into_characters(string text, string expected) =>
        Assert.Equal(expected.Split('|'), NearDuplicateText.Words(NearDuplicateText.Normalize(text)));

    [Fact]
    public void Words_of_plain_text_split_at_spaces()
    {
        Assert.Equal(["the", "u", "s", "led", "raid", "on", "0000"], NearDuplicateText.Words(NearDuplicateText.Normalize("The U.S.-led raid on 2017…")));
        Assert.Empty(NearDuplicateText.Words(""));
    }

    [Fact]
    public void Every_bmp_character_normalizes_idempotently_and_splits_the_same_before_and_after()
    {
        // What lets the hasher work on raw text: a simplified character maps to itself, with the
        // same class, so words found in raw and in normalized text agree.
        for (var i = 0; i < 65536; i++)
        {
            var c = (char)i;
            if (char.IsSurrogate(c))
                continue;
            var text = "x" + c + c + "y " + c;
            var normalized = NearDuplicateText.Normalize(text);
            Assert.True(normalized == NearDuplicateText.Normalize(normalized), $"U+{i:X4}: not idempotent");
            Assert.True(NearDuplicateText.Words(text).SequenceEqual(NearDuplicateText.Words(normalized)), $"U+{i:X4}: other words after normalizing");
        }
    }
}

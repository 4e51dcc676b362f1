using IngestWorker.Text.Quality;

namespace IngestWorker.Text.Tests.Quality;

/// <summary>
/// Word tokens as the Gopher, repetition and FineWeb signals count them. The expected lists are
/// what NLTK's <c>word_tokenize</c> (datatrove's tokenizer for English) gives for the same text.
/// </summary>
public sealed class QualityTokenizerTests
{
    [Theory]
    [InlineData("Assad's forces’ “recapture” of U.S.-led Jan. 9, 2017.",
        "Assad|'s|forces|’|“|recapture|”|of|U.S.-led|Jan.|9|,|2017|.")]
    [InlineData("He said: \"it's 1,000 don't\" (U.S.) #tag AT&T...",
        "He|said|:|``|it|'s|1,000|do|n't|''|(|U.S.|)|#|tag|AT|&|T|...")]
    [InlineData("Wait... what?! No -- never.", "Wait|...|what|?|!|No|--|never|.")]
    [InlineData("gonna cannot Gimme", "gon|na|can|not|Gim|me")]
    [InlineData("rock'n'roll rebels' Mr. Smith", "rock'n'roll|rebels|'|Mr.|Smith")]
    [InlineData("in the U.S.", "in|the|U.S|.")]                    // a period ending the line ends the sentence
    [InlineData("$1.2 million.", "$|1.2|million|.")]
    [InlineData("e-mail: a@b.com", "e-mail|:|a|@|b.com")]
    [InlineData("It rose 147.4. Then", "It|rose|147.4|.|Then")]      // a number is not an abbreviation
    [InlineData("going down.” Then", "going|down.|”|Then")]          // NLTK keeps the period before a curly quote
    public void Tokens_follow_NLTK(string text, string expected) =>
        Assert.Equal(expected.Split('|'), QualityAnalyzer.Tokens(text));

    [Theory]
    [InlineData("中文，测试。OK", "中|文|，|测|试|。|OK")]            // a Han character is a word; full-width punctuation too
    [InlineData("東京タワー", "東|京|タ|ワ|ー")]
    [InlineData("ที่นี่", "ที่|นี่")]                                 // a Thai letter keeps its vowel and tone marks
    [InlineData("Apple社のiPhone", "Apple|社|の|iPhone")]
    public void Spaceless_scripts_are_split_into_characters(string text, string expected) =>
        Assert.Equal(expected.Split('|'), QualityAnalyzer.Tokens(text, "zh"));
}

using IngestWorker.ExtractionBench;

namespace IngestWorker.Text.Tests.Extraction;

/// <summary>WCXB's scoring rule (score.py) on hand-computed cases, tokens as Python's <c>re</c> finds them.</summary>
public sealed class WordBagScoreTests
{
    [Fact]
    public void Overlap_is_counted_as_a_bag_of_lower_cased_words()
    {
        // Truth: a a b c (4 tokens); predicted: A b b d (4): overlap a, b = 2.
        var score = WordBagScore.Score("A b b d", "a a b c");
        Assert.Equal(0.5, score.Precision, 9);
        Assert.Equal(0.5, score.Recall, 9);
        Assert.Equal(0.5, score.F1, 9);
    }

    [Fact]
    public void Empty_truth_and_empty_prediction_agree_and_empty_prediction_scores_nothing()
    {
        Assert.Equal(1.0, WordBagScore.Score("", "").F1);
        Assert.Equal(0.0, WordBagScore.Score("", "some words").F1);
        Assert.Equal(0.0, WordBagScore.Score("some words", "").F1);
    }

    [Fact]
    public void Word_characters_are_letters_numbers_and_underscores_as_in_python()
    {
        Assert.Equal(["snake_case", "x²", "2024", "naïve"], WordBagScore.Tokens("snake_case, x² 2024 — naïve"));
        // A combining mark (U+0301) is not a word character for Python's re: it splits the word.
        Assert.Equal(["cafe", "x"], WordBagScore.Tokens("cafe\u0301x"));
    }

    [Fact]
    public void Metadata_compares_words_and_the_first_ten_characters_of_a_date()
    {
        Assert.Equal("the title of it", WordBagScore.Normalise("The Title — of it!"));
        Assert.True(WordBagScore.SameDate("2024-05-01T10:00:00Z", "2024-05-01"));
        Assert.False(WordBagScore.SameDate("2024-05-02", "2024-05-01"));
        Assert.False(WordBagScore.SameDate(null, "2024-05-01"));
    }
}

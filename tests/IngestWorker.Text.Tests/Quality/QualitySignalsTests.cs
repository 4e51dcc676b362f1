using IngestWorker.Text.Quality;
using S = IngestWorker.Text.Quality.QualitySignals;

namespace IngestWorker.Text.Tests.Quality;

/// <summary>
/// Every signal on small texts whose values were worked out by hand (the arithmetic is next to each
/// value). Word tokens follow NLTK's Treebank rules: see <see cref="QualityTokenizerTests"/>.
/// </summary>
public sealed class QualitySignalsTests
{
    private const double Tolerance = 1e-12;

    // Three lines, no blank line:
    //   "The cat and the dog."  20 chars  tokens: The cat and the dog .          (6; 5 words of 3 letters)
    //   "- Item one..."         13 chars  tokens: - Item one ...                 (4; words Item, one)
    //   "#1 with # tags"        14 chars  tokens: # 1 with # tags                (5; words 1, with, tags)
    // 49 characters (20 + 1 + 13 + 1 + 14), 15 tokens, 10 words.
    private const string TextA = "The cat and the dog.\n- Item one...\n#1 with # tags";

    [Fact]
    public void Text_with_bullets_hashes_and_an_ellipsis()
    {
        AssertSignals(TextA, "en", new()
        {
            [S.TextChars] = 49,
            [S.TextLines] = 3,
            [S.TextParagraphs] = 1,
            [S.TextTokens] = 15,                              // 6 + 4 + 5
            [S.TextSpaceless] = 0,
            [S.TextUnpunctuated] = 0,
            [S.TextSyllabic] = 0,
            [S.TextTokensPerWord] = 1,
            [S.GopherWordCount] = 10,                         // 5 + 2 + 3 ("-", "...", ".", "#" are symbols)
            [S.GopherMeanWordLength] = 31.0 / 10,             // 5×3 + (4+3) + (1+4+4) = 31
            [S.GopherHashWordRatio] = 2.0 / 15,               // two '#' over 15 tokens
            [S.GopherEllipsisWordRatio] = 1.0 / 15,           // one "..."
            [S.GopherBulletLinesFrac] = 1.0 / 3,              // "- Item one..."
            [S.GopherEndEllipsisLinesFrac] = 1.0 / 3,         // the same line ends in "..."
            [S.GopherAlphaWordsFrac] = 9.0 / 15,              // The cat and the dog Item one with tags
            [S.GopherStopWords] = 3,                          // and, the, with ("The" is capitalised: datatrove is case-sensitive)
            [S.GopherDistinctStopWords] = 3,
            [S.DupLineFrac] = 0,
            [S.DupParaFrac] = 0,
            [S.DupLineCharFrac] = 0,
            [S.DupParaCharFrac] = 0,
            [S.Top2GramCharFrac] = 7.0 / 49,                  // no bigram repeats: the first, "The cat", 7 chars × 1
            [S.Top3GramCharFrac] = 11.0 / 49,                 // "The cat and"
            [S.Top4GramCharFrac] = 15.0 / 49,                 // "The cat and the"
            [S.Duplicated5GramCharFrac] = 0,
            [S.Duplicated6GramCharFrac] = 0,
            [S.Duplicated7GramCharFrac] = 0,
            [S.Duplicated8GramCharFrac] = 0,
            [S.Duplicated9GramCharFrac] = 0,
            [S.Duplicated10GramCharFrac] = 0,
            [S.C4LinesWithoutTerminalPunctFrac] = 2.0 / 3,    // "...one..." ends in an ellipsis, "tags" in a letter
            [S.C4LinesUnder3WordsFrac] = 0,                   // 5, 3 and 4 whitespace-separated words
            [S.C4JavascriptLines] = 0,
            [S.C4PolicyLines] = 0,
            [S.C4LoremIpsum] = 0,
            [S.C4CurlyBracket] = 0,
            [S.C4Sentences] = 1,                              // only the first line is kept; one sentence
            [S.FineWebLinePunctFrac] = 2.0 / 3,               // '.' and the ellipsis's last '.'
            [S.FineWebShortLineFrac] = 3.0 / 3,               // 20, 13 and 14 characters, all ≤ 30
            [S.FineWebDupLineCharFrac] = 0,
            [S.FineWebNewlineWordRatio] = 2.0 / 15,           // two line breaks, 15 tokens
            [S.UnicodeReplacementChars] = 0,
            [S.UnicodeReplacementCharFrac] = 0,
            [S.UnicodeMojibakeSequences] = 0,
            [S.UnicodeMojibakeFrac] = 0,
            [S.UnicodeControlChars] = 0,
            [S.UnicodeControlCharFrac] = 0,
            [S.UnicodeExpectedScriptFrac] = 1,                // every letter Latin
        });
    }

    // Three paragraphs, the first repeated:
    //   "one two three four five six" (27 chars) twice, then "seven eight" (11 chars).
    // 69 characters (27 + 2 + 27 + 2 + 11); tokens: one two three four five six one two three four five six seven eight (14).
    private const string TextB = "one two three four five six\n\none two three four five six\n\nseven eight";

    [Fact]
    public void Text_with_a_repeated_paragraph()
    {
        AssertSignals(TextB, "en", new()
        {
            [S.TextChars] = 69,
            [S.TextLines] = 3,
            [S.TextParagraphs] = 3,
            [S.TextTokens] = 14,
            [S.TextSpaceless] = 0,
            [S.TextUnpunctuated] = 0,
            [S.TextSyllabic] = 0,
            [S.TextTokensPerWord] = 1,
            [S.GopherWordCount] = 14,
            [S.GopherMeanWordLength] = 54.0 / 14,             // 2 × (3+3+5+4+4+3) + 5 + 5 = 54
            [S.GopherHashWordRatio] = 0,
            [S.GopherEllipsisWordRatio] = 0,
            [S.GopherBulletLinesFrac] = 0,
            [S.GopherEndEllipsisLinesFrac] = 0,
            [S.GopherAlphaWordsFrac] = 1,
            [S.GopherStopWords] = 0,
            [S.GopherDistinctStopWords] = 0,
            [S.DupLineFrac] = 1.0 / 3,                        // lines (split at runs of \n): 3, one repeat
            [S.DupParaFrac] = 1.0 / 3,
            [S.DupLineCharFrac] = 27.0 / 69,
            [S.DupParaCharFrac] = 27.0 / 69,
            [S.Top2GramCharFrac] = 2 * 7.0 / 69,              // "one two" ×2 (five bigrams occur twice; the first wins)
            [S.Top3GramCharFrac] = 2 * 13.0 / 69,             // "one two three" ×2
            [S.Top4GramCharFrac] = 2 * 18.0 / 69,             // "one two three four" ×2
            // 5-grams: positions 0–5 new, 6 ("one two three four five") repeats position 0: "onetwothreefourfive"
            // = 19 chars, then the walk jumps to 11 > 14 − 5.
            [S.Duplicated5GramCharFrac] = 19.0 / 69,
            [S.Duplicated6GramCharFrac] = 22.0 / 69,          // position 6 repeats position 0: 19 + "six" = 22
            [S.Duplicated7GramCharFrac] = 0,                  // "…six one" ≠ "…six seven"
            [S.Duplicated8GramCharFrac] = 0,
            [S.Duplicated9GramCharFrac] = 0,
            [S.Duplicated10GramCharFrac] = 0,
            [S.C4LinesWithoutTerminalPunctFrac] = 3.0 / 3,
            [S.C4LinesUnder3WordsFrac] = 1.0 / 3,             // "seven eight"
            [S.C4JavascriptLines] = 0,
            [S.C4PolicyLines] = 0,
            [S.C4LoremIpsum] = 0,
            [S.C4CurlyBracket] = 0,
            [S.C4Sentences] = 0,                              // no line ends in punctuation: none kept
            [S.FineWebLinePunctFrac] = 0,
            [S.FineWebShortLineFrac] = 3.0 / 3,               // 27, 27, 11
            [S.FineWebDupLineCharFrac] = 27.0 / 65,           // 69 characters less 4 line feeds
            [S.FineWebNewlineWordRatio] = 2.0 / 14,           // 3 non-blank lines: 2 breaks between them
            [S.UnicodeReplacementChars] = 0,
            [S.UnicodeReplacementCharFrac] = 0,
            [S.UnicodeMojibakeSequences] = 0,
            [S.UnicodeMojibakeFrac] = 0,
            [S.UnicodeControlChars] = 0,
            [S.UnicodeControlCharFrac] = 0,
            [S.UnicodeExpectedScriptFrac] = 1,
        });
    }

    [Fact]
    public void C4_line_rules_and_sentences()
    {
        const string text =
            "Mr. Smith went to Washington. He arrived on Jan. 9 and left.\n" + // kept: 2 sentences ("Mr." and "Jan." are abbreviations)
            "This site uses cookies to improve your experience.\n" +           // policy line: dropped
            "Please enable JavaScript to view the comments.\n" +               // javascript line: dropped
            "Lorem ipsum dolor sit amet.\n" +                                  // kept, lorem ipsum: 1 sentence
            "The value of {x} is unknown.\n" +                                 // kept, curly bracket: 1 sentence
            "See the list[1]\n" +                                              // citation removed: no terminal punctuation
            "It was 3.5 percent higher than in the U.S. last year.[2]";        // citation removed: kept, 1 sentence
        var s = QualitySignals.Compute(text, "en");
        Assert.Equal(1.0 / 7, s[S.C4LinesWithoutTerminalPunctFrac], Tolerance); // only "See the list[1]"
        Assert.Equal(0, s[S.C4LinesUnder3WordsFrac]);                          // the shortest line has 3 words
        Assert.Equal(1, s[S.C4JavascriptLines]);
        Assert.Equal(1, s[S.C4PolicyLines]);
        Assert.Equal(1, s[S.C4LoremIpsum]);
        Assert.Equal(1, s[S.C4CurlyBracket]);
        Assert.Equal(5, s[S.C4Sentences]);                                     // 2 + 1 + 1 + 1
        Assert.Equal(7, s[S.TextLines]);
    }

    [Fact]
    public void C4_ignores_lorem_ipsum_and_brackets_in_lines_it_drops()
    {
        // As datatrove: the page-level checks only see lines that survive the line rules.
        var s = QualitySignals.Compute("lorem ipsum dolor\nvar x = {a: 1}\nvar y = {b: 2}; // javascript {\n", "en");
        Assert.Equal(0, s[S.C4LoremIpsum]);   // no terminal punctuation
        Assert.Equal(0, s[S.C4CurlyBracket]); // likewise, and the last line mentions javascript
        Assert.Equal(1, s[S.C4JavascriptLines]);
        Assert.Equal(0, s[S.C4Sentences]);
    }

    [Fact]
    public void Unicode_damage()
    {
        // "Café serves crème brûlée. It’s good" written as UTF-8 and read as Windows-1252, plus an
        // undecodable byte (U+FFFD) and a control character (U+0001). 43 characters:
        // "CafÃ©" 5, " serves" 7, " crÃ¨me" 7, " brÃ»lÃ©e." 10, " Itâ€™s" 7, " good" 5, U+FFFD, U+0001.
        const string text = "CafÃ© serves crÃ¨me brÃ»lÃ©e. Itâ€™s good\uFFFD\u0001";
        var s = QualitySignals.Compute(text, "en");
        Assert.Equal(43, s[S.TextChars]);
        Assert.Equal(5, s[S.UnicodeMojibakeSequences]);         // Ã© Ã¨ Ã» Ã© â€™
        Assert.Equal(5.0 / 43, s[S.UnicodeMojibakeFrac], Tolerance);
        Assert.Equal(1, s[S.UnicodeReplacementChars]);
        Assert.Equal(1.0 / 43, s[S.UnicodeReplacementCharFrac], Tolerance);
        Assert.Equal(1, s[S.UnicodeControlChars]);
        Assert.Equal(1.0 / 43, s[S.UnicodeControlCharFrac], Tolerance);
        // tokens: CafÃ© serves crÃ¨me brÃ » lÃ©e . Itâ€™s good�␁ — » is a guillemet, which NLTK cuts off
        Assert.Equal(9, s[S.TextTokens]);
        Assert.Equal(7, s[S.GopherWordCount]);
        Assert.Equal(7.0 / 9, s[S.GopherAlphaWordsFrac], Tolerance);
    }

    [Theory]
    [InlineData("РџСЂРёРІРµС‚", 4)]               // "Привет" read as Windows-1251: Рџ СЂ Рµ С‚ (Рё and РІ look like real Ukrainian)
    [InlineData("Itâ€s", 1)]                      // "’" whose third byte was lost
    [InlineData("Good ðŸ˜€ news", 1)]              // an emoji
    [InlineData("Â£5 and 25Â°C", 2)]               // "£" and "°"
    [InlineData("ZÃ¼rich, SÃ£o Paulo", 2)]
    [InlineData("São Paulo, Zürich, À bientôt, ÉTÉ «citation», NESTLÉ", 0)]
    [InlineData("Рівне, Сімферополь, Сёмга, СССР» и «РФ»", 0)]
    [InlineData("Ça va? Où êtes-vous… à «Paris»", 0)]
    public void Mojibake_sequences(string text, int expected) =>
        Assert.Equal(expected, QualitySignals.Compute(text, null)[S.UnicodeMojibakeSequences]);

    [Fact]
    public void Expected_script_share()
    {
        const string text = "Привет мир hello"; // 9 Cyrillic letters, 5 Latin
        Assert.Equal(9.0 / 14, QualitySignals.Compute(text, "ru")[S.UnicodeExpectedScriptFrac], Tolerance);
        Assert.Equal(5.0 / 14, QualitySignals.Compute(text, "en")[S.UnicodeExpectedScriptFrac], Tolerance);
        Assert.Equal(0, QualitySignals.Compute(text, "ja")[S.UnicodeExpectedScriptFrac]);
        Assert.Equal(1, QualitySignals.Compute("東京で雪が降りました。カメラ", "ja")[S.UnicodeExpectedScriptFrac]); // Han, hiragana, katakana
        Assert.Equal(1, QualitySignals.Compute(text, "sr")[S.UnicodeExpectedScriptFrac]);                    // Serbian: Cyrillic or Latin
        Assert.False(QualitySignals.Compute(text, null).ContainsKey(S.UnicodeExpectedScriptFrac));  // language unknown
        Assert.False(QualitySignals.Compute(text, "xx").ContainsKey(S.UnicodeExpectedScriptFrac));  // not in the table
        Assert.Equal(9.0 / 14, QualitySignals.Compute(text, "ru-RU")[S.UnicodeExpectedScriptFrac], Tolerance);
    }

    [Fact]
    public void Chinese_counts_characters_as_words()
    {
        // 14 characters: 今天的天气很好。我们去公园。 — each a token; 12 Han words, two full stops.
        var s = QualitySignals.Compute("今天的天气很好。我们去公园。", "zh");
        Assert.Equal(14, s[S.TextTokens]);
        Assert.Equal(1, s[S.TextSpaceless]);
        Assert.Equal(2, s[S.TextTokensPerWord]);               // Han: a word is about two characters
        Assert.Equal(12, s[S.GopherWordCount]);                // 。 is in datatrove's punctuation set
        Assert.Equal(1, s[S.GopherMeanWordLength]);            // (not applied to spaceless text)
        Assert.Equal(12.0 / 14, s[S.GopherAlphaWordsFrac], Tolerance);
        Assert.Equal(1, s[S.GopherStopWords]);                 // 的
        Assert.Equal(1, s[S.GopherDistinctStopWords]);
        // n-grams of words are n × 2 characters, written without spaces between Han characters:
        Assert.Equal(4.0 / 14, s[S.Top2GramCharFrac], Tolerance);  // no repeat: the first, 今天的天
        Assert.Equal(6.0 / 14, s[S.Top3GramCharFrac], Tolerance);  // 今天的天气很
        Assert.Equal(9.0 / 14, s[S.Top4GramCharFrac], Tolerance);  // 今天的天气很好。: 8 + a space before 。
        Assert.Equal(0, s[S.Duplicated5GramCharFrac]);
        Assert.Equal(2, s[S.C4Sentences]);                     // 。 ends a sentence, more follows
        Assert.Equal(0, s[S.C4LinesUnder3WordsFrac]);          // 12 words on the line
        Assert.Equal(1, s[S.FineWebLinePunctFrac]);            // 。 is terminal punctuation
        Assert.Equal(0, s[S.FineWebNewlineWordRatio]);
        Assert.Equal(1, s[S.UnicodeExpectedScriptFrac]);
    }

    [Fact]
    public void Thai_sentences_are_space_separated()
    {
        // two lines, 3 and 2 space-separated segments, no punctuation
        var s = QualitySignals.Compute("วันนี้อากาศดี เราไปสวน ที่กรุงเทพ\nฝนตกหนัก ถนนน้ำท่วม", "th");
        Assert.Equal(1, s[S.TextSpaceless]);
        Assert.Equal(1, s[S.TextUnpunctuated]);
        Assert.Equal(3, s[S.TextTokensPerWord]);
        Assert.Equal(5, s[S.C4Sentences]);                     // 3 + 2 segments
        Assert.Equal(1, s[S.C4LinesWithoutTerminalPunctFrac]); // recorded, but not a rule for Thai
        Assert.Equal(0, s[S.FineWebLinePunctFrac]);            // likewise
        Assert.Equal(1, s[S.GopherStopWords]);                 // ที่ (in ที่กรุงเทพ), counted as a substring
    }

    [Fact]
    public void Korean_is_marked_syllabic()
    {
        var s = QualitySignals.Compute("오늘 서울의 날씨는 맑고 따뜻하겠습니다.", null);
        Assert.Equal(1, s[S.TextSyllabic]);                    // from the letters, the language being unknown
        Assert.Equal(0, s[S.TextSpaceless]);                   // Korean separates words with spaces
        Assert.Equal(5, s[S.GopherWordCount]);
        Assert.Equal(1, QualitySignals.Compute("KBS 뉴스", "ko")[S.TextSyllabic]); // from the language
        Assert.False(QualitySignals.Compute("오늘 날씨", "ko").ContainsKey(S.GopherStopWords)); // no Korean list
    }

    [Fact]
    public void Stop_words_per_language()
    {
        const string german = "Der Hund und die Katze sind in dem Haus.";
        var de = QualitySignals.Compute(german, "de");
        Assert.Equal(5, de[S.GopherStopWords]);                // und die sind in dem ("Der" is capitalised)
        Assert.Equal(5, de[S.GopherDistinctStopWords]);
        Assert.Equal(0, QualitySignals.Compute(german, "en")[S.GopherStopWords]);
        Assert.False(QualitySignals.Compute(german, "pl").ContainsKey(S.GopherStopWords)); // no list: the rule does not apply
        Assert.Equal(3, QualitySignals.Compute("the cat and the dog", null)[S.GopherStopWords]); // unknown language: English (the ×2, and)
    }

    [Fact]
    public void Empty_and_blank_texts()
    {
        foreach (var text in new[] { "", "   ", "\n\n\n" })
        {
            var s = QualitySignals.Compute(text, "en");
            Assert.Equal(0, s[S.GopherWordCount]);
            Assert.Equal(0, s[S.TextLines]);
            Assert.Equal(0, s[S.GopherAlphaWordsFrac]);
            Assert.Equal(0, s[S.Top2GramCharFrac]);
            Assert.All(s, pair => Assert.False(double.IsNaN(pair.Value) || double.IsInfinity(pair.Value), pair.Key));
        }
        // re.split("\n+", "\n\n\n") gives ["", ""]: two lines, the second a repeat of the first
        Assert.Equal(0.5, QualitySignals.Compute("\n\n\n", "en")[S.DupLineFrac]);
    }

    [Fact]
    public void Characters_are_code_points()
    {
        // an emoji is two UTF-16 units but one character, as Python's len counts
        var s = QualitySignals.Compute("Good news 😀 today", "en");
        Assert.Equal(17, s[S.TextChars]);                      // 18 UTF-16 units
        Assert.Equal(4, s[S.TextTokens]);
    }

    [Fact]
    public void The_signal_set_is_a_read_only_map_of_every_signal()
    {
        var s = QualitySignals.Compute(TextA, "en");
        Assert.Equal(QualitySignals.All.Count, s.Count);       // English: every signal present
        Assert.Equal(QualitySignals.All, s.Keys);
        Assert.Equal(QualitySignals.All.Distinct().Count(), QualitySignals.All.Count);
        Assert.All(QualitySignals.All, name => Assert.Matches("^[a-z0-9]+(_[a-z0-9]+)*$", name));
        Assert.Throws<KeyNotFoundException>(() => s["no_such_signal"]);
        Assert.False(s.TryGetValue("no_such_signal", out _));
        Assert.False(typeof(IDictionary<string, double>).IsAssignableFrom(typeof(QualitySignalSet))); // no mutators
    }

    [Fact]
    public void Compute_is_thread_safe()
    {
        var texts = new[] { TextA, TextB, QualityTexts.Chinese, QualityTexts.Thai, QualityTexts.KeywordSpam };
        var expected = texts.Select(t => QualitySignals.Compute(t, "en").ToArray()).ToArray();
        Parallel.For(0, 400, i =>
        {
            var k = i % texts.Length;
            Assert.Equal(expected[k], QualitySignals.Compute(texts[k], "en").ToArray());
        });
    }

    private static void AssertSignals(string text, string language, Dictionary<string, double> expected)
    {
        var actual = QualitySignals.Compute(text, language);
        Assert.Equal(QualitySignals.All.OrderBy(n => n), expected.Keys.OrderBy(n => n)); // every signal is spelled out
        foreach (var (name, value) in expected)
        {
            Assert.True(actual.TryGetValue(name, out var got), $"{name} missing");
            Assert.True(Math.Abs(value - got) <= Tolerance, $"{name}: expected {value}, got {got}");
        }
    }
}

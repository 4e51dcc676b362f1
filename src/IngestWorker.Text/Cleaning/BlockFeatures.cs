using System.Runtime.CompilerServices;
using System.Globalization;

namespace IngestWorker.Text.Cleaning;

/// <summary>
/// What one scan of a block's characters tells about it: its size, its words, its punctuation.
/// Everything the classifier and the structural rules need, gathered without allocating.
/// </summary>
internal struct BlockFeatures
{
    /// <summary>Characters.</summary>
    public int Length;

    /// <summary>
    /// Length in "Latin-character equivalents": a Han or kana character carries about as much text
    /// as three Latin letters and a Hangul syllable about two, so length thresholds work for CJK too.
    /// </summary>
    public int Weight;

    /// <summary>Words made of letters (numbers are counted apart).</summary>
    public int Words;

    /// <summary>Words of <see cref="Words"/> that are stopwords of the page's language.</summary>
    public int Stopwords;

    /// <summary>Tokens made of digits.</summary>
    public int Numbers;

    /// <summary>Words that start with an upper-case letter.</summary>
    public int CapitalWords;

    /// <summary>Words that start with a lower-case letter (caseless scripts count in neither).</summary>
    public int LowerWords;

    public int Letters;
    public int Digits;
    public int UpperLetters;

    /// <summary>Han, kana and Hangul characters.</summary>
    public int Cjk;

    /// <summary>Sentence ends inside the block followed by more text (". The"), plus the final one.</summary>
    public int Sentences;

    /// <summary>Ends like a sentence: . ! ? 。 ！ ？ (possibly followed by closing quotes or brackets).</summary>
    public bool Terminal;

    /// <summary>Ends with "..." or "…": a truncated teaser more often than a finished sentence.</summary>
    public bool Truncated;

    public bool EndsWithColon;

    /// <summary>Contains ©.</summary>
    public bool Copyright;

    /// <summary>Contains a URL or a bare domain-like token (www., http).</summary>
    public bool HasUrl;

    /// <summary>Separator characters typical of menus and bylines: | • · » ›.</summary>
    public int Separators;

    public readonly double StopwordDensity => Words == 0 ? 0 : (double)Stopwords / Words;

    /// <summary>Words plus numbers.</summary>
    public readonly int Tokens => Words + Numbers;

    /// <summary>A month name, or digits joined like a date: the line may hold one (see <see cref="DateText"/>).</summary>
    public bool DateLike;

    /// <summary>Phrase lists the line's words may match (see <see cref="Trigger"/>).</summary>
    public Trigger Triggers;

    /// <summary>What the line's first word may open: a byline, an instruction, a call to action.</summary>
    public Trigger FirstWord;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    /// <param name="text">The block.</param>
    /// <param name="language">The page's language as a bit of <see cref="WordTable.Languages"/> (0: none): its stopwords are counted in the same scan.</param>
    public static BlockFeatures Scan(string text, int language = 0)
    {
        // Counters live in locals (registers) and go into the struct once at the end.
        int letters = 0, cjk = 0, weight = 0, words = 0, capital = 0, lowerWords = 0, upperLetters = 0;
        int digits = 0, numbers = 0, sentences = 0, separators = 0;
        bool copyright = false, url = false, glued = false, previousLower = false, numericDate = false;
        var triggers = Trigger.None;
        var firstWord = Trigger.None;
        var stopwords = 0;
        var inWord = false;
        var inNumber = false;
        var hash = BoilerplateLexicon.WordHashOffset;
        var wordLength = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            bool letter, upper;
            if (c < 128)
            {
                // ASCII, most of every page: no Unicode tables.
                letter = (uint)((c | 0x20) - 'a') <= 'z' - 'a';
                upper = letter && c <= 'Z';
            }
            else
            {
                letter = char.IsLetter(c);
                upper = letter && char.IsUpper(c);
            }
            if (letter)
            {
                letters++;
                if (c >= 0x1100 && CjkWeight(c) is var cjkWeight and > 0)
                {
                    // Han and kana have no spaces: a run of them is one "word" for the counts.
                    cjk++;
                    weight += cjkWeight;
                }
                else
                {
                    weight++;
                }
                if (!inWord)
                {
                    inWord = true;
                    words++;
                    hash = BoilerplateLexicon.WordHashOffset;
                    wordLength = 0;
                    if (upper)
                        capital++;
                    else if (c < 128 || char.IsLower(c))
                        lowerWords++;
                }
                else if (upper && previousLower)
                {
                    // "newsletterReceive", "e-mailSend": words glued where the page had a line
                    // break; their halves escape the word lookup, so let every phrase list look.
                    glued = true;
                }
                previousLower = !upper;
                hash = c < 128 ? (hash ^ (uint)(upper ? c | 0x20 : c)) * BoilerplateLexicon.WordHashPrime
                    : upper ? BoilerplateLexicon.HashStep(hash, c) : (hash ^ c) * BoilerplateLexicon.WordHashPrime;
                wordLength++;
                if (upper)
                    upperLetters++;
                inNumber = false;
                continue;
            }
            weight++;
            // An apostrophe inside a word keeps it one word ("don't", "l'état").
            if ((c == '\'' || c == '’') && inWord && i + 1 < text.Length && char.IsLetter(text[i + 1]))
                continue;
            if (inWord)
            {
                EndWord(hash, wordLength, words, language, ref stopwords, ref triggers, ref firstWord);
                inWord = false;
            }
            if (c < 128 ? (uint)(c - '0') <= 9 : char.IsDigit(c))
            {
                digits++;
                if (!inNumber)
                {
                    inNumber = true;
                    numbers++;
                }
                continue;
            }
            inNumber = false;
            if (c == ' ')
                continue;
            // "2019-11-18", "18.11.2019", "11/13/19", "2013年04月": digits joined by a date separator.
            if (c is '-' or '.' or '/' or '年' or '月' && i > 0 && i + 1 < text.Length && char.IsAsciiDigit(text[i - 1]) && char.IsAsciiDigit(text[i + 1]))
                numericDate = true;
            switch (c)
            {
                case '.' or '!' or '?' or '。' or '！' or '？':
                    // A sentence end followed by a space and an upper-case letter or a quote.
                    if (i + 2 < text.Length && text[i + 1] == ' ' && (char.IsUpper(text[i + 2]) || text[i + 2] is '"' or '“' or '«'))
                        sentences++;
                    break;
                case '©':
                    copyright = true;
                    break;
                case '|' or '•' or '·' or '»' or '›' or '▸' or '►':
                    separators++;
                    break;
                case '/' when i + 1 < text.Length && text[i + 1] == '/' && i > 0 && text[i - 1] == ':':
                    url = true;
                    break;
            }
        }
        if (inWord)
            EndWord(hash, wordLength, words, language, ref stopwords, ref triggers, ref firstWord);
        var f = new BlockFeatures
        {
            Length = text.Length,
            Weight = weight,
            Words = words,
            Numbers = numbers,
            CapitalWords = capital,
            LowerWords = lowerWords,
            Letters = letters,
            Digits = digits,
            UpperLetters = upperLetters,
            Cjk = cjk,
            Sentences = sentences,
            Copyright = copyright,
            HasUrl = url || text.Contains("www.", StringComparison.Ordinal),
            Separators = separators,
            Stopwords = stopwords,
            // Scripts without spaces cannot be looked up word by word: let every phrase list look.
            Triggers = cjk > 0 || glued ? Trigger.All : triggers,
            FirstWord = cjk > 0 ? firstWord | Trigger.PhraseStart : firstWord,
            DateLike = numericDate || ((triggers | firstWord) & Trigger.Month) != 0,
        };

        // How the block ends, looking through closing quotes and brackets.
        var end = text.Length - 1;
        while (end >= 0 && text[end] is '"' or '”' or '’' or '\'' or ')' or ']' or '»' or '*' or ' ')
            end--;
        if (end >= 0)
        {
            var last = text[end];
            if (last == '…' || (last == '.' && end >= 2 && text[end - 1] == '.' && text[end - 2] == '.'))
                f.Truncated = true;
            else if (last is '.' or '!' or '?' or '。' or '！' or '？' or '؟' or '।')
                f.Terminal = true;
            else if (last is ':' or '：')
                f.EndsWithColon = true;
        }
        if (f.Terminal)
            f.Sentences++;
        return f;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EndWord(ulong hash, int length, int words, int language, ref int stopwords, ref Trigger triggers, ref Trigger firstWord)
    {
        if (length > 24)
            return;
        var entry = WordTable.Lookup(hash);
        if ((entry.Languages & language) != 0)
            stopwords++;
        if (words == 1)
            firstWord = entry.Trigger;
        if (length >= 2)
            triggers |= entry.Trigger & Trigger.Anywhere;
    }

    private static readonly System.Buffers.SearchValues<char> CommaChars = System.Buffers.SearchValues.Create(",;，、،");

    /// <summary>Clause separators in <paramref name="text"/>: , ; and the CJK and Arabic commas (counted apart: the main scan stays lean).</summary>
    public static int CountCommas(ReadOnlySpan<char> text)
    {
        var count = 0;
        for (var at = text.IndexOfAny(CommaChars); at >= 0; at = text.IndexOfAny(CommaChars))
        {
            count++;
            text = text[(at + 1)..];
        }
        return count;
    }

    /// <summary>
    /// Most of the block's letters are of scripts written without spaces between words (Han, kana,
    /// Hangul, Thai, Lao, Myanmar, Khmer): its word counts say little. Counted apart from
    /// <see cref="Scan"/>, which stays lean for the line cleaner; only called for non-ASCII text.
    /// </summary>
    public static bool MostlyUnspaced(string text, in BlockFeatures features)
    {
        if (features.Letters == 0)
            return false;
        var unspaced = features.Cjk;
        if (unspaced * 2 <= features.Letters)
        {
            foreach (var c in text)
            {
                if (c is >= '\u0E00' and <= '\u0EFF' or >= '\u1000' and <= '\u109F' or >= '\u1780' and <= '\u17FF')
                    unspaced++;
            }
        }
        return unspaced * 2 > features.Letters;
    }

    /// <summary>3 for Han and kana, 2 for Hangul, 0 for everything else.</summary>
    public static int CjkWeight(char c)
    {
        if (c < 0x1100)
            return 0;
        if (c is >= '\uAC00' and <= '\uD7AF' or >= '\u1100' and <= '\u11FF' or >= '\u3130' and <= '\u318F')
            return 2;
        if (c is >= '\u3040' and <= '\u30FF' or >= '\u3400' and <= '\u4DBF' or >= '\u4E00' and <= '\u9FFF' or >= '\uF900' and <= '\uFAFF')
            return 3;
        return 0;
    }

    /// <summary>True when the character is a letter of a script written with upper and lower case.</summary>
    public static bool IsCased(char c) => char.GetUnicodeCategory(c) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter;
}

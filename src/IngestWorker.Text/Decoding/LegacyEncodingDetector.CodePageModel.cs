using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace IngestWorker.Text.Decoding;

// What each byte of a code page decodes to, and how a text in it scores.
public sealed partial class LegacyEncodingDetector
{
    private enum CharKind : byte
    {
        Space,
        Letter,
        Digit,
        AsciiPunctuation,
        Control,
        Quote,
        Apostrophe,
        EnDash,
        EmDash,
        Ellipsis,
        Bullet,
        Currency,
        InvertedPunctuation,
        Degree,
        Numero,
        SoftHyphen,
        Superscript,
        Fraction,
        Ordinal,
        Micro,
        Mark,
        Section,
        MiddleDot,
        Acute,
        Diacritic,
        Format,
        Symbol,
        Unused,
    }

    // What a neighbour looks like, which is all the placement rules ask about.
    private enum Neighbour : byte
    {
        Boundary,
        Letter,
        Digit,
        Punctuation,
        Symbol,
    }

    private enum Script : byte
    {
        None,
        Latin,
        Greek,
        Cyrillic,
        Other,
    }

    private enum LetterCase : byte
    {
        None,
        Lower,
        Upper,
    }

    [Flags]
    private enum LetterTraits : byte
    {
        None = 0,
        Vowel = 1,
        // A vowel, or Serbian р, which can carry a syllable ("црква"): a word needs one.
        Syllabic = 2,
        // ь ъ ы, which cannot start a Russian word or follow a vowel.
        Sign = 4,
        // Can be a word on its own.
        Standalone = 8,
        MedialSigma = 16,
        FinalSigma = 32,
    }

    private struct ByteInfo
    {
        public CharKind Kind;
        public Neighbour Neighbour;
        public Script Script;
        public LetterCase Case;
        public LetterTraits Traits;
    }

    private sealed class CodePageModel
    {
        private const double MixedScriptPenalty = -3.0;
        private const double UpperAfterLowerPenalty = -3.0;
        private const double LowerAfterCapitalsPenalty = -2.0;
        private const double AccentRunPenalty = -1.0;
        private const double SigmaPenalty = -1.5;
        private const double StrayLetterPenalty = -1.5;
        private const double WellCasedWordBonus = 0.3;
        private const double CapitalsWordPenalty = -1.0;
        private const double MisplacedSignPenalty = -2.0;
        private const double VowellessWordPenalty = -1.5;
        private const double BalancedWordBonus = 0.3;
        private const double UnbalancedWordPenalty = -0.5;
        private const double LowercaseSentenceStartPenalty = -1.0;

        // Headlines in capitals are real but rare next to ordinary text, so reading a whole input
        // as one costs this much up front.
        private const double CapitalsStylePrior = -1.5;

        // Word-shape evidence kept apart for ordinary text and for text in capitals.
        private struct CaseTally
        {
            public double Ordinary;
            public double Capitals;
        }

        // Non-ASCII letters that are words on their own: French/Portuguese à, Italian è,
        // Portuguese é, Hungarian ő, Icelandic á í, Lithuanian į, Slavic prepositions and
        // conjunctions, Greek articles and ή.
        private const string StandaloneLetters = "àèéőöåáíįвскуоиаяійзєеηοή";

        private const string Vowels = "аеёиоуыэюяіїєαεηιουωάέήίόύώϊϋΐΰ";

        private struct WordState
        {
            public int Letters;
            public int High;
            public int Uppers;
            public int Lowers;
            public int AccentRun;
            public bool FirstUpper;
            public bool StandaloneAllowed;
            public bool PreviousHigh;
            public bool PreviousVowel;
            public int Vowels;
            public int Syllabics;
            public LetterCase PreviousCase;
            public Script PreviousScript;
        }

        private readonly Encoding _encoding;
        private readonly char[] _map = new char[256];
        private readonly bool[] _unmappable = new bool[256];
        // Everything the scoring pass asks about a byte, in one place so that a byte costs one lookup.
        private readonly ByteInfo[] _info = new ByteInfo[256];

        // Per language, 128 entries for bytes 0x80–0xFF: the log-likelihood ratio of that byte's
        // letter (zero for non-letters, which are scored by placement instead).
        private readonly double[] _letterScores;
        private readonly int _languageCount;

        // Index into LanguageProfile.All of each row of _letterScores; -1 for the floor-only row.
        private readonly int[] _languageIds;

        public CodePageModel(Encoding encoding)
        {
            _encoding = encoding;
            Name = encoding.WebName;
            CodePage = encoding.CodePage;

            var one = new byte[1];
            var chars = new char[4];
            for (var b = 0; b < 256; b++)
            {
                one[0] = (byte)b;
                char c;
                try
                {
                    var n = encoding.GetChars(one, 0, 1, chars, 0);
                    _unmappable[b] = n != 1;
                    c = n == 1 ? chars[0] : '\uFFFD';
                }
                catch (DecoderFallbackException)
                {
                    _unmappable[b] = true;
                    c = '\uFFFD';
                }
                _map[b] = c;
                Classify(b, c);
            }

            var letters = new HashSet<char>();
            for (var b = 0x80; b < 256; b++)
            {
                if (_info[b].Kind == CharKind.Letter)
                    letters.Add(Fold(_map[b]));
            }
            var languages = LanguageProfile.All.Where(l => l.Coverage(letters) >= LanguageProfile.MinimumCoverage).ToArray();
            // A code page that serves none of our languages still needs one row of (floor) letter scores.
            _languageCount = Math.Max(1, languages.Length);
            _languageIds = languages.Length == 0 ? [-1] : [.. languages.Select(l => l.Id)];
            _letterScores = new double[_languageCount * 128];
            for (var l = 0; l < _languageCount; l++)
            {
                for (var b = 0x80; b < 256; b++)
                {
                    if (_info[b].Kind == CharKind.Letter)
                    {
                        var c = Fold(_map[b]);
                        _letterScores[l * 128 + b - 0x80] = languages.Length == 0 ? LanguageProfile.FloorScore : languages[l].Score(c);
                    }
                }
            }
        }

        public string Name { get; }

        public int CodePage { get; }

        public string Decode(ReadOnlySpan<byte> bytes) => _encoding.GetString(bytes);

        public bool HasUnmappable(ReadOnlySpan<bool> present)
        {
            for (var i = 0; i < 128; i++)
            {
                if (present[i] && _unmappable[i + 0x80])
                    return true;
            }
            return false;
        }

        public bool ReadsSameAs(CodePageModel other, ReadOnlySpan<bool> present)
        {
            for (var i = 0; i < 128; i++)
            {
                if (present[i] && _map[i + 0x80] != other._map[i + 0x80])
                    return false;
            }
            return true;
        }

        /// <summary>
        /// One pass over the words that hold non-ASCII bytes, scoring where characters sit, plus the
        /// letter score of the best-fitting language, which depends only on how often each byte occurs.
        /// </summary>
        /// <returns>
        /// The score used to rank candidates. <paramref name="plausibility"/> is the same without the
        /// language's prior, which steers the choice between languages but is no evidence of text.
        /// </returns>
        public double Score(ReadOnlySpan<byte> bytes, bool sentenceStart, ReadOnlySpan<int> highHistogram, ReadOnlySpan<double> wordScores, out double plausibility)
        {
            var info = _info;
            var placement = 0.0;
            var previous = Neighbour.Boundary;
            var previousByte = (byte)' ';
            var word = default(WordState);
            var casing = default(CaseTally);

            for (var i = 0; i < bytes.Length; i++)
            {
                var b = bytes[i];
                if (b < 0x80 && word.High == 0 && info[b].Kind != CharKind.Letter)
                {
                    // Between words of plain ASCII nothing tells candidates apart (control characters
                    // are counted once by the caller), so jump to the word holding the next high byte.
                    var next = bytes[(i + 1)..].IndexOfAnyInRange((byte)0x80, (byte)0xFF);
                    if (next < 0)
                        break;
                    var start = i + 1 + next;
                    while (start > i + 1 && info[bytes[start - 1]].Kind == CharKind.Letter)
                        start--;
                    word = default;
                    previous = info[bytes[start - 1]].Neighbour;
                    previousByte = bytes[start - 1];
                    sentenceStart = FollowsSentenceEnd(bytes, start);
                    i = start;
                    b = bytes[i];
                }
                ref readonly var current = ref info[b];
                var kind = current.Kind;
                var high = b >= 0x80;

                if (kind == CharKind.Letter)
                {
                    var script = current.Script;
                    var letterCase = current.Case;
                    var traits = current.Traits;
                    // Sentences start with a capital; a code page that swaps cases (KOI8 against
                    // windows-1251) or shows capitals as symbols (Mac Cyrillic "Ф" is "‘" in
                    // windows-1251) leaves a small letter there.
                    if (sentenceStart && high && letterCase == LetterCase.Lower)
                        placement += LowercaseSentenceStartPenalty;
                    sentenceStart = false;
                    // Pairs of ASCII letters read the same in every candidate, so only pairs that
                    // involve a non-ASCII letter can tell candidates apart.
                    if (word.Letters > 0 && (high || word.PreviousHigh))
                    {
                        if (script != word.PreviousScript)
                            placement += MixedScriptPenalty;
                        if (letterCase == LetterCase.Upper && word.PreviousCase == LetterCase.Lower)
                            placement += UpperAfterLowerPenalty;
                        else if (letterCase == LetterCase.Lower && word.PreviousCase == LetterCase.Upper && word.Lowers == 0 && word.Letters >= 2)
                            placement += LowerAfterCapitalsPenalty;
                    }
                    if (high)
                    {
                        // Latin-script languages put at most two accented letters side by side;
                        // longer runs are what Cyrillic or Greek bytes look like through a Latin code page.
                        if (script == Script.Latin && word.AccentRun >= 2)
                            placement += AccentRunPenalty;
                        // Russian and Ukrainian never start a word with ь or ы, nor put ь, ъ or ы
                        // after a vowel; shuffled letters from the wrong Cyrillic code page do.
                        if ((traits & LetterTraits.Sign) != 0 && (word.Letters == 0 || word.PreviousVowel))
                            placement += MisplacedSignPenalty;
                        if ((traits & (LetterTraits.MedialSigma | LetterTraits.FinalSigma)) != 0)
                        {
                            // Greek writes ς at the end of a word and σ everywhere else.
                            var nextIsLetter = i + 1 < bytes.Length && info[bytes[i + 1]].Kind == CharKind.Letter;
                            var final = (traits & LetterTraits.FinalSigma) != 0;
                            if ((final && nextIsLetter) || (!final && !nextIsLetter && word.Letters > 0))
                                placement += SigmaPenalty;
                        }
                        if (word.Letters == 0)
                            word.StandaloneAllowed = (traits & LetterTraits.Standalone) != 0;
                        word.High++;
                        word.AccentRun++;
                    }
                    else
                    {
                        word.AccentRun = 0;
                    }
                    if (word.Letters == 0)
                        word.FirstUpper = letterCase == LetterCase.Upper;
                    word.Letters++;
                    if (letterCase == LetterCase.Upper)
                        word.Uppers++;
                    else if (letterCase == LetterCase.Lower)
                        word.Lowers++;
                    if ((traits & LetterTraits.Syllabic) != 0)
                        word.Syllabics++;
                    if ((traits & LetterTraits.Vowel) != 0)
                        word.Vowels++;
                    word.PreviousCase = letterCase;
                    word.PreviousScript = script;
                    word.PreviousHigh = high;
                    word.PreviousVowel = (traits & LetterTraits.Vowel) != 0;
                }
                else
                {
                    if (word.Letters > 0)
                        placement += EndOfWord(word, kind == CharKind.Apostrophe || b == '\'', ref casing);
                    word = default;
                    sentenceStart = b is (byte)'.' or (byte)'!' or (byte)'?' or (byte)'\n'
                        || (sentenceStart && (kind is CharKind.Space or CharKind.Quote or CharKind.Apostrophe or CharKind.EnDash
                            or CharKind.EmDash or CharKind.InvertedPunctuation || b is (byte)'"' or (byte)'\'' or (byte)'(' or (byte)'[' or (byte)'*' or (byte)'-'));
                    if (high)
                    {
                        var next = i + 1 < bytes.Length ? info[bytes[i + 1]].Neighbour : Neighbour.Boundary;
                        var nextByte = i + 1 < bytes.Length ? bytes[i + 1] : (byte)' ';
                        placement += PlacementScore(kind, previous, next, previousByte, nextByte);
                    }
                }
                previous = current.Neighbour;
                previousByte = b;
            }
            if (word.Letters > 0)
                placement += EndOfWord(word, beforeApostrophe: false, ref casing);
            // Text is either in ordinary case or a headline in capitals; each reading gets the
            // likelier of the two.
            placement += Math.Max(casing.Ordinary, casing.Capitals + CapitalsStylePrior);

            var best = double.NegativeInfinity;
            var bestPlausibility = 0.0;
            for (var l = 0; l < _languageCount; l++)
            {
                var letterScores = _letterScores.AsSpan(l * 128, 128);
                var letters = 0.0;
                for (var b = 0; b < 128; b++)
                    letters += highHistogram[b] * letterScores[b];
                var id = _languageIds[l];
                var words = id >= 0 ? wordScores[id] : 0.0;
                var total = letters + words + (id >= 0 ? LanguageProfile.All[id].Prior : 0.0);
                if (total > best)
                {
                    best = total;
                    bestPlausibility = letters + words;
                }
            }
            plausibility = placement + bestPlausibility;
            return placement + best;
        }

        // Judges a finished word that holds a non-ASCII letter by its shape as a whole.
        private static double EndOfWord(in WordState word, bool beforeApostrophe, ref CaseTally casing)
        {
            if (word.High == 0)
                return 0.0;
            // One-letter words are a small closed class in every language; a wrong code page makes
            // new ones out of prepositions (Italian "è" becomes Czech "č" in windows-1250). Before an
            // apostrophe the letter is an elision (Greek σ’, Ukrainian з’).
            if (word.Letters == 1)
                return word.StandaloneAllowed || beforeApostrophe ? 0.0 : StrayLetterPenalty;

            var score = 0.0;
            var capitals = word.Lowers == 0 && word.Uppers >= 2;
            // Cyrillic and Greek words have a vowel (Serbian "црква" counts its р); abbreviations
            // in capitals may not, but they are short.
            if (word.PreviousScript is Script.Cyrillic or Script.Greek && word.Letters >= 3)
            {
                if (word.Syllabics == 0 && word.Letters >= (capitals ? 5 : 3))
                    score += VowellessWordPenalty;
                // Slavic and Greek words alternate vowels and consonants; letters shuffled by the
                // wrong code page, or a consonantal script read as Cyrillic, pile up one kind.
                var share = (double)word.Vowels / word.Letters;
                score += share is >= 0.25 and <= 0.67 ? BalancedWordBonus : UnbalancedWordPenalty;
            }

            if (word.Uppers + word.Lowers >= 2)
            {
                if (word.Uppers == 0 || (word.Uppers == 1 && word.FirstUpper))
                {
                    casing.Ordinary += WellCasedWordBonus;
                    casing.Capitals += CapitalsWordPenalty;
                }
                else if (capitals)
                {
                    // Whole words in capitals are what a code page with swapped cases (KOI8 against
                    // windows-1251) or a caseless script (Hebrew through KOI8) produces.
                    casing.Ordinary += CapitalsWordPenalty;
                }
            }
            return score;
        }

        // Scores a non-letter, non-ASCII character by where it sits. "Glued" means a letter on both
        // sides: inside a word, where real text has only apostrophes and hyphenation points, and
        // where a wrong code page puts the symbols it shows for the letters it lacks.
        private static double PlacementScore(CharKind kind, Neighbour previous, Neighbour next, byte previousByte, byte nextByte)
        {
            var glued = previous == Neighbour.Letter && next == Neighbour.Letter;
            var touchesLetter = previous == Neighbour.Letter || next == Neighbour.Letter;
            var nearNumber = previous is Neighbour.Digit or Neighbour.Boundary || next is Neighbour.Digit or Neighbour.Boundary;
            return kind switch
            {
                CharKind.Control => UndefinedPenalty,
                // No-break spaces are ordinary in French and Russian typography.
                CharKind.Space => 0.25,
                CharKind.Digit => 0.0,
                CharKind.Quote => glued ? -3.0 : 1.0,
                CharKind.Apostrophe => previous == Neighbour.Letter ? 1.0 : next == Neighbour.Letter ? -0.5 : 0.0,
                CharKind.EmDash => 1.0,
                CharKind.EnDash => glued ? 0.0 : 1.0,
                CharKind.Ellipsis => glued ? -2.0 : 1.0,
                CharKind.Bullet => glued ? -3.0 : previous == Neighbour.Boundary ? 0.5 : -0.5,
                CharKind.Currency => glued ? -3.0 : nearNumber ? 1.0 : -1.0,
                CharKind.InvertedPunctuation => previous == Neighbour.Letter ? -3.0 : next == Neighbour.Letter ? 1.0 : 0.0,
                CharKind.Degree => glued ? -3.0 : previous == Neighbour.Digit ? 0.5 : -1.0,
                CharKind.Numero => glued ? -3.0 : next is Neighbour.Digit or Neighbour.Boundary ? 0.5 : -1.0,
                CharKind.SoftHyphen => glued ? 0.0 : -1.0,
                CharKind.Superscript => glued ? -3.0 : previous is Neighbour.Letter or Neighbour.Digit ? 0.0 : -1.0,
                CharKind.Fraction => touchesLetter ? -3.0 : previous == Neighbour.Digit ? 0.5 : 0.0,
                CharKind.Ordinal => glued ? -3.0 : previous == Neighbour.Digit || previousByte is (byte)'n' or (byte)'N' ? 0.0 : -1.5,
                CharKind.Micro => glued ? -3.0 : previous != Neighbour.Letter && next == Neighbour.Letter ? 0.0 : -1.0,
                // © ® ™ follow a word or stand alone; in front of a letter they are a misread capital.
                CharKind.Mark => next == Neighbour.Letter ? -2.0 : 0.0,
                CharKind.Section => touchesLetter ? -3.0 : 0.0,
                // Catalan writes l·l inside words; elsewhere a middle dot is a separator.
                CharKind.MiddleDot => (previousByte | 0x20) == 'l' && (nextByte | 0x20) == 'l' ? 0.5 : glued ? -2.0 : -0.5,
                // Some writers type an acute accent for an apostrophe.
                CharKind.Acute => glued ? -1.5 : -2.0,
                CharKind.Diacritic => glued ? -4.0 : -2.0,
                CharKind.Format => glued ? 0.0 : -1.0,
                CharKind.Unused => glued ? -4.0 : -2.5,
                _ => glued ? -4.0 : touchesLetter ? -2.0 : -1.0,
            };
        }

        private void Classify(int b, char c)
        {
            ref var info = ref _info[b];
            var kind = b < 0x80 ? ClassifyAscii(c) : ClassifyHigh(c);
            info.Kind = kind;
            info.Neighbour = kind switch
            {
                CharKind.Space or CharKind.Control => Neighbour.Boundary,
                CharKind.Letter => Neighbour.Letter,
                CharKind.Digit => Neighbour.Digit,
                CharKind.AsciiPunctuation or CharKind.Quote or CharKind.Apostrophe or CharKind.EnDash or CharKind.EmDash
                    or CharKind.Ellipsis or CharKind.InvertedPunctuation or CharKind.Bullet or CharKind.MiddleDot => Neighbour.Punctuation,
                _ => Neighbour.Symbol,
            };
            if (kind != CharKind.Letter)
                return;
            info.Script = c switch
            {
                < '\u0250' or (>= '\u1E00' and <= '\u1EFF') => Script.Latin,
                (>= '\u0370' and <= '\u03FF') or (>= '\u1F00' and <= '\u1FFF') => Script.Greek,
                >= '\u0400' and <= '\u052F' => Script.Cyrillic,
                _ => Script.Other,
            };
            info.Case = char.IsUpper(c) ? LetterCase.Upper : char.IsLower(c) ? LetterCase.Lower : LetterCase.None;
            var folded = Fold(c);
            var traits = LetterTraits.None;
            if (Vowels.Contains(folded))
                traits |= LetterTraits.Vowel | LetterTraits.Syllabic;
            if (folded == 'р')
                traits |= LetterTraits.Syllabic;
            if (folded is 'ь' or 'ъ' or 'ы')
                traits |= LetterTraits.Sign;
            if (StandaloneLetters.Contains(folded))
                traits |= LetterTraits.Standalone;
            if (c == 'σ')
                traits |= LetterTraits.MedialSigma;
            if (c == 'ς')
                traits |= LetterTraits.FinalSigma;
            info.Traits = traits;
        }

        private static CharKind ClassifyAscii(char c) => c switch
        {
            ' ' or '\t' or '\n' or '\r' or '\f' or '\v' => CharKind.Space,
            < ' ' or '\x7F' => CharKind.Control,
            (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') => CharKind.Letter,
            >= '0' and <= '9' => CharKind.Digit,
            _ => CharKind.AsciiPunctuation,
        };

        private static CharKind ClassifyHigh(char c)
        {
            switch (c)
            {
                case (>= '\u0080' and <= '\u009F') or '\uFFFD':
                    // The code-page tables map bytes they leave undefined (0x81 in windows-1252) to C1 controls.
                    return CharKind.Control;
                case '\u00AD':
                    return CharKind.SoftHyphen;
                case '“' or '”' or '„' or '‟' or '«' or '»' or '‹' or '›' or '‚' or '‘':
                    return CharKind.Quote;
                case '’':
                    return CharKind.Apostrophe;
                case '–' or '‒' or '‐' or '‑':
                    return CharKind.EnDash;
                case '—' or '―':
                    return CharKind.EmDash;
                case '…':
                    return CharKind.Ellipsis;
                case '•':
                    return CharKind.Bullet;
                case '¡' or '¿':
                    return CharKind.InvertedPunctuation;
                case '°':
                    return CharKind.Degree;
                case '№':
                    return CharKind.Numero;
                case '¹' or '²' or '³':
                    return CharKind.Superscript;
                case '¼' or '½' or '¾':
                    return CharKind.Fraction;
                case 'ª' or 'º':
                    return CharKind.Ordinal;
                case 'µ':
                    return CharKind.Micro;
                case '©' or '®' or '™':
                    return CharKind.Mark;
                case '§' or '¶':
                    return CharKind.Section;
                case '·':
                    return CharKind.MiddleDot;
                case '´':
                    return CharKind.Acute;
                case '¤':
                    // Nobody types the generic currency sign; it is what windows-1252 shows for the
                    // euro sign of ISO-8859-15 and the letter є of KOI8-U.
                    return CharKind.Unused;
                case 'ƒ':
                    // The florin sign, not a letter, in these tables.
                    return CharKind.Symbol;
            }
            if (char.IsWhiteSpace(c))
                return CharKind.Space;
            return CharUnicodeInfo.GetUnicodeCategory(c) switch
            {
                UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                    or UnicodeCategory.OtherLetter => CharKind.Letter,
                UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol or UnicodeCategory.NonSpacingMark => CharKind.Diacritic,
                UnicodeCategory.DecimalDigitNumber => CharKind.Digit,
                UnicodeCategory.CurrencySymbol => CharKind.Currency,
                UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation => CharKind.Quote,
                UnicodeCategory.Format => CharKind.Format,
                _ => CharKind.Symbol,
            };
        }

        // Turkish İ has no lowercase of its own outside Turkish casing, so it is kept as it is.
        private static char Fold(char c) => c == 'İ' ? c : char.ToLowerInvariant(c);
    }
}

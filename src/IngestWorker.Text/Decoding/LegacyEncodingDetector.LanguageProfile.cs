using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace IngestWorker.Text.Decoding;

// Letter frequencies and common words of the languages the legacy code pages serve.
public sealed partial class LegacyEncodingDetector
{
    /// <summary>
    /// How often each non-ASCII letter (lowercase) occurs in one language, in percent of all letters,
    /// rounded from published letter counts where available and estimated otherwise; only the ratios
    /// within a language matter. Plus the language's commonest short words that are plain ASCII.
    /// </summary>
    private sealed class LanguageProfile
    {
        // A code page serves a language only if it can spell (nearly) all of it: 1252 cannot write
        // Turkish ı ş ğ, so Turkish text seen through 1252 must not be judged as Turkish.
        public const double MinimumCoverage = 0.97;

        // Letters are scored as ln(p * Alphabet): zero for a letter no likelier than a uniform pick
        // from an alphabet of this size, so shuffled letters (text read with the wrong Cyrillic code
        // page) score below zero.
        private const double Alphabet = 32;

        // Probability given to a letter the language does not use (names, loanwords).
        private const double Floor = 0.002;

        // Common words settle which language a short text is in ("não" reads as Romanian "nău" in
        // windows-1250), but they say nothing about the code page itself, so their evidence is
        // capped well below what a paragraph of letters provides: an English article quoting a
        // Czech name must still be read as windows-1250.
        private const double WordWeight = 1.0;
        private const double MaxWordScore = 3.0;

        public static readonly double FloorScore = Math.Log(Floor * Alphabet);

        public static readonly LanguageProfile[] All =
        [
            new("en", "é2 è.2 ê.1 ë.1 à.2 â.1 ç.2 ï.3 î.1 ô.1 ö.2 ü.2 ñ.3 á.1 í.1 ó.1 ú.05 ø.05 å.05 æ.05",
                "the and of to is in that for with was are this be it on not by from have has an or but which can will were"),
            new("fr", "é1.5 è.27 à.49 ê.22 â.05 ç.085 î.045 ô.023 û.06 ù.058 ë.008 ï.005 ÿ.001 œ.02 æ.001",
                "le la les des du de et est une un pour dans qui que pas sur avec sont ce cette il elle nous vous ne au aux par plus ou mais tous"),
            new("de", "ä.58 ö.44 ü1 ß.31 é.01",
                "der die das und ist nicht ein eine zu den dem mit von sich auf auch es wird werden sie wir kann oder nur im zum zur bei wenn dass noch"),
            new("es", "á.5 é.43 í.73 ñ.31 ó.83 ú.17 ü.012",
                "el la los las de del que y en un una es por para con no se su al lo como pero este esta puede son o"),
            new("pt", "á.3 â.1 ã.73 à.07 ç.53 é.34 ê.25 í.2 ó.2 ô.07 õ.12 ú.12 ü.005",
                "o a os as de do da dos das que e em um uma para com no na nos por se ou pode ser mais ao como foi tem ter seu sua isso este esta deve"),
            new("it", "à.64 è.26 é.05 ì.03 í.005 ò.08 ó.005 ù.17",
                "il lo la gli le di del della che e un una per con non in da al si sono come anche questo questa essere ha nel nella"),
            new("ca", "à.5 è.4 é.4 í.2 ï.05 ò.3 ó.4 ú.1 ü.02 ç.2",
                "el la els les de del que i en un una per amb no es al com aquest aquesta dels pel", prior: -0.5),
            new("nl", "ë.1 é.1 ï.03 ö.02 ü.02 è.02 ó.01 á.01 ê.01",
                "de het een en van is dat op te voor met niet zijn er aan ook als bij wordt worden naar maar"),
            new("da-no", "æ.7 ø.9 å1.1 é.02",
                "og i at det en er til som med for af den ikke har de et av jeg var kan"),
            new("sv", "å1.34 ä1.8 ö1.31 é.02",
                "och att det som en i av med till den har inte om ett de var kan vi sig"),
            new("fi", "ä3.58 ö.44 å.003 š.003 ž.003",
                "ja on ei se oli ovat kun mutta tai joka ole kuin sen mukaan"),
            new("et", "õ.7 ä1 ö.2 ü.8 š.03 ž.01",
                "ja on ei et see ka oli kui mis aga nii ta veel tema seda kes", prior: -1.5),
            new("is", "á1.8 ð4.39 é.65 í1.57 ó.99 ú.61 ý.23 þ1.46 æ.87 ö.78",
                "og er sem til um ekki var en hann eru vera hafa", prior: -3.0),
            new("tr", "ı5.1 ş1.8 ğ1.1 ç1.2 ö.8 ü1.9 â.05 î.02 û.01 İ.6",
                "bir ve bu ile de da olarak gibi daha ne ama veya olan her kadar sonra en mi var yok ki"),
            new("cs", "á.87 é.63 í1.64 ó.024 ú.045 ů.2 ý.99 č.46 ď.02 ě1.22 ň.08 ř.38 š.69 ť.04 ž.72",
                "a v se na je to z ze pro s do o k ale jako jsou nebo by byl jeho po od ve tak jen pokud"),
            new("sk", "á1.8 ä.1 č.9 ď.2 é.6 í1.6 ĺ.03 ľ.4 ň.2 ó.2 ô.2 ŕ.01 š.8 ť.5 ú.7 ý1.3 ž.7",
                "a v sa na je to z pre s do o k ale ako alebo by bol po od vo tak len ich", prior: -0.5),
            new("pl", "ą.7 ć.41 ę1.04 ł1.9 ń.2 ó.85 ś.66 ź.06 ż.83",
                "i w z na nie do to jest o a ze jak ale po od tak lub przez dla tylko jako czy jego oraz tego tym"),
            new("hu", "á3.4 é3.3 í.6 ó1 ö1 ő.9 ú.3 ü.5 ű.1",
                "a az hogy nem is egy meg de van ez azt csak vagy mint volt kell lesz ami amely"),
            new("sl", "č1.5 š1 ž.8",
                "in je v na za se da so z ki pa ne od po tudi kot bi ali lahko bo smo", prior: -1.0),
            new("hr", "č1.1 ć.9 đ.2 š1 ž.7",
                "i je u na da se za od su s a ne iz to kao ili bi koji koja ali biti sam", prior: -0.5),
            // Legacy code pages only have the cedilla forms of ş and ţ.
            new("ro", "ă4 â.8 î1.3 ş1.4 ţ1",
                "si de la cu pe nu un o se sau din este care mai sunt pentru al ale lui fost"),
            new("lt", "ą.7 č.4 ę.2 ė1.5 į.5 š1.2 ų1.3 ū.5 ž.9",
                "ir yra kad bet su kaip tai jo ne per buvo o arba jis ji jie dar kur nuo", prior: -1.0),
            new("lv", "ā4 č.3 ē1.7 ģ.1 ī1.4 ķ.1 ļ.3 ņ.4 š1.1 ū.5 ž.3",
                "un ir ka ar no uz par bet vai to ko kas tas ta jau tad bija var lai", prior: -1.0),
            new("ru", "о10.97 е8.45 а8.01 и7.35 н6.7 т6.26 с5.47 р4.73 в4.54 л4.4 к3.49 м3.21 д2.98 п2.81 у2.62 я2.01 ы1.9 ь1.74 г1.7 з1.65 б1.59 ч1.44 й1.21 х.97 ж.94 ш.73 ю.64 ц.48 щ.36 э.32 ф.26 ъ.04 ё.1"),
            new("uk", "о9.4 а7.2 н6.5 и6.1 і5.7 т5 е4.9 в4.6 р4.7 с4.1 к3.6 л3.6 у3.3 д3.2 м3 п2.9 я2.3 з2.2 ь1.9 г1.6 б1.6 ч1.3 х1.2 й1.2 ж.9 ї.9 ц.9 ш.8 ю.8 є.8 щ.5 ф.3 ґ.05"),
            new("be", "а8.9 о6.2 н5.6 і5.5 е5 ы4.3 р4.6 с4.3 т4.1 к3.7 л3.6 в3.4 д3.3 м3.2 у3 п2.5 я2.7 з2.2 ц2 ь1.9 б1.6 г1.6 ў1.6 ч1.4 ш1 й1.1 х1 ж.8 ю.6 э.5 ф.1 ё.8", prior: -1.5),
            new("bg", "а9.5 о9 е8 и7.8 н6.4 т6 р5 с4.4 в4.2 л3.4 к3.3 д3 п2.8 м2.6 ъ2.4 з1.7 я2 г1.7 б1.4 ч1.3 у1.3 й.4 ж.7 ш.5 ц.6 х.8 щ.6 ю.2 ф.2 ь.05"),
            new("sr", "а11 и9 о9 е8 н5 р5 с5 т4.5 ј4.5 у4 в3.5 д3.5 к3.5 л3 м3 п2.8 з1.6 г1.5 б1.4 ч1.1 ћ.9 ш.9 ж.6 ц.5 х.2 њ.6 љ.5 ђ.2 џ.1 ф.2", prior: -0.5),
            new("el", "α11 ο8.5 ε7.5 ι7 τ8 ν6.5 σ4 ς2.7 η4.5 κ4 π3.8 ρ4.3 υ4 μ3.3 λ2.5 ω1.5 γ1.6 δ1.6 θ1.2 χ1 φ.7 β.6 ξ.3 ψ.1 ζ.3 ά2 έ1.8 ή1.2 ί2.2 ό2.2 ύ1 ώ.7 ϊ.1 ϋ.05 ΐ.02 ΰ.01"),
        ];

        // Which languages list each word (one bit per language, so All may hold at most 64), keyed
        // by the word's lowercase ASCII bytes packed into a ulong, so that looking a word up
        // allocates nothing. Declared after All, which it reads.
        private static readonly Dictionary<ulong, ulong> WordLanguages = BuildWordIndex();

        // Weight of one occurrence of a word listed by k languages is WordWeight / sqrt(k): "und"
        // says German, "de" says only "some Romance language or Dutch".
        private static readonly double[] WordWeightByListings = [.. Enumerable.Range(0, All.Length + 1).Select(k => k == 0 ? 0.0 : WordWeight / Math.Sqrt(k))];

        private readonly Dictionary<char, double> _probability = [];

        private LanguageProfile(string code, string letters, string words = "", double prior = 0.0)
        {
            Code = code;
            Prior = prior;
            Words = words.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var weights = new Dictionary<char, double>();
            foreach (var entry in letters.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                weights[entry[0]] = double.Parse(entry.AsSpan(1), NumberStyles.Float, CultureInfo.InvariantCulture);
            var total = weights.Values.Sum();
            foreach (var (letter, weight) in weights)
                _probability[letter] = weight / total;
        }

        public string Code { get; }

        // Common short words written in plain ASCII ("und", "que", "jest"). Cyrillic and Greek
        // languages have none, and need none: their letters tell them apart from everything else.
        public string[] Words { get; }

        public int Id => Array.IndexOf(All, this);

        // Log prior odds against the language, for languages that are rare in what we ingest
        // (Icelandic ð makes Turkish ğ-heavy sentences in windows-1254 look Icelandic in windows-1252).
        // Like common words, it steers the choice but is not evidence that the text is text.
        public double Prior { get; }

        public override string ToString() => Code;

        /// <summary>
        /// Adds, per language, the evidence of its common words found in plain-ASCII words of the
        /// text. ASCII reads the same in every candidate, so this is computed once per input.
        /// </summary>
        public static void ScoreWords(ReadOnlySpan<byte> bytes, Span<double> scores)
        {
            Span<int> listings = stackalloc int[All.Length];
            scores.Clear();
            var i = 0;
            while (i < bytes.Length)
            {
                if (!char.IsAsciiLetter((char)bytes[i]))
                {
                    i++;
                    continue;
                }
                var end = i;
                while (end < bytes.Length && char.IsAsciiLetter((char)bytes[end]))
                    end++;
                // A run of ASCII letters glued to a non-ASCII byte is only part of a word.
                var whole = (i == 0 || bytes[i - 1] < 0x80) && (end == bytes.Length || bytes[end] < 0x80);
                if (whole && end - i <= 8 && WordLanguages.TryGetValue(Pack(bytes[i..end]), out var mask))
                {
                    var weight = WordWeightByListings[ulong.PopCount(mask)];
                    for (var l = 0; l < All.Length; l++)
                    {
                        if ((mask & (1UL << l)) != 0)
                            scores[l] += weight;
                    }
                }
                i = end;
            }
            for (var l = 0; l < scores.Length; l++)
                scores[l] = Math.Min(scores[l], MaxWordScore);
        }

        private static ulong Pack(ReadOnlySpan<byte> word)
        {
            var key = 0UL;
            foreach (var b in word)
                key = (key << 8) | (byte)(b | 0x20);
            return key;
        }

        private static Dictionary<ulong, ulong> BuildWordIndex()
        {
            var index = new Dictionary<ulong, ulong>();
            for (var l = 0; l < All.Length; l++)
            {
                foreach (var word in All[l].Words)
                {
                    var key = Pack(Encoding.ASCII.GetBytes(word));
                    index[key] = index.GetValueOrDefault(key) | (1UL << l);
                }
            }
            return index;
        }

        public double Coverage(IReadOnlySet<char> letters) =>
            _probability.Where(p => letters.Contains(p.Key)).Sum(p => p.Value);

        public double Score(char folded) =>
            Math.Log(Math.Max(_probability.GetValueOrDefault(folded), Floor) * Alphabet);
    }
}

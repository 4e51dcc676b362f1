using System.Runtime.CompilerServices;
using System.Buffers;
using System.Text;

namespace IngestWorker.Text.Cleaning;

/// <summary>What an end-of-article marker line announces.</summary>
internal enum MarkerKind
{
    None,

    /// <summary>
    /// A box that may sit inside the article as well as after it (related links, trending, share
    /// bar, newsletter box): the article may resume after it.
    /// </summary>
    Soft,

    /// <summary>The comments section or its form: nothing after it is the article.</summary>
    Hard,
}

/// <summary>
/// Which phrase lists a line may match, from the words it contains: a cheap word lookup made while
/// scanning the line, so that the costlier phrase searches run only on lines that can match.
/// </summary>
[Flags]
internal enum Trigger : ushort
{
    None = 0,
    Promotion = 1 << 0,
    Legal = 1 << 1,
    Credit = 1 << 2,
    CreditLine = 1 << 3,
    Role = 1 << 4,

    /// <summary>First word only: "By", "Von", "Posted" …</summary>
    Byline = 1 << 5,

    /// <summary>First word only: "Click", "Tap", "Scroll" …</summary>
    Instruction = 1 << 6,

    /// <summary>First word only: "Subscribe", "Download", "Want" …</summary>
    CallToAction = 1 << 7,

    /// <summary>First word only: a word some whole-line phrase (marker, button, caption or teaser opener) starts with.</summary>
    PhraseStart = 1 << 8,

    /// <summary>A month name (any of our languages): the line may hold a written date.</summary>
    Month = 1 << 9,

    /// <summary>Categories matched anywhere in a line.</summary>
    Anywhere = Promotion | Legal | Credit | CreditLine | Role | Month,
    All = 0x3FF,
}

/// <summary>
/// The words and phrases of site chrome in the languages we see most: end-of-article markers,
/// interface labels, promotions, legal notices, caption credits, byline openers. Generic by
/// design: each entry is a phrase many sites use, never the wording of one site.
/// Phrases are written in <see cref="LineKey"/> form (lower case, punctuation as single spaces).
/// </summary>
internal static class BoilerplateLexicon
{
    // ---- End-of-article and inline-box markers (whole line, digits dropped) ----

    // ---- Interface labels (whole line) ----

    // ---- Phrases found anywhere in a line ----

    // ---- Word triggers ----

    /// <summary>Words (by <see cref="HashWord"/>) that can open a phrase of a list; merged into <see cref="WordTable"/>.</summary>
    public static readonly Dictionary<ulong, Trigger> TriggerWords = BuildTriggers(
        (Trigger.Promotion, "newsletter newsletters subscribe subscribed subscription subscriptions sign signup inbox click clicking tap download app follow join connect mailing membership member journalism trial premium podcast podcasts youtube notifications alerts abonnieren anmelden abonnez inscrivez suscríbete suscribete suscríbase boletín iscriviti abbonati assine inscreva receba подпишитесь подписаться рассылки рассылку рассылка berlangganan"),
        (Trigger.Legal, "copyright rights privacy terms cookie cookies reproduced republished broadcast recaptcha reserved vorbehalten réservés reservados riservati защищены dealing guidelines standards principles sell ads"),
        (Trigger.Credit, "photo photos photograph photographs image images caption credit credits getty reuters ap afp epa istock shutterstock courtesy illustration picture pictured bild foto fotó фото alamy wikimedia unsplash crédito crédit crédits press pa source stock file"),
        (Trigger.CreditLine, "contributed reporting editing writing compiled edited tip reached reporter staff freelance follow"),
        (Trigger.Role, "reporter reporters writer writers editor editors correspondent columnist contributor journalist curator author producer staff freelance contributing service press redakteur journaliste periodista giornalista jornalista корреспондент журналист"),
        (Trigger.Byline, "by von par por di door от автор text текст words written reporting posted published story interview oleh"),
        (Trigger.Instruction, "click tap scroll swipe press hover please enable use klicken cliquez haga clicca clique нажмите"),
        (Trigger.CallToAction, "subscribe sign join follow download get click like want support become listen watch try register dont do never stay receive receba baixe assine inscreva abonnez inscrivez suscríbete iscriviti abonnieren"));

    /// <summary>FNV-1a of the lower-case letters of a word, the way <see cref="BlockFeatures.Scan"/> hashes words.</summary>
    public static ulong HashWord(ReadOnlySpan<char> word)
    {
        var hash = WordHashOffset;
        foreach (var c in word)
        {
            if (char.IsLetter(c))
                hash = HashStep(hash, c);
        }
        return hash;
    }

    public const ulong WordHashOffset = 14695981039346656037UL;

    public const ulong WordHashPrime = 1099511628211UL;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong HashStep(ulong hash, char c) => (hash ^ char.ToLowerInvariant(c)) * WordHashPrime;

    private static Dictionary<ulong, Trigger> BuildTriggers(params (Trigger Trigger, string Words)[] lists)
    {
        var map = new Dictionary<ulong, Trigger>();
        foreach (var (trigger, words) in lists)
        {
            foreach (var word in words.Split(' '))
            {
                var hash = HashWord(word);
                map[hash] = map.GetValueOrDefault(hash) | trigger;
            }
        }
        return map;
    }

    /// <summary>What a key (a whole line, or its first word) is in the phrase lists.</summary>
    [Flags]
    private enum Phrase : ushort
    {
        None = 0,
        HardMarker = 1 << 0,
        SoftMarker = 1 << 1,
        Interface = 1 << 2,

        /// <summary>A word that interface rows are made of.</summary>
        InterfaceWord = 1 << 3,

        /// <summary>An interface word that says nothing alone ("the", "on", "more").</summary>
        Filler = 1 << 4,

        /// <summary>First word of a marker prefix ("related …", "more …").</summary>
        MarkerStart = 1 << 5,

        /// <summary>First word of a teaser prefix ("read more: …").</summary>
        TeaserStart = 1 << 6,

        /// <summary>First word of a caption prefix ("photo: …").</summary>
        CaptionStart = 1 << 7,
    }

    /// <summary>Every phrase and first word of the lists above, with what it is: one lookup per key.</summary>
    private static readonly SpanTable<Phrase> Phrases = BuildPhrases();

    private static SpanTable<Phrase> BuildPhrases()
    {
        var map = new Dictionary<string, Phrase>(StringComparer.Ordinal);
        void Add(IEnumerable<string> keys, Phrase phrase, bool firstWord = false)
        {
            foreach (var key in keys)
            {
                var k = firstWord ? key.Trim().Split(' ')[0] : key;
                map[k] = map.GetValueOrDefault(k) | phrase;
            }
        }
        Add(BoilerplatePhrases.HardMarkers, Phrase.HardMarker);
        Add(BoilerplatePhrases.SoftMarkers, Phrase.SoftMarker);
        Add(BoilerplatePhrases.InterfacePhrases, Phrase.Interface);
        Add(BoilerplatePhrases.InterfaceWords, Phrase.InterfaceWord);
        Add(BoilerplatePhrases.FillerWords, Phrase.Filler);
        Add(BoilerplatePhrases.SoftMarkerPrefixes, Phrase.MarkerStart, firstWord: true);
        Add(["more", "top", "latest", "recommended", "popular", "trending"], Phrase.MarkerStart);
        Add(BoilerplatePhrases.TeaserPrefixes, Phrase.TeaserStart, firstWord: true);
        Add(BoilerplatePhrases.CaptionPrefixes, Phrase.CaptionStart, firstWord: true);
        return new SpanTable<Phrase>(map);
    }

    /// <summary>
    /// The first words of every whole-line phrase, as <see cref="BlockFeatures.Scan"/> sees words (an
    /// apostrophe joins: "don t miss" starts with "dont" as well as "don").
    /// </summary>
    public static IEnumerable<string> PhraseFirstWords()
    {
        IEnumerable<string> all = [.. BoilerplatePhrases.HardMarkers, .. BoilerplatePhrases.SoftMarkers, .. BoilerplatePhrases.InterfacePhrases, .. BoilerplatePhrases.InterfaceWords, .. BoilerplatePhrases.SoftMarkerPrefixes,
            "more", "top", "latest", "recommended", "popular", "trending", .. BoilerplatePhrases.TeaserPrefixes, .. BoilerplatePhrases.CaptionPrefixes];
        foreach (var phrase in all)
        {
            var words = phrase.Trim().Split(' ');
            yield return words[0];
            if (words.Length > 1 && words[1] is "t" or "s" or "d" or "ll" or "re" or "ve" or "m")
                yield return words[0] + words[1];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Phrase PhraseOf(ReadOnlySpan<char> key) => Phrases.TryGetValue(key, out var phrase) ? phrase : Phrase.None;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Phrase StartOf(ReadOnlySpan<char> key)
    {
        var space = key.IndexOf(' ');
        return space < 0 ? PhraseOf(key) : PhraseOf(key[..space]);
    }

    /// <summary>What the phrase lists say of a short line, from its key (and the key without digits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Signal LineSignals(ReadOnlySpan<char> key, ReadOnlySpan<char> bare, ReadOnlySpan<char> text, int tokens)
    {
        var signal = Signal.None;
        if (key.Length == 0)
            return signal;
        var whole = PhraseOf(key);
        if (bare.Length > 0 && bare.Length < key.Length)
            whole |= PhraseOf(bare) & (Phrase.HardMarker | Phrase.SoftMarker | Phrase.Interface);
        var first = StartOf(key);
        if (tokens <= 7)
        {
            var marker = Marker(whole, first, bare.Length > 0 ? bare : key);
            signal |= marker == MarkerKind.Hard ? Signal.HardMarker : marker == MarkerKind.Soft ? Signal.SoftMarker : Signal.None;
        }
        if ((whole & Phrase.Interface) != 0 || (first & Phrase.InterfaceWord) != 0 && IsInterfaceRow(key))
            signal |= Signal.Interface;
        if ((first & Phrase.TeaserStart) != 0 && IsTeaserLine(key, text))
            signal |= Signal.Teaser;
        if ((first & Phrase.CaptionStart) != 0 && HasCaptionPrefix(key, text))
            signal |= Signal.Caption;
        return signal;
    }

    /// <summary>Whether a line (in <see cref="LineKey"/> form, digits dropped) announces the end of the article or an inline box.</summary>
    public static MarkerKind Marker(ReadOnlySpan<char> key) => Marker(PhraseOf(key), StartOf(key), key);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static MarkerKind Marker(Phrase whole, Phrase first, ReadOnlySpan<char> key)
    {
        if (key.Length == 0 || key.Length > 48)
            return MarkerKind.None;
        if ((whole & Phrase.HardMarker) != 0)
            return MarkerKind.Hard;
        if ((whole & Phrase.SoftMarker) != 0)
            return MarkerKind.Soft;
        // Section headings: "More from Politics", "Related Roundup: …", "Latest stories".
        if ((first & Phrase.MarkerStart) == 0 || WordCount(key) > 5)
            return MarkerKind.None;
        foreach (var prefix in BoilerplatePhrases.SoftMarkerPrefixes)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
                return MarkerKind.Soft;
        }
        if (key.StartsWith("more ", StringComparison.Ordinal) || key.StartsWith("top ", StringComparison.Ordinal)
            || key.StartsWith("latest ", StringComparison.Ordinal) || key.StartsWith("recommended ", StringComparison.Ordinal)
            || key.StartsWith("popular ", StringComparison.Ordinal) || key.StartsWith("trending ", StringComparison.Ordinal))
        {
            foreach (var suffix in BoilerplatePhrases.SoftMarkerSuffixes)
            {
                if (key.EndsWith(suffix, StringComparison.Ordinal))
                    return MarkerKind.Soft;
            }
        }
        return MarkerKind.None;
    }

    /// <summary>Whether a short line (in <see cref="LineKey"/> form) is a button, a label or a row of them.</summary>
    public static bool IsInterface(ReadOnlySpan<char> key) =>
        key.Length > 0 && ((PhraseOf(key) & Phrase.Interface) != 0 || (StartOf(key) & Phrase.InterfaceWord) != 0 && IsInterfaceRow(key));

    /// <summary>A row of interface words ("Share on Facebook Twitter Email"), with at least one real label in it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool IsInterfaceRow(ReadOnlySpan<char> key)
    {
        var words = 0;
        var strong = 0;
        foreach (var range in key.Split(' '))
        {
            var word = key[range];
            if (word.Length == 0)
                continue;
            var phrase = PhraseOf(word);
            if (++words > 10 || (phrase & Phrase.InterfaceWord) == 0)
                return false;
            if ((phrase & Phrase.Filler) == 0)
                strong++;
        }
        return strong >= 1;
    }

    public static bool HasStrongPromotion(ReadOnlySpan<char> text) => BoilerplatePhrases.StrongPromotionNeedles.In(text);

    public static bool StartsWithCallToAction(ReadOnlySpan<char> text) => StartsWithAny(text, BoilerplatePhrases.CallsToAction);

    public static bool StartsWithInterfaceVerb(ReadOnlySpan<char> text) => StartsWithAny(text, BoilerplatePhrases.InterfaceVerbs);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool StartsWithAny(ReadOnlySpan<char> text, string[] openings)
    {
        text = text.TrimStart();
        foreach (var opening in openings)
        {
            if (text.StartsWith(opening, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    public static bool HasPromotion(ReadOnlySpan<char> text) => BoilerplatePhrases.PromotionNeedles.In(text);

    public static bool HasLegal(ReadOnlySpan<char> text) => BoilerplatePhrases.LegalNeedles.In(text);

    public static bool HasCredit(ReadOnlySpan<char> text) => BoilerplatePhrases.CreditNeedles.In(text);

    public static bool HasRole(ReadOnlySpan<char> text) => BoilerplatePhrases.RoleNeedles.In(text);

    public static bool HasCreditLine(ReadOnlySpan<char> text) => BoilerplatePhrases.CreditLineNeedles.In(text);

    /// <summary>Whether a line (in <see cref="LineKey"/> form) opens like a caption: "Image caption …", "Photo: …".</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool HasCaptionPrefix(ReadOnlySpan<char> key, ReadOnlySpan<char> text)
    {
        if ((StartOf(key) & Phrase.CaptionStart) == 0)
            return false;
        foreach (var prefix in BoilerplatePhrases.CaptionPrefixes)
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal))
                continue;
            // The prefix must be followed in the original text by a separator (":", "|", "/") or be
            // a known two-word caption label: "Photo: Jane Doe", "Image caption The …".
            if (prefix.Contains(' '))
                return true;
            var at = text.IndexOfAny(':', '|', '/');
            if (at > 0 && at <= prefix.Length + 2)
                return true;
        }
        return false;
    }

    /// <summary>"READ MORE: …", "Related: …", "SEE ALSO: …": a line that points to another article.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool IsTeaserLine(ReadOnlySpan<char> key, ReadOnlySpan<char> text)
    {
        var colon = text.IndexOfAny(':', '»', '|');
        if (colon <= 0 || colon > 24 || (StartOf(key) & Phrase.TeaserStart) == 0)
            return false;
        foreach (var prefix in BoilerplatePhrases.TeaserPrefixes)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal) && (key.Length == prefix.Length || key[prefix.Length] == ' ')
                && LineKeyLength(text[..colon]) <= prefix.Length + 1)
                return true;
        }
        return false;
    }

    /// <summary>The length of "About " (in our languages) when <paramref name="text"/> opens with it, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int AuthorBoxOpener(ReadOnlySpan<char> text)
    {
        foreach (var opener in BoilerplatePhrases.AuthorBoxOpeners)
        {
            if (text.StartsWith(opener, StringComparison.Ordinal))
                return opener.Length;
        }
        return 0;
    }

    /// <summary>The length of the opener when <paramref name="text"/> opens like a byline ("By …"), else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int BylineOpener(ReadOnlySpan<char> text)
    {
        foreach (var opener in BoilerplatePhrases.BylineOpeners)
        {
            if (text.StartsWith(opener, StringComparison.OrdinalIgnoreCase))
                return opener.Length;
        }
        return 0;
    }

    private static int LineKeyLength(ReadOnlySpan<char> text)
    {
        Span<char> buffer = stackalloc char[LineKey.MaxLength];
        return LineKey.Normalize(text, buffer);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int WordCount(ReadOnlySpan<char> key)
    {
        var words = key.Length > 0 ? 1 : 0;
        foreach (var c in key)
        {
            if (c == ' ')
                words++;
        }
        return words;
    }

    /// <summary>
    /// Phrases searched for anywhere in a line, case-insensitively. ASCII phrases go through a
    /// vectorised search; the few phrases in other scripts only run on lines that have such
    /// characters (a case-insensitive search over non-ASCII phrases is several times slower).
    /// </summary>
    internal sealed class Needles
    {
        private readonly SearchValues<string> _ascii;
        private readonly SearchValues<string>? _other;

        /// <summary>The non-ASCII letters of the other phrases (both cases): a line without any of them cannot match one.</summary>
        private readonly SearchValues<char>? _otherLetters;

        public Needles(string[] phrases)
        {
            _ascii = SearchValues.Create(phrases.Where(p => Ascii.IsValid(p)).ToArray(), StringComparison.OrdinalIgnoreCase);
            var other = phrases.Where(p => !Ascii.IsValid(p)).ToArray();
            if (other.Length > 0)
            {
                _other = SearchValues.Create(other, StringComparison.OrdinalIgnoreCase);
                var letters = other.SelectMany(p => p).Where(c => c >= 128 && char.IsLetter(c))
                    .SelectMany(c => new[] { c, char.ToUpperInvariant(c), char.ToLowerInvariant(c) }).Distinct().ToArray();
                _otherLetters = SearchValues.Create(letters);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool In(ReadOnlySpan<char> text) =>
            text.ContainsAny(_ascii) || (_other is not null && text.ContainsAny(_otherLetters!) && text.ContainsAny(_other));
    }
}

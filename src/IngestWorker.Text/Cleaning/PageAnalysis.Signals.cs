using System.Runtime.CompilerServices;
using IngestWorker.Text.Extraction;

namespace IngestWorker.Text.Cleaning;

// The language sample and the per-line signals (phrase lists, dates, prices).
internal sealed partial class PageAnalysis
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void GuessLanguage()
    {
        // A few dozen words of the page's longest blocks tell its language; more only cost time.
        // Longest first: paragraphs, then shorter prose, then anything (a page of short lines).
        var sample = new List<string>(SampleWords);
        for (var pass = 0; pass < 3 && sample.Count < SampleWords; pass++)
        {
            var min = pass switch { 0 => _options.LengthHigh, 1 => _options.LengthLow, _ => 0 };
            var max = pass switch { 0 => int.MaxValue, 1 => _options.LengthHigh, _ => _options.LengthLow };
            for (var i = 0; i < _n && sample.Count < SampleWords; i++)
            {
                // Before the scan: lengths in characters (a CJK page has no stopword list anyway),
                // and sentences first: a long menu line is all names.
                var text = _text[i];
                if (text.Length >= min && text.Length < max && (pass == 2 || text[^1] is '.' or '!' or '?' or '"' or '”' or '。'))
                    AddWords(text, sample);
            }
        }
        if (sample.Count == 0)
            return;
        var language = Stopwords.Language(sample, _identifier);
        var list = Stopwords.For(language);
        if (list is null || language is null)
            return;
        var hits = 0;
        foreach (var word in sample)
        {
            if (list.Contains(word))
                hits++;
        }
        // A list that covers almost nothing is a wrong guess (Korean, Indonesian, a table of
        // names): judge such pages without stopwords rather than call all their prose "not prose".
        if (hits >= 0.12 * sample.Count)
            _language = WordTable.IndexOf(language);
    }

    private const int SampleWords = 24;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddWords(string text, List<string> sample)
    {
        Span<char> lower = stackalloc char[24];
        var i = 0;
        while (i < text.Length && sample.Count < SampleWords)
        {
            if (!char.IsLetter(text[i]))
            {
                i++;
                continue;
            }
            var start = i;
            while (i < text.Length && char.IsLetter(text[i]))
                i++;
            if (i - start <= lower.Length)
            {
                var length = LineKey.Lower(text.AsSpan(start, i - start), lower);
                sample.Add(new string(lower[..length]));
            }
        }
    }

    // ---------------------------------------------------------------- signals

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Signal Signals(int i)
    {
        var text = _text[i];
        var f = _f[i];
        var signal = Signal.None;
        if (_templateLines is not null && _templateLines.Contains(TemplateLineKey.Of(text)))
            signal |= Signal.Template;

        // Phrase lists of whole lines: only short lines can be labels, markers or buttons.
        if (text.Length <= LineKey.MaxLength && f.Tokens <= 12 && ((f.FirstWord & Trigger.PhraseStart) != 0 || f.Words == 0))
        {
            Span<char> keyBuffer = stackalloc char[LineKey.MaxLength];
            var line = LineKey.Undouble(text);
            var key = keyBuffer[..LineKey.Normalize(line, keyBuffer)];
            var bare = key;
            Span<char> bareBuffer = stackalloc char[LineKey.MaxLength];
            if (f.Digits > 0)
                bare = bareBuffer[..LineKey.Normalize(line, bareBuffer, dropDigits: true)];
            signal |= BoilerplateLexicon.LineSignals(key, bare, text, f.Tokens);
        }

        // Phrases anywhere in a line: searched only when one of the line's words can start one.
        if (text.Length <= 600)
        {
            var triggers = f.Triggers;
            if (f.Copyright || (triggers & Trigger.Legal) != 0 && BoilerplateLexicon.HasLegal(text))
            {
                if (f.Tokens <= 60)
                    signal |= Signal.Legal;
            }
            if ((triggers & Trigger.Promotion) != 0 && IsPromotion(text, f))
                signal |= Signal.Promotion;
            if ((triggers & Trigger.Credit) != 0)
            {
                var tail = text.Length <= 160 ? text.AsSpan() : text.AsSpan(text.Length - 80);
                if (BoilerplateLexicon.HasCredit(tail) && !(f.Weight >= _options.LengthHigh && f.Sentences >= 2 && text.Length > 160 && !EndsWithCredit(text)))
                    signal |= Signal.Caption;
            }
            if ((triggers & (Trigger.CreditLine | Trigger.Role)) != 0 && f.Tokens <= 60 && BoilerplateLexicon.HasCreditLine(text))
                signal |= Signal.Credit;
            // "— Jane Doe (@jane) November 18, 2019" signs an embedded post: part of the quote.
            var embedSignature = text.Contains("(@", StringComparison.Ordinal);
            if (!embedSignature && f.Digits > 0 && f.DateLike && text.Length <= 160 && DateText.Find(text) is { } date
                && date.OtherWords <= 4 + ((f.FirstWord & Trigger.Byline) != 0 || text.Contains(" by ", StringComparison.OrdinalIgnoreCase) ? 4 : 0))
                signal |= Signal.Date;
            else if (!embedSignature && f.Digits > 0 && f.Tokens <= 10 && DateText.IsRelative(text))
                signal |= Signal.Date;
            if ((f.FirstWord & Trigger.Byline) != 0 && !embedSignature && IsByline(text, f))
                signal |= Signal.Byline;
        }
        if (f.Tokens is >= 1 and <= 15 && !f.Terminal && f.Weight < 2 * _options.LengthHigh && !f.Truncated && StartsUpperOrDigit(text))
            signal |= Signal.HeadingLike;
        if (f.Tokens is >= 3 and <= 5 && IsAuthorBoxHeading(text))
            signal |= Signal.SoftMarker;
        // "Image copyright Getty Images" is a photo credit, not a legal notice.
        if ((signal & (Signal.Caption | Signal.Legal)) == (Signal.Caption | Signal.Legal) && !f.Copyright)
            signal &= ~Signal.Legal;
        return signal;
    }

    /// <summary>"About Jane Doe", "Über Moritz Bachmann": the heading of an author box (not "About us", not "About Acme").</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool IsAuthorBoxHeading(string text)
    {
        var opener = BoilerplateLexicon.AuthorBoxOpener(text);
        if (opener == 0)
            return false;
        var names = 0;
        foreach (var range in text.AsSpan(opener).Split(' '))
        {
            var word = text.AsSpan(opener)[range];
            if (word.Length == 0)
                continue;
            if (!char.IsUpper(word[0]) || word.Length < 2 || !char.IsLower(word[^1]))
                return false;
            names++;
        }
        return names is >= 2 and <= 4;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool EndsWithCredit(string text)
    {
        var close = text.LastIndexOf('(');
        return close >= 0 && text.Length - close < 60 && BoilerplateLexicon.HasCredit(text.AsSpan(close));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool StartsUpperOrDigit(string text)
    {
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
                return char.IsUpper(c) || char.IsDigit(c) || !BlockFeatures.IsCased(c);
        }
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool IsPromotion(string text, in BlockFeatures f)
    {
        if (f.Tokens > 45 || !BoilerplateLexicon.HasPromotion(text))
            return false;
        // "Sign up for a Hulu account for $11.99 a month": an offer with a price is the content
        // of a deals or shopping article; only the site's own plugs ("our newsletter") go.
        if (HasPrice(text))
            return f.Tokens <= 24 && BoilerplateLexicon.HasStrongPromotion(text) && !BoilerplateLexicon.StartsWithCallToAction(text);
        // Short lines with a promotion phrase are labels and calls to action; so are lines that
        // open with one ("Subscribe to …"). Longer ones only with an unmistakable phrase ("sign
        // up for", "newsletter") and still short: a paragraph that merely ends with "follow us"
        // or mentions a subscription is reporting, not an ad.
        return f.Tokens <= 16 || (f.FirstWord & Trigger.CallToAction) != 0 && BoilerplateLexicon.StartsWithCallToAction(text)
               || f.Tokens <= 24 && BoilerplateLexicon.HasStrongPromotion(text);
    }

    /// <summary>A currency sign next to a figure: "$4.99", "€ 20", "20 €", "£1,500".</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool HasPrice(string text)
    {
        for (var i = text.IndexOfAny(CurrencySigns); i >= 0; i = text.IndexOfAny(CurrencySigns, i + 1))
        {
            if ((i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])) || (i + 2 < text.Length && text[i + 1] == ' ' && char.IsAsciiDigit(text[i + 2]))
                || (i > 0 && char.IsAsciiDigit(text[i - 1])) || (i > 1 && text[i - 1] == ' ' && char.IsAsciiDigit(text[i - 2])))
                return true;
        }
        return false;
    }

    private static readonly char[] CurrencySigns = ['$', '€', '£', '¥', '₹', '₩', '₽'];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool IsByline(string text, in BlockFeatures f)
    {
        var opener = BoilerplateLexicon.BylineOpener(text);
        if (opener == 0 || f.Tokens > 16 || f.Tokens < 2)
            return false;
        // "By Jane Doe", "by JANE DOE and JOHN ROE": a name follows, not a sentence.
        var rest = text.AsSpan(opener).TrimStart();
        if (rest.Length == 0 || !(char.IsUpper(rest[0]) || !BlockFeatures.IsCased(rest[0]) || rest[0] == '@'))
            return false;
        return !(f.Terminal && f.Sentences >= 1 && f.Tokens > 10);
    }
}

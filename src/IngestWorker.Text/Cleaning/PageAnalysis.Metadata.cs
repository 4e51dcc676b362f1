using System.Runtime.CompilerServices;
using IngestWorker.Text.Extraction;

namespace IngestWorker.Text.Cleaning;

// Metadata read from the lines (byline, date, site).
internal sealed partial class PageAnalysis
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FindMetadata(int bodyStart, int bodyEnd)
    {
        var meta = _page.Metadata;
        var from = _title >= 0 ? _title + 1 : Math.Max(0, bodyStart - 6);
        var to = Math.Min(_n - 1, Math.Max(bodyStart + 2, from + 8));
        if (meta.Published is null)
        {
            _published = FindDate(from, to, requireKeyword: false);
            if (_published is null && bodyEnd + 1 < _n)
                _published = FindDate(bodyEnd + 1, Math.Min(_n - 1, bodyEnd + 8), requireKeyword: true);
        }
        if (meta.Author is null)
        {
            for (var i = from; i <= to && _author is null; i++)
            {
                if ((_signal[i] & Signal.Byline) != 0 || (_signal[i] & Signal.Date) != 0 && _text[i].Contains(" by ", StringComparison.OrdinalIgnoreCase))
                    _author = BylineName(_text[i]);
            }
        }
        if (meta.Site is null)
            _site = FindSite();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string? FindDate(int from, int to, bool requireKeyword)
    {
        string? first = null;
        for (var i = from; i <= to; i++)
        {
            if ((_signal[i] & Signal.Date) == 0 || DateText.Find(_text[i]) is not { } date)
                continue;
            var published = _text[i].Contains("publi", StringComparison.OrdinalIgnoreCase) || _text[i].Contains("posted", StringComparison.OrdinalIgnoreCase);
            if (published)
                return date.Iso;
            if (!requireKeyword && first is null && !_text[i].Contains("updated", StringComparison.OrdinalIgnoreCase))
                first = date.Iso;
        }
        if (first is null && !requireKeyword)
        {
            for (var i = from; i <= to; i++)
            {
                if ((_signal[i] & Signal.Date) != 0 && DateText.Find(_text[i]) is { } date)
                    return date.Iso;
            }
        }
        return first;
    }

    /// <summary>The name in a byline: "By Jane Doe, Staff Writer" → "Jane Doe"; "… 7:45 am PST by Joe Roe" → "Joe Roe".</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static string? BylineName(string line)
    {
        var text = line.AsSpan().Trim();
        var opener = BoilerplateLexicon.BylineOpener(text);
        if (opener == 0)
        {
            var at = text.LastIndexOf(" by ", StringComparison.OrdinalIgnoreCase);
            if (at < 0)
                return null;
            text = text[(at + 4)..];
        }
        else
        {
            text = text[opener..];
        }
        // The name runs to the first separator or lower-case word that is not a joiner.
        var end = 0;
        var i = 0;
        var words = 0;
        while (i < text.Length)
        {
            while (i < text.Length && text[i] == ' ')
                i++;
            var start = i;
            while (i < text.Length && text[i] != ' ' && text[i] is not (',' or '|' or '•' or '·' or '/' or '(' or ';'))
                i++;
            var word = text[start..i];
            if (word.Length == 0)
                break;
            // "By Jane Doe On 11/13/19", "by Admin Published …": a date or a verb ends the name.
            if (word.Equals("on", StringComparison.OrdinalIgnoreCase) || word.Equals("at", StringComparison.OrdinalIgnoreCase)
                || word.Equals("published", StringComparison.OrdinalIgnoreCase) || word.Equals("updated", StringComparison.OrdinalIgnoreCase)
                || word.Equals("posted", StringComparison.OrdinalIgnoreCase) || word.Equals("for", StringComparison.OrdinalIgnoreCase)
                || word.Equals("in", StringComparison.OrdinalIgnoreCase) || word.Equals("am", StringComparison.OrdinalIgnoreCase))
                break;
            var joiner = word is "and" or "und" or "et" or "y" or "e" or "&" or "de" or "van" or "von" or "der" or "da" or "di" or "del" or "la" or "le" or "bin";
            if (!joiner && !(char.IsUpper(word[0]) || word[0] == '@' || !BlockFeatures.IsCased(word[0])))
                break;
            if (!joiner && DateText.Find(word) is not null)
                break;
            if (!joiner && word.Length > 1 && char.IsDigit(word[0]))
                break;
            if (!joiner)
            {
                end = i;
                words++;
            }
            if (i < text.Length && text[i] is '|' or '•' or '·' or '/' or '(' or ';')
                break;
            if (i < text.Length && text[i] == ',')
            {
                // "By A, B and C": a list of names goes on; "By A, Staff Writer" stops at the role.
                var rest = text[(i + 1)..].TrimStart();
                if (BoilerplateLexicon.HasRole(rest[..Math.Min(rest.Length, 30)]) || words >= 3 && !rest.Contains(" and ", StringComparison.Ordinal))
                    break;
                i++;
            }
            if (words >= 12)
                break;
        }
        if (end == 0 || words == 0)
            return null;
        var name = text[..end].Trim().TrimEnd(',').ToString();
        // "Sean Martin Sean Martin": a name printed twice.
        return LineKey.Undouble(name).Trim().ToString();
    }

    /// <summary>The site's name: the page-title suffix ("Headline - The Site"), or a short name line above the headline.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string? FindSite()
    {
        if (_title < 0)
            return null;
        var title = LineKey.Undouble(_text[_title]);
        for (var i = 0; i < _title; i++)
        {
            var line = _text[i].AsSpan();
            var at = line.IndexOf(title, StringComparison.Ordinal);
            if (at < 0 || line.Length == title.Length)
                continue;
            var after = line[(at + title.Length)..].TrimStart();
            if (after.Length > 1 && after[0] is '|' or '-' or '–' or '—' or ':')
            {
                // "Headline | Site | Section | …": the site is the first segment after the headline.
                var site = after[1..].Trim();
                foreach (var separator in (ReadOnlySpan<string>)[" | ", " - ", " – ", " — "])
                {
                    var next = site.IndexOf(separator, StringComparison.Ordinal);
                    if (next > 0)
                        site = site[..next].Trim();
                }
                if (site.Length is > 1 and <= 60)
                    return site.ToString();
            }
        }
        // The nearest short name line above the headline: "The News", not a section label in capitals.
        for (var i = _title - 1; i >= Math.Max(0, _title - 4); i--)
        {
            var f = _f[i];
            var s = _signal[i];
            if ((s & (Signal.Date | Signal.Interface | Signal.Promotion | Signal.Legal | Signal.SoftMarker | Signal.HardMarker | Signal.Byline)) != 0)
                continue;
            if (f.Words is < 1 or > 5 || f.Weight > 40 || f.Terminal || f.EndsWithColon || f.Digits > 0)
                continue;
            if (f.Words == 1 && f.UpperLetters == f.Letters)
                continue;
            if (f.CapitalWords < f.Words - 1 || f.Separators > 0)
                continue;
            return _text[i].Trim();
        }
        return null;
    }
}

using System.Runtime.CompilerServices;
using System.Globalization;

namespace IngestWorker.Text.Cleaning;

/// <summary>
/// Finds a calendar date (and a time of day, when one sits next to it) in a short line, in the
/// common written forms of our languages: "Nov 18, 2019 at 9:24 pm ET", "Sun Jan 8, 2017 2:28PM",
/// "22 de outubro de 2010 às 20:13", "18.11.2019", "2018-08-25 15:24", "2013年04月09日".
/// A scanner over tokens, not a regular expression: it runs on every short line of every page.
/// </summary>
internal static class DateText
{
    /// <summary>What a line holds of a date.</summary>
    public readonly record struct Found(int Year, int Month, int Day, int Hour, int Minute, bool HasTime, int DateTokens, int OtherWords)
    {
        /// <summary>ISO 8601: <c>yyyy-MM-dd</c>, or <c>yyyy-MM-ddTHH:mm:00</c> with a time.</summary>
        public string Iso => HasTime
            ? string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}-{Day:D2}T{Hour:D2}:{Minute:D2}:00")
            : string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}-{Day:D2}");
    }

    private static readonly Dictionary<string, int> Months = BuildMonths();

    /// <summary>Every month name and abbreviation we read (for <see cref="WordTable"/>'s date trigger).</summary>
    public static IEnumerable<string> MonthNames => Months.Keys;

    private static readonly SpanTable<int> MonthLookup = new(Months);

    /// <summary>Words that go with a date in a dateline and say nothing else: weekdays, "updated", "am", time zones.</summary>
    private static readonly SpanTable<bool> DateWords = Set(new[]
    {
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "tues", "wed",
        "thu", "thur", "thurs", "fri", "sat", "sun", "am", "pm", "a", "p", "m", "at", "on", "of", "de", "del", "le", "der", "den",
        "am", "um", "à", "às", "alle", "ore", "le", "updated", "update", "published", "posted", "created", "modified",
        "last", "first", "date", "time", "edited", "st", "nd", "rd", "th", "er", "e", "h", "et", "est", "edt", "pt", "pst",
        "pdt", "ct", "cst", "cdt", "mt", "mst", "mdt", "gmt", "utc", "bst", "cet", "cest", "ist", "jst", "kst", "aest",
        "uk", "hrs", "hours", "ago", "min", "mins", "minutes", "read", "aktualisiert", "veröffentlicht", "publié",
        "mis", "jour", "publicado", "actualizado", "atualizado", "pubblicato", "aggiornato", "gepubliceerd",
        "bijgewerkt", "опубликовано", "обновлено", "г", "года", "год", "в", "diperbarui", "diterbitkan",
        "segunda", "terça", "quarta", "quinta", "sexta", "sábado", "domingo", "feira", "lunes", "martes",
        "miércoles", "jueves", "viernes", "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag",
        "sonntag", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "lunedì", "martedì",
        "mercoledì", "giovedì", "venerdì", "sabato", "понедельник", "вторник", "среда", "четверг", "пятница",
        "суббота", "воскресенье", "today", "yesterday", "年", "月", "日", "updated on", "and", "y", "und", "et",
    });

    private enum TokenKind : byte { Word, Number }

    private readonly record struct Token(TokenKind Kind, int Start, int Length, int Value, char After);

    private static readonly SpanTable<bool> RelativeUnits = Set(new[]
    {
        "sec", "secs", "second", "seconds", "min", "mins", "minute", "minutes", "hr", "hrs", "hour", "hours", "day",
        "days", "week", "weeks", "month", "months", "year", "years", "h", "m", "d",
    });

    private static SpanTable<bool> Set(string[] words) => new(words.Distinct(StringComparer.Ordinal).Select(w => KeyValuePair.Create(w, true)));

    /// <summary>"Published 1 day ago", "~6 hours ago", "2 days ago at 07:52 am": a relative dateline (no calendar date to keep).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool IsRelative(ReadOnlySpan<char> text)
    {
        if (text.Length > 60)
            return false;
        var at = text.IndexOf("ago", StringComparison.OrdinalIgnoreCase);
        if (at < 3)
            return false;
        var before = text[..at].TrimEnd();
        var space = before.LastIndexOf(' ');
        var unit = before[(space + 1)..];
        var number = space > 0 ? before[..space].TrimEnd() : default;
        Span<char> lower = stackalloc char[8];
        if (unit.Length > lower.Length || number.Length == 0 || !char.IsDigit(number[^1]))
            return false;
        var length = LineKey.Lower(unit, lower);
        return RelativeUnits.Contains(lower[..length]);
    }

    /// <summary>The first date in <paramref name="text"/>, or null. Only lines up to 160 characters are read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Found? Find(ReadOnlySpan<char> text)
    {
        if (text.Length > 160 || text.Length < 4)
            return null;
        Span<Token> tokens = stackalloc Token[32];
        var count = Tokenize(text, tokens);
        if (count == 0)
            return null;
        tokens = tokens[..count];
        Span<char> lower = stackalloc char[24];

        for (var i = 0; i < tokens.Length; i++)
        {
            int year = 0, month = 0, day = 0, used = 0;
            var t = tokens[i];
            if (t.Kind == TokenKind.Word)
            {
                if (!TryMonth(text, t, lower, out month))
                    continue;
                // Month D, YYYY | Month D YYYY | Month YYYY-less is not a date for us.
                if (i + 2 < tokens.Length && IsDay(tokens[i + 1]) && IsYear(tokens[i + 2]))
                {
                    day = tokens[i + 1].Value;
                    year = Year(tokens[i + 2]);
                    used = 3;
                }
                else
                {
                    continue;
                }
            }
            else if (IsDay(t) && t.After is ' ' or '.' or '\0' or 'º')
            {
                // D Month YYYY | D. Month YYYY | D de Month de YYYY | D of Month YYYY
                var j = i + 1;
                if (j < tokens.Length && tokens[j].Kind == TokenKind.Word && IsJoiner(text, tokens[j], lower))
                    j++;
                if (j < tokens.Length && tokens[j].Kind == TokenKind.Word && TryMonth(text, tokens[j], lower, out month))
                {
                    var k = j + 1;
                    if (k < tokens.Length && tokens[k].Kind == TokenKind.Word && IsJoiner(text, tokens[k], lower))
                        k++;
                    if (k < tokens.Length && IsYear(tokens[k]))
                    {
                        day = t.Value;
                        year = Year(tokens[k]);
                        used = k - i + 1;
                    }
                }
                if (used == 0 && !TryNumeric(text, tokens, i, out year, out month, out day, out used))
                    continue;
            }
            else if (t.Kind == TokenKind.Number)
            {
                if (!TryNumeric(text, tokens, i, out year, out month, out day, out used))
                    continue;
            }
            // "31 de fevereiro" is no date: the day must exist in its month (and year, for 29 February).
            if (used == 0 || month is < 1 or > 12 || year is < 1990 or > 2100 || day < 1 || day > DateTime.DaysInMonth(year, month))
                continue;

            // A time of day anywhere on the line: H:MM, with am/pm after it.
            var (hasTime, hour, minute) = FindTime(text, tokens, lower);
            var dateTokens = used + (hasTime ? 2 : 0);
            var otherWords = 0;
            foreach (var token in tokens)
            {
                if (token.Kind == TokenKind.Word && !TryMonth(text, token, lower, out _) && !IsDateWord(text, token, lower))
                    otherWords++;
            }
            return new Found(year, month, day, hour, minute, hasTime, dateTokens, otherWords);
        }
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryNumeric(ReadOnlySpan<char> text, ReadOnlySpan<Token> tokens, int i, out int year, out int month, out int day, out int used)
    {
        year = month = day = used = 0;
        if (i + 2 >= tokens.Length)
            return false;
        var a = tokens[i];
        var b = tokens[i + 1];
        var c = tokens[i + 2];
        if (b.Kind != TokenKind.Number || c.Kind != TokenKind.Number)
            return false;
        var sep = a.After;
        if (sep is not ('-' or '.' or '/' or '年') || (b.After != sep && !(sep == '年' && b.After == '月')))
            return false;
        if (a.Length == 4)
        {
            // YYYY-MM-DD, YYYY.MM.DD, YYYY/MM/DD, YYYY年MM月DD日
            year = a.Value;
            month = b.Value;
            day = c.Value;
        }
        else if (c.Length is 4 or 2 && a.Length <= 2 && b.Length <= 2)
        {
            year = c.Length == 4 ? c.Value : 2000 + c.Value;
            if (sep == '/' && a.Value <= 12 && b.Value > 12)
            {
                month = a.Value; // US: MM/DD/YYYY
                day = b.Value;
            }
            else if (sep == '/' && a.Value <= 12 && b.Value <= 12)
            {
                month = a.Value; // ambiguous: the US order, which most English sites use
                day = b.Value;
            }
            else
            {
                day = a.Value; // DD.MM.YYYY, DD/MM/YYYY, DD-MM-YYYY
                month = b.Value;
            }
            if (c.Length == 2 && sep == '.' && text.Length > 0)
            {
                // "18.11.19" is a date; "1.2.3" a version: demand two-digit parts.
                if (a.Length != 2 || b.Length != 2)
                    return false;
            }
        }
        else
        {
            return false;
        }
        used = 3;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (bool, int, int) FindTime(ReadOnlySpan<char> text, ReadOnlySpan<Token> tokens, Span<char> lower)
    {
        for (var i = 0; i + 1 < tokens.Length; i++)
        {
            var h = tokens[i];
            var m = tokens[i + 1];
            if (h.Kind != TokenKind.Number || m.Kind != TokenKind.Number || h.After != ':' || m.Length != 2 || h.Length > 2)
                continue;
            var hour = h.Value;
            var minute = m.Value;
            if (hour > 23 || minute > 59)
                continue;
            // am/pm right after: "2:28PM", "7:45 am", "9:24 pm", "p.m."
            if (i + 2 < tokens.Length && tokens[i + 2].Kind == TokenKind.Word)
            {
                var word = Lower(text, tokens[i + 2], lower);
                var pm = word is "pm" or "p";
                var am = word is "am" or "a";
                if (pm && hour < 12)
                    hour += 12;
                else if (am && hour == 12)
                    hour = 0;
            }
            return (true, hour, minute);
        }
        return (false, 0, 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Tokenize(ReadOnlySpan<char> text, Span<Token> tokens)
    {
        var count = 0;
        var i = 0;
        while (i < text.Length && count < tokens.Length)
        {
            var c = text[i];
            // ASCII digits only: the value is computed as c - '0', which is garbage for other scripts'
            // digits ("006߀", with an N'Ko zero, read as 1996).
            if (char.IsAsciiDigit(c))
            {
                var start = i;
                var value = 0;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    if (i - start < 6)
                        value = (value * 10) + (text[i] - '0');
                    i++;
                }
                var length = i - start;
                // Ordinals: 20th, 1st, 22nd — the suffix is skipped.
                if (i + 1 < text.Length && char.IsLetter(text[i]) && char.IsLetter(text[i + 1])
                    && (text.Slice(i, 2).Equals("st", StringComparison.OrdinalIgnoreCase) || text.Slice(i, 2).Equals("nd", StringComparison.OrdinalIgnoreCase)
                        || text.Slice(i, 2).Equals("rd", StringComparison.OrdinalIgnoreCase) || text.Slice(i, 2).Equals("th", StringComparison.OrdinalIgnoreCase))
                    && (i + 2 >= text.Length || !char.IsLetter(text[i + 2])))
                    i += 2;
                var after = i < text.Length ? text[i] : '\0';
                tokens[count++] = new Token(TokenKind.Number, start, length, value, after);
            }
            else if (char.IsLetter(c))
            {
                var start = i;
                // Han date suffixes stand alone so "2013年04月09日" reads as numbers with separators.
                if (c is '年' or '月' or '日')
                {
                    i++;
                    continue;
                }
                while (i < text.Length && char.IsLetter(text[i]) && text[i] is not ('年' or '月' or '日'))
                    i++;
                var after = i < text.Length ? text[i] : '\0';
                tokens[count++] = new Token(TokenKind.Word, start, i - start, 0, after);
            }
            else
            {
                i++;
            }
        }
        return count;
    }

    private static bool IsDay(Token t) => t.Kind == TokenKind.Number && t.Length <= 2 && t.Value is >= 1 and <= 31;

    private static bool IsYear(Token t) => t.Kind == TokenKind.Number && t.Length == 4 && t.Value is >= 1990 and <= 2100;

    private static int Year(Token t) => t.Value;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryMonth(ReadOnlySpan<char> text, Token t, Span<char> lower, out int month)
    {
        month = 0;
        if (t.Kind != TokenKind.Word || t.Length < 3 || t.Length > 10)
            return false;
        return MonthLookup.TryGetValue(Lower(text, t, lower), out month);
    }

    private static bool IsJoiner(ReadOnlySpan<char> text, Token t, Span<char> lower) =>
        t.Length <= 3 && Lower(text, t, lower) is "de" or "of" or "del" or "di" or "г";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool IsDateWord(ReadOnlySpan<char> text, Token t, Span<char> lower) =>
        t.Length <= lower.Length && DateWords.Contains(Lower(text, t, lower));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ReadOnlySpan<char> Lower(ReadOnlySpan<char> text, Token t, Span<char> lower)
    {
        var length = Math.Min(t.Length, lower.Length);
        LineKey.Lower(text.Slice(t.Start, length), lower);
        return lower[..length];
    }

    private static Dictionary<string, int> BuildMonths()
    {
        var names = new[]
        {
            // en, de, fr, es, it, pt, nl, id: full names and common abbreviations
            "january jan januar janv janvier enero ene gennaio gen janeiro januari januar jänner",
            "february feb febr februar fév févr février febrero febbraio fevereiro fev februari",
            "march mar mär märz mars marzo março maart maret",
            "april apr avr avril abril aprile abr",
            "may mai maj mayo maggio maio mei mag",
            "june jun juni juin junio giugno junho giu",
            "july jul juli juil juillet julio luglio julho lug",
            "august aug ago agosto août aout augustus agustus",
            "september sep sept septembre septiembre settembre setembro set",
            "october oct okt oktober octobre octubre ottobre outubro out ott",
            "november nov novembre noviembre novembro",
            "december dec dez dezember déc décembre diciembre dic dicembre dezembro desember des",
        };
        var russian = new[]
        {
            "январь января янв", "февраль февраля фев", "март марта мар", "апрель апреля апр", "май мая",
            "июнь июня июн", "июль июля июл", "август августа авг", "сентябрь сентября сен", "октябрь октября окт",
            "ноябрь ноября ноя", "декабрь декабря дек",
        };
        var months = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var m = 0; m < 12; m++)
        {
            foreach (var name in names[m].Split(' '))
                months.TryAdd(name, m + 1);
            foreach (var name in russian[m].Split(' '))
                months.TryAdd(name, m + 1);
        }
        return months;
    }
}

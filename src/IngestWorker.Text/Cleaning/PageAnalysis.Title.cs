using System.Runtime.CompilerServices;
using IngestWorker.Text.Extraction;

namespace IngestWorker.Text.Cleaning;

// The headline, moved to the title.
internal sealed partial class PageAnalysis
{
    /// <summary>
    /// Finds the headline among the lines above the body: a short line, no sentence, whose words
    /// the body uses, close above it, often repeated (the page title and the on-page headline).
    /// The given title, when the page has one, decides instead.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FindTitle(int from, int body)
    {
        if (_page.Metadata.Title is { Length: > 0 } given)
        {
            FindGivenTitle(given, Math.Max(0, body));
            return;
        }
        if (from < 0 || _n == 0)
            return;
        using var bodyWords = BodyWords(body);
        var bestScore = 0.0;
        var best = -1;
        var limit = Math.Min(_n - 1, body);
        for (var i = Math.Max(0, from); i <= limit; i++)
        {
            var score = TitleScore(i, body, bodyWords);
            if (score > bestScore || (score == bestScore && score > 0 && i > best))
            {
                bestScore = score;
                best = i;
            }
        }
        if (best < 0 || bestScore < 2.0)
            return;
        _title = best;
        _detectedTitle = LineKey.Undouble(_text[best]).ToString();
        CollectTitleCopies(_detectedTitle, Math.Max(body, best + 1));
    }

    /// <summary>Takes block <paramref name="i"/> as the headline (found by structure, not by score).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SetTitle(int i, int body)
    {
        _title = i;
        _detectedTitle = LineKey.Undouble(_text[i]).ToString();
        CollectTitleCopies(_detectedTitle, Math.Max(body, i + 1));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double TitleScore(int i, int body, in HashIndex bodyWords)
    {
        if (_reason[i] is not null || (_signal[i] & (Signal.Chrome & ~Signal.Template)) != 0)
            return 0;
        var f = _f[i];
        if (f.Tokens < 2 && f.Cjk < 4)
            return 0;
        if (f.Weight > 320 || f.Separators > 2 || f.HasUrl)
            return 0;
        if (i >= body && _cf[i] == BlockClass.Good)
            return 0;
        var text = _text[i];
        // Headlines open with a capital (or a digit, a quote, a caseless script) and are words,
        // not a row of figures or code.
        if (!StartsUpperOrDigit(text) || f.Digits * 2 > f.Letters)
            return 0;
        // A sentence is not a headline: headlines end without a full stop (a ? or ! is fine).
        var last = LastLetterOrPunct(text);
        if (last == '.' && f.Sentences >= 1 && f.Tokens > 6)
            return 0;

        Span<ulong> words = stackalloc ulong[64];
        if (f.Tokens >= 10)
        {
            // A long line whose word sequence recurs in the body is a summary or a caption
            // repeating the text, not the headline.
            var all = WordHashes.Of(text, words);
            var shared = 0;
            for (var k = 0; k + 2 < all; k++)
            {
                if (bodyWords.Contains(WordHashes.Trigram(words[k], words[k + 1], words[k + 2])))
                    shared++;
            }
            if (all > 2 && shared >= 0.7 * (all - 2))
                return 0;
        }
        var count = WordHashes.Of(text, words, minLength: 4);
        var hits = 0;
        for (var k = 0; k < count; k++)
        {
            if (bodyWords.Contains(words[k]))
                hits++;
        }
        // Shared words count in proportion, but a two-word line matching proves less than an
        // eight-word one.
        var score = count == 0 ? 0 : 3.0 * hits / Math.Max(count, 4);
        if (f.Tokens > 14)
            score -= 0.1 * (f.Tokens - 14);
        if (count > 0 && hits == 0)
            score -= 1;
        // The headline is usually printed twice (page title and heading); a short label that
        // repeats (a section, a source credit) proves less.
        if (HasCopy(i))
            score += f.Tokens >= 4 || f.Cjk >= 6 ? 2.0 : 0.5;
        // Right under "See also" or "Related" is a teaser's headline.
        for (var j = Math.Max(0, i - 2); j < i; j++)
        {
            if ((_signal[j] & Signal.SoftMarker) != 0)
                score -= 2;
        }
        // A line with prose right above and right below is inside the text (a subheading, a
        // line of dialogue), not the headline, which sits under chrome.
        if (i > 0 && i + 1 < _n && IsSolid(i + 1) && (IsSolid(i - 1) || _good[i - 1] && (_signal[i - 1] & Signal.Chrome) == 0 && _f[i - 1].Terminal))
            score -= 1.5;
        var distance = body - i;
        score += distance switch
        {
            <= 0 => 0.5,
            <= 3 => 1.5,
            <= 6 => 1.0,
            <= 12 => 0.5,
            _ => 0,
        };
        if (f.Tokens < 3 && f.Cjk < 6)
            score -= 1.5;
        if (f.Words >= 3 && f.CapitalWords >= 0.6 * f.Words)
            score += 0.3;
        if (f.UpperLetters == f.Letters && f.Words <= 2)
            score -= 1;
        if (_prejudged && Block(i).Kind == BlockKind.Heading)
            score += Block(i).HeadingLevel == 1 ? 2 : 0.5;
        if (_prejudged && Block(i).LinkDensity > 0.5)
            score -= 2;
        return score;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static char LastLetterOrPunct(string text)
    {
        for (var i = text.Length - 1; i >= 0; i--)
        {
            var c = text[i];
            if (c is '"' or '”' or '’' or '\'' or ')' or ' ')
                continue;
            return c;
        }
        return '\0';
    }

    /// <summary>Whether another line repeats this one, alone or as the page title ("Headline - Site", "Headline | Site").</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool HasCopy(int i)
    {
        var text = LineKey.Undouble(_text[i]);
        if (text.Length < 8)
            return false;
        // The page title is among the first lines of a dump; other copies sit near the headline.
        for (var j = 0; j < _n; j++)
        {
            if (j == i || (j >= 3 && Math.Abs(j - i) > 40))
                continue;
            var other = _text[j].AsSpan();
            if (other.Length < text.Length || other.Length > text.Length + 80)
                continue;
            if (other.Length == text.Length ? other.SequenceEqual(text) : ContainsAsTitle(other, text))
                return true;
        }
        return false;
    }

    /// <summary>"Opinion | Headline - The Site" contains "Headline" between separators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ContainsAsTitle(ReadOnlySpan<char> line, ReadOnlySpan<char> title)
    {
        var at = line.IndexOf(title, StringComparison.Ordinal);
        if (at < 0)
            return false;
        var before = line[..at].TrimEnd();
        var after = line[(at + title.Length)..].TrimStart();
        return (before.Length == 0 || before[^1] is '|' or '-' or '–' or '—' or ':' or '»')
               && (after.Length == 0 || after[0] is '|' or '-' or '–' or '—' or ':' or '«');
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private HashIndex BodyWords(int body)
    {
        // The words and word trigrams of the first few paragraphs of the body.
        const int paragraphs = 5;
        var capacity = 0;
        for (int i = Math.Max(0, body), taken = 0; i < _n && taken < paragraphs; i++)
        {
            if (_cf[i] is not (BlockClass.Good or BlockClass.NearGood) || (_signal[i] & Signal.Chrome) != 0)
                continue;
            taken++;
            capacity += 2 * Math.Min(_f[i].Tokens, 512);
        }
        var set = new HashIndex(Math.Max(capacity, 16));
        Span<ulong> words = stackalloc ulong[512];
        for (int i = Math.Max(0, body), taken = 0; i < _n && taken < paragraphs; i++)
        {
            if (_cf[i] is not (BlockClass.Good or BlockClass.NearGood) || (_signal[i] & Signal.Chrome) != 0)
                continue;
            taken++;
            var count = WordHashes.Of(_text[i], words);
            for (var k = 0; k < count; k++)
            {
                set.Add(words[k], 0);
                // Word trigrams too, to tell a copy of a sentence from a headline.
                if (k + 2 < count)
                    set.Add(WordHashes.Trigram(words[k], words[k + 1], words[k + 2]), 0);
            }
        }
        return set;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FindGivenTitle(string title, int body)
    {
        _detectedTitle = null;
        var key = title.AsSpan().Trim();
        var best = -1;
        var limit = Math.Min(_n - 1, body + 3);
        for (var i = 0; i <= limit; i++)
        {
            if (_reason[i] is not null)
                continue;
            var text = LineKey.Undouble(_text[i]).Trim();
            if (text.Length < 3)
                continue;
            var match = text.Equals(key, StringComparison.OrdinalIgnoreCase)
                        || ContainsAsTitle(key, text) && text.Length * 2 >= key.Length
                        || ContainsAsTitle(text, key);
            if (match)
            {
                if (best >= 0)
                    _titleCopies.Add(best);
                best = i;
            }
        }
        _title = best;
        if (best >= 0)
            CollectTitleCopies(LineKey.Undouble(_text[best]).ToString(), best + 1);
    }

    /// <summary>Other copies of the headline above the body, and the page-title line that embeds it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CollectTitleCopies(string title, int before)
    {
        for (var i = 0; i < Math.Min(before, _n); i++)
        {
            if (i == _title || _titleCopies.Contains(i))
                continue;
            var text = LineKey.Undouble(_text[i]);
            if (text.Length >= title.Length && (text.SequenceEqual(title) || ContainsAsTitle(text, title)))
                _titleCopies.Add(i);
        }
    }
}

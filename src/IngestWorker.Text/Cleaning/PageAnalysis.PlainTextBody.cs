using System.Runtime.CompilerServices;
using IngestWorker.Text.Extraction;

namespace IngestWorker.Text.Cleaning;

// Plain text: the body's end markers, lines inside the body, the footer, the fallback.
internal sealed partial class PageAnalysis
{
    /// <summary>
    /// Walks the body from its start; at a marker line ("Related", "Comments", a share bar, a
    /// newsletter box) the article ends, unless prose resumes right after the box. Returns the
    /// last block of the body.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int CutAtMarkers(int bodyStart, int end)
    {
        var paragraphs = 0;
        for (var i = bodyStart; i < _n; i++)
        {
            if (i > end)
            {
                // Past the span's end: a box right after it (after chrome lines at most) may
                // still be inline, with the article going on below it.
                if (!BoxFollows(end, i))
                    break;
            }
            if (_reason[i] is not null)
                continue;
            var s = _signal[i];
            if ((s & (Signal.SoftMarker | Signal.HardMarker)) == 0)
            {
                // Article content seen so far: paragraphs, or the rows of an announced table.
                if (IsSolid(i) || IsProse(i) || AnnouncedList(i))
                    paragraphs++;
                continue;
            }
            if (paragraphs == 0)
                continue;
            var hard = (s & Signal.HardMarker) != 0 && paragraphs >= 2;
            // The HTML reader chose this region as the article: a soft marker with more of the
            // article's prose below it than above ("Top picks" over a buying guide's reviews)
            // is a section heading, not the article's end.
            if (_prejudged && !hard && ProseWeight(i + 1, _n - 1) > ProseWeight(bodyStart, i - 1))
                continue;
            var resume = hard ? -1 : ResumeAfterBox(i, _n - 1);
            if (resume < 0)
            {
                if (i > end)
                    break;
                Remove(i, BoilerplateReasons.EndOfArticle);
                return LastKept(bodyStart, i - 1);
            }
            // An inline box: its lines are teasers and buttons, the article goes on after it.
            // Its heading keeps a more specific reason where there is one (a newsletter plug, a
            // share button).
            if (!MarkLine(i, body: false) || _reason[i] == BoilerplateReasons.Navigation)
                Remove(i, BoilerplateReasons.Teaser);
            for (var j = i + 1; j < resume; j++)
            {
                if (_reason[j] is null && !MarkLine(j, body: false))
                    Remove(j, BoilerplateReasons.Teaser);
            }
            if (resume > end)
            {
                // The article resumed below the span: it runs on while its blocks read as prose.
                end = resume;
                while (end + 1 < _n && (IsProse(end + 1) || (_signal[end + 1] & Signal.Chrome) != 0 && (_signal[end + 1] & (Signal.SoftMarker | Signal.HardMarker)) == 0))
                    end++;
                while (end > resume && !IsProse(end))
                    end--;
            }
            i = resume - 1;
        }
        return end;
    }

    /// <summary>The weight of the prose blocks from <paramref name="from"/> to <paramref name="to"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int ProseWeight(int from, int to)
    {
        var weight = 0;
        for (var i = from; i <= to; i++)
        {
            if (IsProse(i))
                weight += _f[i].Weight;
        }
        return weight;
    }

    /// <summary>Whether block <paramref name="i"/> (past <paramref name="end"/>) is reached from it through chrome lines only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool BoxFollows(int end, int i)
    {
        if (i - end > 4)
            return false;
        for (var j = end + 1; j <= i; j++)
        {
            if ((_signal[j] & Signal.Chrome) == 0)
                return false;
        }
        return true;
    }

    /// <summary>Prose by its own measure (near-good or better, a sentence, no chrome), whatever its neighbours.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool IsProse(int i) =>
        _reason[i] is null && _cf[i] >= BlockClass.NearGood && (_signal[i] & Signal.Chrome) == 0 && _f[i].Terminal && !_f[i].Truncated
        && _f[i].Weight >= _options.LengthLow;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int LastKept(int from, int to)
    {
        for (var i = to; i >= from; i--)
        {
            if (_reason[i] is null)
                return i;
        }
        return from - 1;
    }

    /// <summary>
    /// Where the article resumes after the marker at <paramref name="marker"/>: the first of two
    /// consecutive prose paragraphs within reach (a teaser list alternates headlines and blurbs,
    /// so never shows two), or the one closing paragraph after a box of a single link; -1 when
    /// the marker ends the article.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int ResumeAfterBox(int marker, int end)
    {
        var limit = Math.Min(end, marker + _options.MaxInlineBoxBlocks);
        for (var j = marker + 1; j <= limit; j++)
        {
            // The comments inside the box: nothing after it is the article.
            if ((_signal[j] & Signal.HardMarker) != 0)
                return -1;
            if (!IsProse(j))
                continue;
            // The next block that is not chrome must be prose too, and the pair must be real
            // paragraphs, not a teaser's headline and blurb.
            var k = j + 1;
            while (k <= end && k < _n && (_signal[k] & Signal.Chrome) != 0 && (_signal[k] & (Signal.SoftMarker | Signal.HardMarker)) == 0)
                k++;
            if (k <= end && k < _n && IsProse(k))
                return j;
            // A box of a single link, then one last paragraph that ends the page's prose: the
            // article's closing paragraph, not a teaser (teasers come in lists).
            if (j == marker + 2 && _f[marker + 1].Weight < _options.LengthLow && _f[j].Weight >= 150 && (_language < 0 || _f[j].StopwordDensity >= _options.StopwordsHigh)
                && !TeaserPatternFollows(j))
                return j;
        }
        return -1;
    }

    /// <summary>Whether, within a few blocks after <paramref name="j"/>, a short line is followed by prose again: the headline-and-blurb rhythm of a teaser list.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TeaserPatternFollows(int j)
    {
        for (var k = j + 1; k + 1 < _n && k <= j + 4; k++)
        {
            if ((_signal[k] & Signal.Chrome) == 0 && _f[k].Weight < _options.LengthLow && IsProseLike(k + 1))
                return true;
        }
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MarkBody(int from, int to)
    {
        for (var i = from; i <= to; i++)
        {
            if (_reason[i] is not null)
                continue;
            if (MarkLine(i, body: true))
                continue;
            if (!_good[i] && !IsProse(i) && !IsSentenceBetweenParagraphs(i, from, to) && !IsHeadingInBody(i, from, to) && !AnnouncedList(i)
                && !(IsListIntro(i) && i + 1 < _n && AnnouncedList(i + 1)))
                Remove(i, _f[i].Weight < _options.LengthLow ? BoilerplateReasons.Short : BoilerplateReasons.NotProse);
        }
        MarkTrailingCredits(from, to);
    }

    /// <summary>
    /// Inside the body, a sentence (capitalised, ends like one, a few words) between paragraphs is
    /// text even when it is short or poor in stopwords (a line of quoted speech, a list of names).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool IsSentenceBetweenParagraphs(int i, int from, int to)
    {
        var f = _f[i];
        if (!f.Terminal || f.Tokens < 5 || (_signal[i] & Signal.Chrome) != 0 || !StartsUpperOrDigit(_text[i]))
            return false;
        if (_language >= 0 && f.StopwordDensity < 0.5 * _options.StopwordsLow)
            return false;
        return HasSolidNeighbour(i, from, -1) && HasSolidNeighbour(i, to, +1);
    }

    /// <summary>
    /// Inside the body, a heading (short, no sentence end, capitalised) with text above and a
    /// paragraph right below is a subheading, however few stopwords it has ("King of Monitors:
    /// 35% Off Dell …" in a deals post).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool IsHeadingInBody(int i, int from, int to)
    {
        if ((_signal[i] & Signal.HeadingLike) == 0 || (_signal[i] & Signal.Chrome) != 0 || i + 1 > to)
            return false;
        var next = i + 1;
        while (next < to && (_signal[next] & Signal.Chrome) != 0)
            next++;
        return (IsSolid(next) || IsProse(next)) && HasSolidNeighbour(i, from, -1);
    }

    /// <summary>Whether the nearest block in direction <paramref name="step"/> that is not chrome is a kept paragraph.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool HasSolidNeighbour(int i, int limit, int step)
    {
        for (var j = i + step; step < 0 ? j >= limit : j <= limit; j += step)
        {
            if ((_signal[j] & Signal.Chrome) != 0 || _reason[j] is not null && !BoilerplateReasons.IsShapeOnly(_reason[j]))
                continue;
            return _good[j] || IsProseLike(j) && _f[j].Terminal;
        }
        return false;
    }

    /// <summary>Author bios and credits at the foot of the body: "Jane Doe is a reporter for …".</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MarkTrailingCredits(int from, int to)
    {
        var seen = 0;
        for (var i = to; i >= from && seen < 3; i--)
        {
            if (_reason[i] is not null)
                continue;
            seen++;
            var f = _f[i];
            if (f.Tokens <= 40 && (f.Triggers & Trigger.Role) != 0 && BoilerplateLexicon.HasRole(_text[i]) && LooksLikeBio(_text[i]))
                Remove(i, BoilerplateReasons.Byline);
        }
    }

    /// <summary>"Name Surname is a/an/the … (role)": a bio sentence.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool LooksLikeBio(string text)
    {
        var at = text.IndexOf(" is ", StringComparison.Ordinal);
        if (at <= 0 || at > 40)
            return false;
        var name = text.AsSpan(0, at);
        var words = 0;
        foreach (var range in name.Split(' '))
        {
            var w = name[range];
            if (w.Length == 0)
                continue;
            if (!char.IsUpper(w[0]))
                return false;
            words++;
        }
        return words is >= 1 and <= 4;
    }

    /// <summary>
    /// The line rules: removes block <paramref name="i"/> with a specific reason when it is a
    /// caption, a button, a promotion, a legal notice, a teaser or a byline. Returns whether it did.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool MarkLine(int i, bool body)
    {
        var s = _signal[i];
        var f = _f[i];
        string? reason = null;
        if ((s & Signal.Template) != 0)
            reason = BoilerplateReasons.SiteTemplate;
        else if ((s & Signal.Interface) != 0)
            reason = BoilerplateReasons.InterfaceText;
        else if ((s & Signal.Caption) != 0 && !(body && IsSolid(i) && f.Sentences >= 3)
                 && (!_prejudged || Block(i).Kind == BlockKind.Caption || IsCaptionPair(i)))
            reason = BoilerplateReasons.Caption;
        else if ((s & Signal.Legal) != 0)
            reason = BoilerplateReasons.Legal;
        else if ((s & Signal.Promotion) != 0)
            reason = BoilerplateReasons.Promotion;
        else if ((s & Signal.Teaser) != 0)
            reason = BoilerplateReasons.Teaser;
        else if ((s & (Signal.Byline | Signal.Date | Signal.Credit)) != 0)
            reason = BoilerplateReasons.Byline;
        else if ((s & (Signal.SoftMarker | Signal.HardMarker)) != 0)
            reason = BoilerplateReasons.Navigation;
        else if (IsInstruction(i))
            reason = BoilerplateReasons.InterfaceText;
        else if (IsCaptionPair(i) || IsCaptionOfCredit(i))
            reason = BoilerplateReasons.Caption;
        if (reason is null)
            return false;
        Remove(i, reason);
        return true;
    }

    /// <summary>"Click on the player above to watch the interview.": an instruction about the page, not content.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool IsInstruction(int i)
    {
        var f = _f[i];
        if (f.Tokens > 16 || (f.FirstWord & Trigger.Instruction) == 0)
            return false;
        return BoilerplateLexicon.StartsWithInterfaceVerb(_text[i]);
    }

    /// <summary>A short description right above a credit line ("Image: Jane Doe/AP"): the caption the credit belongs to.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool IsCaptionOfCredit(int i)
    {
        if (i + 1 >= _n || _cf[i] == BlockClass.Good || _f[i].Weight >= 300 || (_signal[i] & Signal.Chrome) != 0)
            return false;
        // A credit followed by a caption of its own ("Image copyright X" / "Image caption …")
        // opens the next photo's block rather than closing this one.
        var next = i + 1;
        return (_signal[next] & Signal.Caption) != 0 && _f[next].Tokens <= 8 && (_signal[next] & Signal.HeadingLike) != 0
               && (next + 1 >= _n || (_signal[next + 1] & Signal.Caption) == 0);
    }

    /// <summary>A line shown twice in a row, or once with a credit appended: a photo caption and its copy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool IsCaptionPair(int i)
    {
        var text = _text[i];
        if (text.Length < 25)
            return false;
        for (var d = -2; d <= 2; d++)
        {
            var j = i + d;
            if (d == 0 || j < 0 || j >= _n)
                continue;
            var other = _text[j];
            if (other.Length < 25)
                continue;
            // Same text, or one opens with the other and adds a credit.
            if (other.Length == text.Length ? other == text : other.Length > text.Length ? other.StartsWith(text, StringComparison.Ordinal) && other.Length - text.Length < 80 : text.StartsWith(other, StringComparison.Ordinal) && text.Length - other.Length < 80)
            {
                // Two copies of a prose paragraph next to each other are a standfirst repeated,
                // not a caption: the repeat rule keeps one.
                if (other.Length == text.Length && IsSolid(i) && (_signal[i] & Signal.Caption) == 0 && !HasCaptionNeighbour(i))
                    return false;
                return true;
            }
        }
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool HasCaptionNeighbour(int i)
    {
        for (var j = Math.Max(0, i - 2); j <= Math.Min(_n - 1, i + 2); j++)
        {
            if (j != i && (_signal[j] & Signal.Caption) != 0)
                return true;
        }
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MarkFooter(int from, int to, bool cutByMarker)
    {
        var afterMarker = cutByMarker;
        for (var i = from; i < to; i++)
        {
            if (_reason[i] is not null)
                continue;
            if ((_signal[i] & (Signal.SoftMarker | Signal.HardMarker)) != 0)
                afterMarker = true;
            if ((_signal[i] & (Signal.Chrome & ~(Signal.SoftMarker | Signal.HardMarker))) != 0 || IsInstruction(i))
                MarkLine(i, body: false);
            else if (afterMarker)
                Remove(i, BoilerplateReasons.EndOfArticle);
            else if (InShortRun(i, from, to))
                Remove(i, BoilerplateReasons.Navigation);
            else
                Remove(i, BoilerplateReasons.OutsideMainContent);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MarkFallback()
    {
        for (var i = 0; i < _n; i++)
        {
            if (_reason[i] is null)
                MarkLine(i, body: true);
        }
    }
}

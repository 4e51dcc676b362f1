using System.Runtime.CompilerServices;
using IngestWorker.Text.Extraction;

namespace IngestWorker.Text.Cleaning;

// Plain text: where the article runs, its header, headline and lead.
internal sealed partial class PageAnalysis
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CleanPlainText()
    {
        for (var i = 0; i < _n; i++)
        {
            if ((_signal[i] & Signal.Template) != 0)
                Remove(i, BoilerplateReasons.SiteTemplate);
        }
        if (!FindRegion(out var start, out var end))
        {
            // No prose anywhere (a list, a table, a page of one line): remove only what is
            // recognisably chrome, rather than everything.
            MarkFallback();
            var firstProse = 0;
            while (firstProse < _n - 1 && !IsProseLike(firstProse))
                firstProse++;
            FindTitle(Math.Max(0, firstProse - 5), firstProse);
            if (_title >= 0 && _title < firstProse)
            {
                Remove(_title, BoilerplateReasons.Title);
                foreach (var copy in _titleCopies)
                    Remove(copy, BoilerplateReasons.Title);
            }
            FindMetadata(firstProse, _n - 1);
            return;
        }

        // The page title (the dump's first line, "Headline | Site") printed again as a line of
        // its own is the headline, and the article follows it even when a sidebar elsewhere
        // holds more prose (a table under its headline, teasers in full sentences beside it).
        var anchor = _page.Metadata.Title is null ? AnchoredHeadline() : -1;
        var anchored = anchor >= 0 && anchor < start && start - anchor <= 12;
        if (anchor >= 0 && (start <= anchor || start - anchor > 12))
        {
            var (anchoredEnd, value) = BestRunFrom(anchor + 1);
            if (value >= 100 && value >= 0.1 * RegionValue(start, end))
            {
                start = anchor + 1;
                end = anchoredEnd;
                anchored = true;
            }
        }

        // The body begins at the first run of prose; the headline is just above it. Under an
        // anchored headline, at its first sentence or announced list, whatever the neighbours.
        var firstSolid = anchored ? FirstProseAfter(start, end) : FirstBodyCandidate(start, end);
        if (anchor >= 0 && anchor < firstSolid && firstSolid - anchor <= 25)
            SetTitle(anchor, firstSolid);
        else
            FindTitle(Math.Max(0, firstSolid - 25), firstSolid);
        var bodyStart = DecideBodyStart(firstSolid, end, anchored, out var standfirst);

        // Above the headline (or the body): header chrome.
        var headerEnd = _title >= 0 ? _title : bodyStart;
        MarkHeader(0, headerEnd);
        // Between the headline and the body: byline, dateline, captions; the standfirst stays.
        MarkLead(headerEnd, bodyStart, standfirst);
        end = Math.Max(end, bodyStart);
        var bodyEnd = CutAtMarkers(bodyStart, end);
        MarkBody(bodyStart, bodyEnd);
        MarkFooter(bodyEnd + 1, _n, cutByMarker: bodyEnd < end);
        FindMetadata(bodyStart, bodyEnd);
    }

    /// <summary>
    /// The densest run of prose: the span maximising (good text) − (chrome), where a good block
    /// counts its length and a bad one a penalty growing with its length (Kadane's algorithm).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool FindRegion(out int start, out int end)
    {
        start = end = -1;
        double best = 0, sum = 0;
        var runStart = 0;
        for (var i = 0; i < _n; i++)
        {
            sum += Value(i);
            if (sum > best)
            {
                best = sum;
                start = runStart;
                end = i;
            }
            if (sum <= 0)
            {
                sum = 0;
                runStart = i + 1;
            }
        }
        return start >= 0 && best >= 30;
    }

    /// <summary>
    /// A line among the first three that is the page title ("Headline | Site | Section" or just
    /// "Headline") and whose headline part stands again later as a line of its own: that later
    /// line's position, or -1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int AnchoredHeadline()
    {
        for (var j = 0; j < Math.Min(3, _n); j++)
        {
            var line = _text[j].AsSpan();
            var cut = line.Length;
            foreach (var separator in (ReadOnlySpan<string>)[" | ", " - ", " – ", " — ", " :: "])
            {
                var at = line.IndexOf(separator, StringComparison.Ordinal);
                if (at > 0 && at < cut)
                    cut = at;
            }
            // "Headline | Site" anywhere in the first lines, or a bare headline opening the dump.
            var headline = line[..cut].Trim();
            if (headline.Length < 10 || !headline.Contains(' ') || (cut == line.Length && (j > 0 || _f[j].Tokens < 4)))
                continue;
            for (var k = j + 1; k < _n; k++)
            {
                if (LineKey.Undouble(_text[k]).SequenceEqual(headline) && (_signal[k] & Signal.Chrome) == 0)
                    return k;
            }
        }
        return -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int FirstProseAfter(int start, int end)
    {
        for (var i = start; i <= end; i++)
        {
            if (IsProse(i) || IsListIntro(i) && i + 1 < _n && AnnouncedList(i + 1))
                return i;
        }
        return start;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double RegionValue(int start, int end)
    {
        var sum = 0.0;
        for (var i = start; i <= end; i++)
            sum += Value(i);
        return sum;
    }

    /// <summary>The best span starting at <paramref name="from"/> and ending before the first deep fall: where it ends and what it is worth.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (int End, double Value) BestRunFrom(int from)
    {
        double sum = 0, best = double.MinValue;
        var end = from;
        for (var i = from; i < _n; i++)
        {
            // Under the headline, prose counts by its own measure: jusText's context (bad
            // neighbours) is what misled the span search in the first place.
            sum += IsProse(i) && !_good[i] ? _f[i].Weight : Value(i);
            if (sum > best)
            {
                best = sum;
                end = i;
            }
            // A deep fall is the end of the article: what comes after is another region.
            if (sum < best - 300)
                break;
        }
        return (end, best);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double Value(int i)
    {
        if (_reason[i] is not null)
            return -30;
        var f = _f[i];
        if (_good[i])
        {
            if (_cf[i] is BlockClass.Good or BlockClass.NearGood)
                return Math.Min(f.Weight, 1500);
            if ((_signal[i] & Signal.Chrome) != 0)
                return -5;
            // A heading or a short list between paragraphs belongs to them; a long run of short
            // lines (a staff list, a link box) weighs against the span, unless a sentence ending
            // with a colon announced it.
            var run = ShortRunLength(i);
            return run < 6 || AnnouncedList(i) ? 10 : run < 12 ? -15 : -60;
        }
        if ((_signal[i] & (Signal.Caption | Signal.Date | Signal.Byline | Signal.Credit)) != 0)
            return -10;
        // The rows of a list or table announced by "…:" are the article's, however bare; so is
        // the sentence announcing them.
        if ((_signal[i] & Signal.Chrome) == 0 && (AnnouncedList(i) || IsListIntro(i) && AnnouncedList(Math.Min(i + 1, _n - 1))))
            return 10;
        return -(25 + Math.Min(f.Weight, 800) * 0.25);
    }

    private int[]? _shortRuns;

    /// <summary>How many blocks shorter than <see cref="BoilerplateOptions.LengthLow"/> stand in a row around block <paramref name="i"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int ShortRunLength(int i)
    {
        if (_shortRuns is null)
        {
            _shortRuns = new int[_n];
            for (var start = 0; start < _n;)
            {
                var end = start;
                while (end < _n && _f[end].Weight < _options.LengthLow)
                    end++;
                for (var k = start; k < end; k++)
                    _shortRuns[k] = end - start;
                start = Math.Max(end, start + 1);
            }
        }
        return _shortRuns[i];
    }

    private bool[]? _listRows;

    /// <summary>
    /// Whether block <paramref name="i"/> is a row of a list or table that a sentence ending with
    /// a colon announced ("Here are the results:"): the rows run on while they are not prose
    /// paragraphs or chrome.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool AnnouncedList(int i)
    {
        if (_listRows is null)
        {
            _listRows = new bool[_n];
            for (var c = 0; c < _n; c++)
            {
                if (!IsListIntro(c))
                    continue;
                for (var j = c + 1; j < _n && j <= c + 120; j++)
                {
                    var f = _f[j];
                    if ((_signal[j] & (Signal.SoftMarker | Signal.HardMarker | Signal.Legal | Signal.Promotion | Signal.Interface | Signal.Template)) != 0)
                        break;
                    if (f.Weight >= _options.LengthHigh && f.Sentences >= 2)
                        break;
                    _listRows[j] = true;
                    if (IsListIntro(j))
                        break; // the next list takes over
                }
            }
        }
        return _listRows[i];
    }

    /// <summary>A sentence that ends with a colon and so announces what follows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool IsListIntro(int i) => _f[i].EndsWithColon && _f[i].Tokens >= 4 && (_signal[i] & Signal.Chrome) == 0;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int FirstBodyCandidate(int start, int end)
    {
        for (var i = start; i <= end; i++)
        {
            if (IsSolid(i) && NextSolidAfterChrome(i, end) >= 0)
                return i;
        }
        for (var i = start; i <= end; i++)
        {
            if (IsSolid(i))
                return i;
        }
        return start;
    }

    /// <summary>The next solid block after <paramref name="i"/>, skipping chrome lines and headings; -1 when a plain line intervenes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int NextSolidAfterChrome(int i, int end)
    {
        for (var j = i + 1; j <= end && j < _n; j++)
        {
            if (IsSolid(j))
                return j;
            if ((_signal[j] & (Signal.Chrome | Signal.HeadingLike)) != 0 || _reason[j] is not null || _good[j])
                continue;
            return -1;
        }
        return -1;
    }

    /// <summary>
    /// Where the body starts. The first solid block after the headline is the body's first
    /// paragraph, unless byline or caption lines separate it from the next one: then it is the
    /// standfirst, and the body starts after them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int DecideBodyStart(int firstSolid, int end, bool anchored, out int standfirst)
    {
        standfirst = -1;
        var from = _title >= 0 ? _title + 1 : firstSolid;
        var first = anchored ? firstSolid : -1;
        for (var i = from; first < 0 && i <= Math.Max(end, firstSolid) && i < _n; i++)
        {
            if (IsSolid(i))
                first = i;
        }
        if (first < 0)
            return firstSolid;
        // Without a headline there is no telling a standfirst from a first paragraph.
        if (_title < 0)
            return first;
        // A summary sentence right under the headline, before the byline and captions, is the
        // standfirst even when jusText, seeing chrome around it, calls it bad.
        for (var i = _title + 1; i < first && i <= _title + 3; i++)
        {
            if (_reason[i] is null && (_signal[i] & Signal.Chrome) == 0 && _cf[i] >= BlockClass.NearGood && _f[i].Terminal && !_f[i].Truncated)
            {
                standfirst = i;
                return first;
            }
        }
        // Look for the next solid block and what lies between.
        var sawLeadChrome = false;
        var plain = 0;
        for (var j = first + 1; j < _n && j <= first + 12; j++)
        {
            if (IsSolid(j))
            {
                if (sawLeadChrome && j - first > 1 && plain <= 2 && _f[first].Weight < 600)
                {
                    standfirst = first;
                    return j;
                }
                return first;
            }
            if ((_signal[j] & (Signal.Byline | Signal.Date | Signal.Caption | Signal.Interface | Signal.Credit | Signal.Promotion | Signal.SoftMarker | Signal.HardMarker)) != 0)
                sawLeadChrome = true;
            else if (_f[j].Weight >= _options.LengthLow)
                plain++; // short lines (tags, a section label) do not separate a standfirst from the body
        }
        return first;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MarkHeader(int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            if (_reason[i] is not null)
                continue;
            if (_titleCopies.Contains(i))
            {
                Remove(i, BoilerplateReasons.Title);
                continue;
            }
            var s = _signal[i];
            if ((s & Signal.Promotion) != 0)
                Remove(i, BoilerplateReasons.Promotion);
            else if ((s & Signal.Legal) != 0)
                Remove(i, BoilerplateReasons.Legal);
            else if (InShortRun(i, from, to, 5))
                Remove(i, BoilerplateReasons.Navigation);
            else
                Remove(i, BoilerplateReasons.HeaderChrome);
        }
    }

    /// <summary>A short non-prose line within a run of at least three such lines: a menu.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool InShortRun(int i, int from, int to, int length = 3)
    {
        if (IsProseLike(i))
            return false;
        // Stop counting at the length asked for: only "at least" matters, and menus are long.
        var run = 1;
        for (var j = i - 1; j >= from && run < length && !IsProseLike(j); j--)
            run++;
        for (var j = i + 1; j < to && run < length && !IsProseLike(j); j++)
            run++;
        return run >= length;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool IsProseLike(int i) => _f[i].Weight >= _options.LengthLow && (_f[i].Terminal || _cf[i] >= BlockClass.NearGood);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MarkLead(int from, int to, int standfirst)
    {
        // Lines that lead into the body without a break (an intro heading, a short list) are
        // its beginning; lines cut off from it by bylines or captions are the header's.
        for (var i = to - 1; i >= from && i > _title; i--)
        {
            if (_reason[i] is not null || !_good[i] || (_signal[i] & Signal.Chrome) != 0 || NearByline(i) || i == standfirst || _f[i].Truncated)
                break;
            if (IsInstruction(i) || IsCaptionPair(i))
                break;
            to = i;
        }
        for (var i = from; i < to; i++)
        {
            if (_reason[i] is not null)
                continue;
            if (i == _title || _titleCopies.Contains(i))
            {
                Remove(i, BoilerplateReasons.Title);
                continue;
            }
            if (i == standfirst)
            {
                // The standfirst is content, but still subject to the line rules (a caption is not a standfirst).
                if (!MarkLine(i, body: true) && !_options.KeepStandfirst)
                    Remove(i, BoilerplateReasons.Standfirst);
                continue;
            }
            if (MarkLine(i, body: false))
                continue;
            Remove(i, IsProseLike(i) ? BoilerplateReasons.NotProse
                : (_signal[i] & Signal.HeadingLike) != 0 && NearByline(i) ? BoilerplateReasons.Byline
                : InShortRun(i, from, to) ? BoilerplateReasons.Navigation
                : BoilerplateReasons.Short);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool NearByline(int i)
    {
        for (var j = Math.Max(0, i - 2); j <= Math.Min(_n - 1, i + 2); j++)
        {
            if (j != i && (_signal[j] & (Signal.Byline | Signal.Date)) != 0)
                return true;
        }
        return false;
    }
}

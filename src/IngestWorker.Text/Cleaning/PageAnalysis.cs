using System.Runtime.CompilerServices;
using IngestWorker.Text.Extraction;

namespace IngestWorker.Text.Cleaning;

/// <summary>What the phrase lists say about one line.</summary>
[Flags]
internal enum Signal : ushort
{
    None = 0,
    Interface = 1 << 0,
    Legal = 1 << 1,
    Promotion = 1 << 2,
    Caption = 1 << 3,
    Teaser = 1 << 4,
    Date = 1 << 5,
    Byline = 1 << 6,
    Credit = 1 << 7,
    SoftMarker = 1 << 8,
    HardMarker = 1 << 9,
    Template = 1 << 10,
    HeadingLike = 1 << 11,

    /// <summary>Signals that make a line chrome whatever its neighbours say.</summary>
    Chrome = Interface | Legal | Promotion | Caption | Teaser | Date | Byline | Credit | SoftMarker | HardMarker | Template,
}

/// <summary>jusText's classes: context-free, then revised by the neighbours.</summary>
internal enum BlockClass : byte
{
    Bad,
    Short,
    NearGood,
    Good,
}

/// <summary>
/// One page being cleaned: every per-page array and decision. Created per call, so the cleaner
/// itself holds no state and serves concurrent documents.
/// </summary>
internal sealed partial class PageAnalysis
{
    private readonly BoilerplateOptions _options;
    private readonly PageContent _page;
    private readonly IReadOnlySet<ulong>? _templateLines;

    /// <summary>Positions of the blocks the reader left for us to judge, in the page's block list.</summary>
    private readonly int[] _index;
    private readonly string[] _text;
    private readonly BlockFeatures[] _f;
    private readonly Signal[] _signal;
    private readonly BlockClass[] _cf;
    private readonly bool[] _good;
    private readonly string?[] _reason;
    private readonly int _n;

    /// <summary>Blocks come from the HTML extractor, which already chose the article: be conservative.</summary>
    private readonly bool _prejudged;

    /// <summary>The page's language as an index of <see cref="WordTable.Languages"/>; -1 when it has no stopword list.</summary>
    private int _language = -1;

    private int _title = -1;
    private readonly List<int> _titleCopies = [];
    private string? _detectedTitle;
    private string? _published;
    private string? _author;
    private string? _site;

    private readonly Language.ILanguageIdentifier? _identifier;

    /// <param name="identifier">The language model (fastText) that tells the page's language; without one, a stopword guess does.</param>
    public PageAnalysis(PageContent page, BoilerplateOptions options, IReadOnlySet<ulong>? templateLines, Language.ILanguageIdentifier? identifier = null)
    {
        _identifier = identifier;
        _page = page;
        _options = options;
        _templateLines = templateLines is { Count: > 0 } ? templateLines : null;
        var blocks = page.Blocks;
        var active = 0;
        var prejudged = false;
        for (var i = 0; i < blocks.Count; i++)
        {
            var block = blocks[i];
            if (block.RemovedBy is null)
                active++;
            if (block.RemovedBy is not null || block.Kind != BlockKind.Line || block.LinkDensity > 0)
                prejudged = true;
        }
        _prejudged = prejudged;
        _n = active;
        _index = new int[active];
        _text = new string[active];
        _f = new BlockFeatures[active];
        _signal = new Signal[active];
        _cf = new BlockClass[active];
        _good = new bool[active];
        _reason = new string?[active];
        for (int i = 0, k = 0; i < blocks.Count; i++)
        {
            if (blocks[i].RemovedBy is not null)
                continue;
            _index[k] = i;
            _text[k] = blocks[i].Text;
            k++;
        }
    }

    private ContentBlock Block(int i) => _page.Blocks[_index[i]];

    /// <summary>A rule removes block <paramref name="i"/> for <paramref name="reason"/>; the precedence table names it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Remove(int i, string reason) => _reason[i] = BoilerplateReasons.Decide(_reason[i], reason);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CleanedPage Run()
    {
        GuessLanguage();
        var language = _language >= 0 ? 1 << _language : 0;
        for (var i = 0; i < _n; i++)
            _f[i] = BlockFeatures.Scan(_text[i], language);
        for (var i = 0; i < _n; i++)
            _signal[i] = Signals(i);
        for (var i = 0; i < _n; i++)
            _cf[i] = Classify(i);
        PromoteProseRuns();
        ReviseByContext();

        if (_prejudged)
            CleanPrejudged();
        else
            CleanPlainText();

        RemoveRepeats();
        return Assemble();
    }

    // ---------------------------------------------------------------- HTML (pre-judged) input

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CleanPrejudged()
    {
        for (var i = 0; i < _n; i++)
        {
            if ((_signal[i] & Signal.Template) != 0)
                Remove(i, BoilerplateReasons.SiteTemplate);
        }
        FindTitle(0, Math.Min(_n, 12));
        var bodyStart = 0;
        for (var i = 0; i <= _title && i < _n; i++)
        {
            if (i == _title || _titleCopies.Contains(i))
                Remove(i, BoilerplateReasons.Title);
            bodyStart = i + 1;
        }
        foreach (var copy in _titleCopies)
            Remove(copy, BoilerplateReasons.Title);
        var bodyEnd = CutAtMarkers(bodyStart, _n - 1);
        for (var i = bodyStart; i <= bodyEnd; i++)
        {
            if (_reason[i] is not null)
                continue;
            // Link text alone proves nothing here: the extractor kept these blocks as the
            // article ("Get it on Amazon for $39" is part of a deals post).
            MarkLine(i, body: true);
        }
        MarkTrailingCredits(bodyStart, bodyEnd);
        MarkFooter(bodyEnd + 1, _n, cutByMarker: true);
        FindMetadata(bodyStart, bodyEnd);
    }

    // ---------------------------------------------------------------- output

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private CleanedPage Assemble()
    {
        var blocks = _page.Blocks;
        // Sized exactly, and the text written once into its final string: the output is most
        // of what cleaning allocates.
        var keptCount = 0;
        var length = 0;
        for (var i = 0; i < _n; i++)
        {
            if (_reason[i] is not null)
                continue;
            length += (keptCount == 0 ? 0 : Block(i).StartsParagraph ? 2 : 1) + _text[i].Length;
            keptCount++;
        }
        var kept = new List<string>(keptCount);
        var removed = new List<RemovedBlock>(blocks.Count - keptCount);
        var k = 0;
        for (var i = 0; i < blocks.Count; i++)
        {
            var block = blocks[i];
            if (block.RemovedBy is { } prior)
                removed.Add(new RemovedBlock(block.Text, prior));
            else if (_reason[k++] is { } reason)
                removed.Add(new RemovedBlock(block.Text, reason));
            else
                kept.Add(block.Text);
        }
        var text = string.Create(length, this, static (span, page) => page.WriteText(span));
        var meta = _page.Metadata;
        var title = meta.Title ?? _detectedTitle;
        var enriched = meta with
        {
            Title = title,
            Published = meta.Published ?? _published,
            Author = meta.Author ?? _author,
            Site = meta.Site ?? _site,
        };
        return new CleanedPage(text, title, enriched, kept, removed);
    }

    /// <summary>The kept blocks joined: a newline between blocks, a blank line before a block that starts a paragraph.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteText(Span<char> destination)
    {
        var at = 0;
        for (var i = 0; i < _n; i++)
        {
            if (_reason[i] is not null)
                continue;
            if (at > 0)
            {
                destination[at++] = '\n';
                if (Block(i).StartsParagraph)
                    destination[at++] = '\n';
            }
            _text[i].CopyTo(destination[at..]);
            at += _text[i].Length;
        }
    }
}

using IngestWorker.Text.Cleaning;
using AngleSharp.Dom;
using IngestWorker.Text.Extraction;

namespace IngestWorker.Text.Html;

/// <summary>What the class, id, role or tag of an element says it is, when it says it is not content.</summary>
internal enum Region : byte
{
    None,
    Navigation,
    Tags,
    Header,
    Footer,
    Aside,
    Comments,
    Share,
    Related,
    Promotion,
    Advertisement,
    Byline,
    Caption,
    Legal,
    Interface,
    Hidden,
}

/// <summary>
/// An element that opens a block boundary (block-level, hidden, or marked by its class as a region),
/// with the range of blocks its subtree produced and statistics over them.
/// </summary>
internal sealed class Box
{
    public Box(IElement element, Box? parent, string tag)
    {
        Element = element;
        Parent = parent;
        Tag = tag;
        Depth = parent is null ? 0 : parent.Depth + 1;
    }

    public IElement Element { get; }
    public Box? Parent { get; }

    /// <summary>Whether an ancestor (not this box) is marked as a region <paramref name="isRegion"/> accepts.</summary>
    public bool HasAncestorIn(Func<Region, bool> isRegion) => HasAncestor(up => isRegion(up.Region));

    /// <summary>Whether an ancestor (not this box) passes <paramref name="test"/>.</summary>
    public bool HasAncestor(Func<Box, bool> test)
    {
        for (var up = Parent; up is not null; up = up.Parent)
        {
            if (test(up))
                return true;
        }
        return false;
    }
    public string Tag { get; }
    public int Depth { get; }

    /// <summary>What the element's own markup says it is.</summary>
    public Region Region { get; set; }

    /// <summary>The class or id word that gave <see cref="Region"/> (null when the tag or role did).</summary>
    public string? NamedBy { get; set; }

    /// <summary>The element is hidden (or lies inside a hidden element).</summary>
    public bool Hidden { get; set; }

    /// <summary>The element itself is hidden by an attribute, style or class.</summary>
    public bool OwnHidden { get; set; }

    /// <summary>The class or itemprop names the element as the article body.</summary>
    public bool Positive { get; set; }

    /// <summary>itemprop="articleBody".</summary>
    public bool ArticleBodyProp { get; set; }

    public BlockKind KindHint { get; set; } = BlockKind.Paragraph;
    public int HeadingLevel { get; set; }
    public bool Preformatted { get; set; }

    /// <summary>Blocks [First, End) come from this element's subtree.</summary>
    public int First { get; set; }
    public int End { get; set; }

    public List<Box>? Children { get; set; }

    // Statistics over the subtree's visible blocks.
    public int Chars { get; set; }
    public int LinkChars { get; set; }

    /// <summary>Prose characters in the subtree, hidden or not, region or not.</summary>
    public int AllGoodChars { get; set; }

    /// <summary>Text characters in the subtree that the markup does not hide, region or not.</summary>
    public int AllChars { get; set; }
    public double Score { get; set; }
    public bool Scored { get; set; }

    /// <summary>The nearest marked box among this one and its ancestors (this one first), or null.</summary>
    public Box? RegionBox { get; set; }

    public double LinkDensity => Chars == 0 ? 0 : (double)LinkChars / Chars;

    public override string ToString() => $"<{Tag} class='{Element.GetAttribute("class")}' id='{Element.Id}'> [{First},{End})";
}

/// <summary>A run of text between block boundaries, with what the DOM walk learned about it.</summary>
internal sealed class Block
{
    public Block(string text, Box owner)
    {
        Text = text;
        Owner = owner;
    }

    public string Text { get; }
    public Box Owner { get; }
    public int LinkChars { get; set; }
    public BlockKind Kind { get; set; }
    public int HeadingLevel { get; set; }
    public bool StartsParagraph { get; set; }
    public bool Hidden { get; set; }

    /// <summary>The block's first character is link text (a teaser's headline link).</summary>
    public bool StartsWithLink { get; set; }

    // Features.
    public int Words { get; set; }
    public int Stopwords { get; set; }
    public int Commas { get; set; }
    public bool EndsSentence { get; set; }
    public bool Good { get; set; }

    /// <summary>Reads as prose when its links are ignored.</summary>
    public bool Sentences { get; set; }

    /// <summary>The block is an item of a list of links.</summary>
    public bool InLinkList { get; set; }

    /// <summary>The block sits with an image in a small wrapper: a caption or credit.</summary>
    public bool Caption { get; set; }

    /// <summary>Why the block is removed (null: kept). Set by <see cref="Remove"/>, which applies the precedence table.</summary>
    public string? Reason { get; private set; }

    /// <summary>A rule removes the block for <paramref name="reason"/>; <see cref="BoilerplateReasons.Precedence"/> names it.</summary>
    public void Remove(string reason) => Reason = BoilerplateReasons.Decide(Reason, reason);

    /// <summary>A later rule proves the block is content after all (a link line inside the story).</summary>
    public void Restore() => Reason = null;

    public double LinkDensity => Text.Length == 0 ? 0 : Math.Min(1.0, (double)LinkChars / Text.Length);

    public override string ToString() => $"{Kind} {Reason ?? "+"} {Text}";
}

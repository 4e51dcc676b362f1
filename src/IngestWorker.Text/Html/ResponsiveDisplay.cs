namespace IngestWorker.Text.Html;

/// <summary>
/// Reads the responsive display classes of utility CSS frameworks: Tailwind's <c>hidden lg:flex</c>
/// and Bootstrap's <c>d-none d-md-block</c> hide a box on phones and show it on a desktop, where
/// <c>lg:hidden</c> and <c>d-lg-none</c> do the opposite. A page is read as a desktop browser shows it,
/// at 1280 pixels (Tailwind's and Bootstrap's "xl"): the display class of the widest breakpoint up to that decides.
/// </summary>
internal static class ResponsiveDisplay
{
    /// <summary>Breakpoints narrowest first; a desktop window (1280 px) is at "xl".</summary>
    private static readonly string[] Breakpoints = ["sm", "md", "lg", "xl"];

    private static readonly string[] Shown =
    [
        "block", "flex", "grid", "inline", "inline-block", "inline-flex", "inline-grid", "table", "table-cell", "table-row",
        "contents", "flow-root", "list-item",
    ];

    /// <summary>
    /// Whether the box is shown at desktop width by its classes; null when no class sets its display
    /// at a breakpoint (then the classes say nothing about width, and the plain rules apply).
    /// </summary>
    public static bool? ShownOnDesktop(string? classes)
    {
        if (string.IsNullOrEmpty(classes) || !classes.Contains(':') && !classes.Contains("d-", StringComparison.Ordinal))
            return null;
        var widest = -1; // the breakpoint of the deciding class (0: none), up to a desktop's
        var shown = true;
        var responsive = false;
        var rest = classes.AsSpan();
        while (!rest.IsEmpty)
        {
            rest = rest.TrimStart();
            var end = rest.IndexOfAny(" \t\n\r\f");
            var name = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[end..];
            if (Parse(name) is not var (breakpoint, display))
                continue;
            responsive |= breakpoint > 0;
            if (breakpoint >= widest)
            {
                widest = breakpoint;
                shown = display;
            }
        }
        return responsive ? shown : null;
    }

    // "lg:flex" → (3, shown); "hidden" → (0, hidden); "d-md-none" → (2, hidden); others → null.
    // Breakpoints are numbered from 1 (sm) to 4 (xl); wider ones ("2xl", "xxl") are not a desktop's.
    private static (int Breakpoint, bool Shown)? Parse(ReadOnlySpan<char> name)
    {
        var colon = name.IndexOf(':');
        if (colon > 0)
        {
            var at = BreakpointOf(name[..colon]);
            var display = name[(colon + 1)..].TrimStart('!');
            return at > 0 && Display(display) is { } shown ? (at, shown) : null;
        }
        if (name.StartsWith("d-"))
        {
            var rest = name[2..];
            var dash = rest.IndexOf('-');
            if (dash > 0 && BreakpointOf(rest[..dash]) is var at and > 0)
                return Display(rest[(dash + 1)..]) is { } shown ? (at, shown) : null;
            return Display(rest) is { } plain ? (0, plain) : null;
        }
        return Display(name) is false ? (0, false) : null; // a bare "block" is not a display class on every site
    }

    private static int BreakpointOf(ReadOnlySpan<char> prefix)
    {
        for (var i = 0; i < Breakpoints.Length; i++)
        {
            if (prefix.SequenceEqual(Breakpoints[i]))
                return i + 1;
        }
        return 0;
    }

    private static bool? Display(ReadOnlySpan<char> value)
    {
        if (value.SequenceEqual("hidden") || value.SequenceEqual("none"))
            return false;
        foreach (var shown in Shown)
        {
            if (value.SequenceEqual(shown))
                return true;
        }
        return null;
    }
}

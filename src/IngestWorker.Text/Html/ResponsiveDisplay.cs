namespace IngestWorker.Text.Html;

/// <summary>
/// Reads the responsive display classes of utility CSS frameworks: Tailwind's <c>hidden lg:flex</c>
/// and Bootstrap's <c>d-none d-md-block</c> hide a box on phones and show it on a desktop, where
/// <c>lg:hidden</c> and <c>d-lg-none</c> do the opposite. A page is read as a desktop browser shows it,
/// at <see cref="DesktopBreakpoint"/>: the display class of the widest breakpoint up to it decides.
/// </summary>
internal static class ResponsiveDisplay
{
    /// <summary>Breakpoints narrowest first; a desktop window (1280 px) is at "xl".</summary>
    private static readonly string[] Breakpoints = ["sm", "md", "lg", "xl"];

    private const int DesktopBreakpoint = 4; // xl: index in Breakpoints, plus one for "no breakpoint"

    private static readonly HashSet<string> Shown = new(StringComparer.Ordinal)
    {
        "block", "flex", "grid", "inline", "inline-block", "inline-flex", "inline-grid", "table", "table-cell", "table-row",
        "contents", "flow-root", "list-item",
    };

    /// <summary>
    /// Whether the box is shown at desktop width by its classes; null when no class sets its display
    /// at a breakpoint (then the classes say nothing about width, and the plain rules apply).
    /// </summary>
    public static bool? ShownOnDesktop(string? classes)
    {
        if (string.IsNullOrEmpty(classes) || !classes.Contains(':') && !classes.Contains("d-", StringComparison.Ordinal))
            return null;
        int widest = -1; // the breakpoint of the deciding class; 0 = none
        var shown = true;
        var responsive = false;
        foreach (var name in classes.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (Parse(name) is not var (breakpoint, display) || breakpoint > DesktopBreakpoint)
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
    private static (int Breakpoint, bool Shown)? Parse(string name)
    {
        var colon = name.IndexOf(':');
        if (colon > 0)
        {
            var at = Array.IndexOf(Breakpoints, name[..colon]);
            var display = name[(colon + 1)..].TrimStart('!');
            return at >= 0 && Display(display) is { } shown ? (at + 1, shown) : null;
        }
        if (name.StartsWith("d-", StringComparison.Ordinal))
        {
            var rest = name[2..];
            var dash = rest.IndexOf('-');
            if (dash > 0 && Array.IndexOf(Breakpoints, rest[..dash]) is var at and >= 0)
                return Display(rest[(dash + 1)..]) is { } shown ? (at + 1, shown) : null;
            return Display(rest) is { } plain ? (0, plain) : null;
        }
        return Display(name) is { } bare && !bare ? (0, false) : null; // a bare "block" is not a display class everywhere
    }

    private static bool? Display(string value) => value is "hidden" or "none" ? false : Shown.Contains(value) ? true : null;
}

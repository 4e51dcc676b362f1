namespace IngestWorker.Text.Cleaning;

/// <summary>
/// The key under which a line is counted across a site's documents (CCNet-style): the line lower
/// cased, digits folded to 0, punctuation and whitespace dropped, hashed to 64 bits (FNV-1a: stable
/// across processes and machines, which a shared index needs). "Updated 19 Nov 2019, 09:01" and
/// "Updated 20 Nov 2019, 11:45" share a key; so does one menu item in two capitalisations.
/// </summary>
public static class TemplateLineKey
{
    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Of(ReadOnlySpan<char> line)
    {
        var hash = OffsetBasis;
        foreach (var c in line)
        {
            char folded;
            if (c < 128)
            {
                // ASCII without the Unicode tables (most of every line); the same key as below.
                if ((uint)((c | 0x20) - 'a') <= 'z' - 'a')
                    folded = (char)(c | 0x20);
                else if ((uint)(c - '0') <= 9)
                    folded = '0';
                else
                    continue;
            }
            else if (char.IsLetter(c))
                folded = char.ToLowerInvariant(c);
            else if (char.IsDigit(c))
                folded = '0';
            else
                continue;
            hash = (hash ^ (byte)folded) * Prime;
            hash = (hash ^ (byte)(folded >> 8)) * Prime;
        }
        return hash;
    }
}

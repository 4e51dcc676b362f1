namespace IngestWorker.Storage;

/// <summary>
/// Whether a blob name can be addressed through the storage SDK as the very blob it names. The SDK
/// puts the name into a <see cref="Uri"/> path, and some names do not survive that: they reach a
/// different blob — in another folder, or another container — or none. Such a name is data the
/// worker must not use as a path: its input is never read, and every name derived from it is
/// replaced by a hash (<see cref="BlobNames"/>).
/// </summary>
/// <remarks>
/// Each rule was checked against Azurite 3.37 with Azure.Storage.Blobs 12.17 (a blob uploaded with a
/// raw, percent-encoded path, then listed, then addressed by its listed name through the SDK):
/// <list type="bullet">
/// <item><c>.</c> and <c>..</c> segments: Azurite stores them as sent (<c>%2E%2E</c>), but
/// <see cref="Uri"/> removes them, so <c>a/./b</c> addresses <c>a/b</c> and
/// <c>../../../cleaned/x</c> addresses <c>cleaned/x</c>, another container.</item>
/// <item>a leading or trailing <c>/</c>: the SDK trims it (<c>/x</c> and <c>x/</c> both address <c>x</c>).</item>
/// <item><c>\</c>: Azurite stores <c>a\b</c> as <c>a/b</c> and <c>a\..\b</c> as <c>a/../b</c>, so
/// a name holding one (which Azure may store) addresses another blob, and a derived name holding
/// one lands elsewhere.</item>
/// <item>control characters (C0 including NUL, DEL, C1): a name holding a C0 control other than
/// TAB, LF or CR makes Azurite's listing of its whole container fail (HTTP 500), so a derived
/// name holding one would stop every listing of the state container. TAB, LF, CR, DEL and C1 do
/// round-trip through Azurite, but only because its listing escapes CR as <c>&amp;#xD;</c>; XML
/// end-of-line handling turns CR and CRLF into LF anywhere that does not, and none of them has a
/// visible form in logs or the dashboard. All of them are refused alike.</item>
/// <item>lone surrogates: <see cref="Uri"/> replaces them with U+FFFD, so the name addressed is not
/// the name listed (Azurite refuses them on upload: HTTP 500).</item>
/// <item>noncharacters: U+FFFE and U+FFFF make Azurite's listing fail like C0 controls; the other
/// 64 list and address correctly, but Unicode reserves them all for internal use, so all are
/// refused alike.</item>
/// </list>
/// Safe, by the same evidence: <c>%</c> sequences (the SDK sends <c>%</c> as <c>%25</c> and
/// Azurite decodes it once, so <c>a%2e%2e</c> addresses <c>a%2e%2e</c>), <c>?</c>, <c>#</c>,
/// spaces, empty inner segments (<c>a//b</c>), segments ending in a dot (<c>a./b</c>), look-alike
/// dots (U+FF0E, U+2024), any other Unicode. Length: Azurite accepts and addresses names longer
/// than Azure's 1,024 characters; names derived from long ones are shortened (<see cref="BlobNames"/>),
/// so length alone never makes a name unsafe.
/// </remarks>
public static class BlobNameSafety
{
    /// <summary>True when the name addresses exactly the blob it names.</summary>
    public static bool IsAddressable(string name) => Problem(name) is null;

    /// <summary>Why the name cannot be addressed safely, in words; null when it can.</summary>
    public static string? Problem(string name)
    {
        if (name.Length == 0)
            return "it is empty";
        if (name[0] == '/')
            return "it starts with '/'";
        if (name[^1] == '/')
            return "it ends with '/'";
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c == '\\')
                return "it contains '\\', which storage reads as '/'";
            if (char.IsControl(c))
                return $"it contains the control character U+{(int)c:X4}";
            if (char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
            {
                if (IsNoncharacter(char.ConvertToUtf32(c, name[i + 1])))
                    return $"it contains the noncharacter U+{char.ConvertToUtf32(c, name[i + 1]):X}";
                i++;
                continue;
            }
            if (char.IsSurrogate(c))
                return $"it contains a lone surrogate (U+{(int)c:X4})";
            if (IsNoncharacter(c))
                return $"it contains the noncharacter U+{(int)c:X4}";
        }
        foreach (var segment in name.Split('/'))
        {
            if (segment is "." or "..")
                return $"it has a '{segment}' path segment";
        }
        return null;
    }

    /// <summary>U+FDD0–U+FDEF and the last two code points of every plane.</summary>
    private static bool IsNoncharacter(int codePoint) =>
        codePoint is >= 0xFDD0 and <= 0xFDEF || (codePoint & 0xFFFE) == 0xFFFE;
}

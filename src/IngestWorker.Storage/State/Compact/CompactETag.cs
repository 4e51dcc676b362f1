using System.Globalization;

namespace IngestWorker.State.Compact;

/// <summary>
/// An ETag in 9 bytes, losslessly: Azure Storage's form <c>"0x8DD1A2B3C4D5E6F"</c> (quotes, 0x,
/// up to 16 upper-case hex digits) is the number and its digit count; any other form is kept once
/// in a table and named by its number there.
/// </summary>
internal static class CompactETag
{
    /// <summary>No ETag (no entry).</summary>
    public const byte None = 0;

    /// <summary>An ETag of another form: the value is its number in the table.</summary>
    public const byte Listed = 0xFF;

    public static (ulong Value, byte Shape) Encode(string etag, StringCodes others) =>
        TryShaped(etag, out var value, out var shape) ? (value, shape) : ((ulong)others.GetOrAdd(etag), Listed);

    public static string Decode(ulong value, byte shape, StringCodes others) => shape switch
    {
        Listed => others[(int)value],
        >= 1 and <= 16 => "\"0x" + value.ToString("X" + shape.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + "\"",
        _ => throw new InvalidOperationException($"No ETag of shape {shape}."),
    };

    /// <summary>True when the encoded ETag is <paramref name="etag"/>, without building a string or adding to the table.</summary>
    public static bool Matches(ulong value, byte shape, string etag, StringCodes others)
    {
        if (shape == Listed)
            return !TryShaped(etag, out _, out _) && others.Find(etag) is var code && code >= 0 && (ulong)code == value;
        return TryShaped(etag, out var probe, out var probeShape) && probeShape == shape && probe == value;
    }

    private static bool TryShaped(string etag, out ulong value, out byte shape)
    {
        value = 0;
        shape = 0;
        var digits = etag.Length - 4;
        if (digits is < 1 or > 16 || !etag.StartsWith("\"0x", StringComparison.Ordinal) || etag[^1] != '"')
            return false;
        foreach (var c in etag.AsSpan(3, digits))
        {
            var digit = c is >= '0' and <= '9' ? c - '0' : c is >= 'A' and <= 'F' ? c - 'A' + 10 : -1;
            if (digit < 0)
                return false;
            value = value << 4 | (uint)digit;
        }
        shape = (byte)digits;
        return true;
    }
}

using System.IO.Compression;
using System.Text;
using CsCheck;

namespace IngestWorker.Text.Tests.Fuzz;

/// <summary>One dropped file: its name and its bytes.</summary>
internal sealed record FuzzInput(string Name, byte[] Bytes)
{
    /// <summary>The input as a failure report shows it: the name, and the bytes as C# string escapes (or hex when they are not UTF-8).</summary>
    public override string ToString() => $"{Name} ({Bytes.Length} bytes): {Describe(Bytes)}";

    public static string Describe(byte[] bytes)
    {
        var text = System.Text.Unicode.Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : null;
        return text is null ? "0x" + Convert.ToHexString(bytes) : "\"" + Escape(text) + "\"";
    }

    public static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when c < ' ' || c > '~' => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        }
        return builder.ToString();
    }
}

/// <summary>
/// Whole inputs for the pipeline: generated documents of each format in a variety of encodings,
/// real articles (seeds/ and the tests' samples) mutated byte by byte, random bytes, and gzip
/// wrappers, under names whose extension mostly, but not always, matches the content.
/// </summary>
internal static class FuzzInputs
{
    // Names are data: dot segments, trailing slashes, percent escapes and control characters included.
    private static readonly string[] Stems =
    [
        "a", "news/2024/article", "x.y", "dir/sub dir/caf\u00E9", "UPPER", "-", "a..b", "../../cleaned/zz/victim", "./a", "dir/",
        "%2e%2e/x", "nul\u0000name", "tab\tname", "e\u0301\u0301", "\u202Etxt.exe", new string('n', 1000),
    ];

    private static readonly (string Extension, Format Format)[] Extensions =
    [
        (".txt", Format.Text), (".TXT", Format.Text), (".text", Format.Text),
        (".html", Format.Html), (".htm", Format.Html), (".xhtml", Format.Html),
        (".md", Format.Markdown), (".markdown", Format.Markdown),
        (".json", Format.Json),
    ];

    private enum Format { Text, Html, Markdown, Json }

    /// <summary>The corpus mutations start from: the repository's sample articles and small documents of each format.</summary>
    private static readonly byte[][] Corpus = BuildCorpus();

    /// <summary>A generated document of one format, encoded one of the ways files come.</summary>
    private static Gen<FuzzInput> Generated() =>
        Gen.Select(Gen.OneOf(Extensions), Gen.OneOf(Stems), Gen.Int[0, 9]).SelectMany((ext, stem, mismatch) =>
        {
            // One time in ten the content is of another format than the name says.
            var format = mismatch == 0 ? (Format)(((int)ext.Format + 1) % 4) : ext.Format;
            var content = format switch
            {
                Format.Html => Gen.Frequency((9, FuzzText.Html), (1, FuzzText.Nested)),
                Format.Markdown => FuzzText.Markdown,
                Format.Json => FuzzText.Json,
                _ => FuzzText.PlainText,
            };
            return Gen.Select(content, Encoded).Select((text, encode) => new FuzzInput(stem + ext.Extension, encode(text)));
        });

    /// <summary>Ways to turn text into bytes: UTF-8 (with and without a BOM), UTF-16/32 with BOMs, UTF-16 without, legacy code pages.</summary>
    public static Gen<Func<string, byte[]>> Encoded { get; } = Gen.Frequency<Func<string, byte[]>>(
        (8, Gen.Const<Func<string, byte[]>>(Encoding.UTF8.GetBytes)),
        (1, Gen.Const<Func<string, byte[]>>(t => [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(t)])),
        (1, Gen.Const<Func<string, byte[]>>(t => [0xFF, 0xFE, .. CodeUnits(t, bigEndian: false)])),
        (1, Gen.Const<Func<string, byte[]>>(t => [0xFE, 0xFF, .. CodeUnits(t, bigEndian: true)])),
        (1, Gen.Const<Func<string, byte[]>>(t => CodeUnits(t, bigEndian: false))),
        (1, Gen.Const<Func<string, byte[]>>(t => [0xFF, 0xFE, 0x00, 0x00, .. new UTF32Encoding(false, false).GetBytes(t)])),
        (2, Gen.OneOf("windows-1252", "windows-1251", "iso-8859-5", "iso-8859-2", "koi8-r", "shift_jis", "gb18030", "windows-1256", "big5")
            .Select<string, Func<string, byte[]>>(name => t => Encoding.GetEncoding(name).GetBytes(t))));

    /// <summary>UTF-16 code units as they are, lone surrogates included (an encoder would replace them).</summary>
    private static byte[] CodeUnits(string text, bool bigEndian)
    {
        var bytes = new byte[text.Length * 2];
        for (var i = 0; i < text.Length; i++)
        {
            bytes[2 * i + (bigEndian ? 1 : 0)] = (byte)text[i];
            bytes[2 * i + (bigEndian ? 0 : 1)] = (byte)(text[i] >> 8);
        }
        return bytes;
    }

    /// <summary>A real document with a few byte-level edits, under a name of any format.</summary>
    private static Gen<FuzzInput> Mutated() =>
        Gen.Select(Gen.Int[0, Corpus.Length - 1], Mutation.Array[1, 8], Gen.OneOf(Extensions), Gen.OneOf(Stems))
            .Select((index, mutations, ext, stem) =>
            {
                var bytes = Corpus[index];
                foreach (var mutate in mutations)
                    bytes = mutate(bytes);
                return new FuzzInput(stem + ext.Extension, bytes);
            });

    /// <summary>One byte-level edit: flip, overwrite, insert, delete, duplicate, splice in hostile text or another document, truncate.</summary>
    public static Gen<Func<byte[], byte[]>> Mutation { get; } = Gen.Frequency(
        (2, Gen.Select(Position, Gen.Int[0, 7]).Select(FlipBit)),
        (2, Gen.Select(Position, Gen.Byte).Select(SetByte)),
        (2, Gen.Select(Position, Gen.Byte.Array[1, 8]).Select(Insert)),
        (2, Gen.Select(Position, FuzzText.Atom).Select((at, atom) => Insert(at, Encoding.UTF8.GetBytes(atom)))),
        (1, Gen.Select(Position, Gen.Int[1, 400]).Select(Delete)),
        (1, Gen.Select(Position, Gen.Int[1, 400], Position).Select(Duplicate)),
        (1, Gen.Select(Position, Gen.Int[0, Corpus.Length - 1]).Select((at, other) => Insert(at, Corpus[other]))),
        (1, Position.Select(Truncate)));

    /// <summary>A position in the input, taken modulo its length when the edit is made.</summary>
    private static Gen<int> Position => Gen.Int[0, int.MaxValue];

    private static Func<byte[], byte[]> FlipBit(int at, int bit) => b => b.Length == 0 ? b : Edit(b, c => c[at % c.Length] ^= (byte)(1 << bit));

    private static Func<byte[], byte[]> SetByte(int at, byte value) => b => b.Length == 0 ? b : Edit(b, c => c[at % c.Length] = value);

    private static Func<byte[], byte[]> Insert(int at, byte[] insert) => b => Splice(b, at, 0, insert);

    private static Func<byte[], byte[]> Delete(int at, int length) => b => Splice(b, at, length, []);

    private static Func<byte[], byte[]> Duplicate(int from, int length, int to) => b =>
        b.Length == 0 ? b : Splice(b, to, 0, b.AsSpan(from % b.Length, Math.Min(length, b.Length - from % b.Length)).ToArray());

    private static Func<byte[], byte[]> Truncate(int at) => b => b.Length == 0 ? b : b[..(at % b.Length)];

    private static byte[] Edit(byte[] bytes, Action<byte[]> edit)
    {
        var copy = (byte[])bytes.Clone();
        edit(copy);
        return copy;
    }

    private static byte[] Splice(byte[] bytes, int at, int remove, byte[] insert)
    {
        at = bytes.Length == 0 ? 0 : at % (bytes.Length + 1);
        remove = Math.Min(remove, bytes.Length - at);
        return [.. bytes.AsSpan(0, at), .. insert, .. bytes.AsSpan(at + remove)];
    }

    /// <summary>
    /// The input gzip-compressed, mostly named .gz: whole, as two concatenated members, compressed
    /// twice, or with one byte of the deflate stream changed. Never cut short: a truncated gzip is
    /// read as far as it goes today (a known fault, fixed apart), which the properties here cannot tell.
    /// </summary>
    private static Gen<FuzzInput> Gzipped(FuzzInput input) =>
        Gen.Select(Gen.Int[0, 5], Gen.Int[0, int.MaxValue], Gen.Byte).Select((shape, at, value) =>
        {
            var gzip = Gzip(input.Bytes);
            var bytes = shape switch
            {
                1 => [.. gzip, .. Gzip(input.Bytes)],
                2 => Gzip(gzip),
                // Inside the deflate data (past the 10-byte header, before the 8-byte trailer).
                3 when gzip.Length > 18 => Edit(gzip, c => c[10 + at % (c.Length - 18)] = value),
                _ => gzip,
            };
            return new FuzzInput(shape == 4 ? input.Name : input.Name + ".gz", bytes);
        });

    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(bytes);
        return output.ToArray();
    }

    private static byte[][] BuildCorpus()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var corpus = TestData.SeedPaths.Select(File.ReadAllBytes).ToList();
        corpus.AddRange(new[]
        {
            "<!doctype html><html><head><title>River plan | Example News</title><meta property=\"og:title\" content=\"River plan\">"
                + "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"headline\":\"River plan\",\"datePublished\":\"2024-03-05\",\"author\":{\"name\":\"Jane Doe\"}}</script></head>"
                + "<body><nav><a href=\"/\">Home</a> <a href=\"/n\">News</a></nav><article><h1>River plan</h1><p class=\"byline\">By Jane Doe, Nov 18, 2019 at 9:24 pm ET</p>"
                + "<p>The council met on Tuesday and voted on the new plan for the river bank, which has been argued about for years.</p>"
                + "<figure><img src=a.png><figcaption>The river bank in May.</figcaption></figure>"
                + "<p>Residents said they were pleased that the matter was settled at last, though some still want a public vote.</p></article>"
                + "<aside class=\"related\"><h2>Related</h2><ul><li><a href=\"/x\">Another story about rivers</a></li></ul></aside>"
                + "<footer>Copyright 2024 Example News. All rights reserved.</footer></body></html>",
            "---\ntitle: River plan\ndate: 2024-03-05\nauthor: Jane Doe\n---\n# River plan\n\nThe council met on **Tuesday** and voted on the [new plan](https://example.com/plan).\n\n"
                + "- first point\n- second point\n\n> A quote from a resident.\n\n```\ncode block\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
            "{\"title\":\"River plan\",\"url\":\"https://example.com/river\",\"date\":\"2024-03-05\",\"author\":{\"name\":\"Jane Doe\"},"
                + "\"text\":\"The council met on Tuesday and voted on the new plan for the river bank.\\n\\nResidents said they were pleased.\"}",
            "{\"headline\":\"x\",\"content\":\"<p>The council met on Tuesday.</p><p>Residents said they were pleased that the matter was settled.</p>\"}",
            "Hello world.",
            "\u65E5\u672C\u8A9E\u306E\u30C6\u30AD\u30B9\u30C8\u3067\u3059\u3002\u3053\u308C\u306F\u8A18\u4E8B\u3067\u3059\u3002\n\n\u0E20\u0E32\u0E29\u0E32\u0E44\u0E17\u0E22 \u0E04\u0E37\u0E2D",
        }.Select(Encoding.UTF8.GetBytes));
        corpus.Add(Encoding.GetEncoding("windows-1252").GetBytes("Caf\u00E9 cr\u00E8me \u2014 na\u00EFve r\u00E9sum\u00E9, \u00A9 2024 \u20AC5."));
        return [.. corpus];
    }

    // Last: static fields initialise in order, and this one uses the generators above.
    public static Gen<FuzzInput> Any { get; } = Gen.Frequency(
        (6, Generated()),
        (3, Mutated()),
        (1, Gen.Select(Gen.OneOf(Extensions.Select(e => e.Extension).Concat([".gz", ".pdf", "", ".txt.", ".tar.gz"]).ToArray()), Gen.Byte.Array[0, 300])
            .Select((ext, bytes) => new FuzzInput("random" + ext, bytes))))
        .SelectMany(input => Gen.Frequency(
            (5, Gen.Const(input)),
            (1, Gzipped(input))));
}

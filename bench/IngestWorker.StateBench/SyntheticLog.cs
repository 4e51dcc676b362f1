using System.Buffers.Binary;
using IngestWorker.State;
using IngestWorker.Text.Dedup;
using IngestWorker.Text.Dedup.Near;

/// <summary>
/// A state log of original documents only, as the memory target describes them: per
/// document a content hash claim, 14 band claims, its cluster, its template observation and its
/// decision; names like <c>feeds/2026/12/07/site-1234/article-567890.html</c> in one container,
/// Azure-style ETags, ~1,000 sites that receive their documents in folders of 50.
/// </summary>
internal sealed class SyntheticLog(int documents, int documentsPerSegment, int sites, int seed = 17, int firstDocument = 0)
{
    public const string Container = "input";
    private const int Bands = 14;
    private const int Rows = 8;
    private const int TemplateLinesPerDocument = 10;
    private const int ContentLinesPerDocument = 20;

    public int Segments => (documents + documentsPerSegment - 1) / documentsPerSegment;

    public static string NameOf(int document, int sites) =>
        $"feeds/2026/12/07/site-{SiteOf(document, sites):D4}/article-{document:D6}.html";

    /// <summary>The log's segments as the state log stores them (the codec a catching-up worker decodes).</summary>
    public IEnumerable<byte[]> Encoded(SegmentHeader header) => Generate().Select(ops => SegmentCodec.Encode(header, ops));

    public IEnumerable<List<StateOp>> Generate()
    {
        var random = new Random(seed);
        var values = new ulong[Bands * Rows];
        var bytes = new byte[values.Length * sizeof(ulong)];
        var ops = new List<StateOp>();
        for (var document = firstDocument; document < firstDocument + documents; document++)
        {
            var name = NameOf(document, sites);
            var site = SiteOf(document, sites);
            var etag = $"\"0x8DD{random.NextInt64(1L << 48):X12}\"";
            var hash = Convert.ToHexStringLower(BitConverterRandom(random, 32));
            for (var i = 0; i < values.Length; i++)
                values[i] = (ulong)random.NextInt64() ^ (ulong)random.Next() << 63;
            for (var i = 0; i < values.Length; i++)
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), values[i]);
            var signature = new MinHashSignature(values, 400);
            var self = new BandEntry(Container, name, Convert.ToBase64String(bytes));
            ops.Add(new HashClaimed(hash, new HashOwner(Container, name, etag)));
            for (var band = 0; band < Bands; band++)
                ops.Add(new BandClaimed(band, signature.BandKey(band, Rows), self));
            ops.Add(new ClusterSet(Container, name, name));
            var lines = new ulong[TemplateLinesPerDocument + ContentLinesPerDocument];
            for (var i = 0; i < TemplateLinesPerDocument; i++)
                lines[i] = (ulong)site << 32 | (uint)i; // the site's furniture
            for (var i = TemplateLinesPerDocument; i < lines.Length; i++)
                lines[i] = (ulong)random.NextInt64();
            ops.Add(new TemplateObserved($"site-{site:D4}.example", Container + "/" + name, lines));
            ops.Add(new DocumentDecided(Container, name, etag, "accepted"));
            if ((document - firstDocument + 1) % documentsPerSegment == 0 || document == firstDocument + documents - 1)
            {
                yield return ops;
                ops = [];
            }
        }
    }

    private static int SiteOf(int document, int sites) => document / 50 % sites;

    private static byte[] BitConverterRandom(Random random, int length)
    {
        var b = new byte[length];
        random.NextBytes(b);
        return b;
    }
}

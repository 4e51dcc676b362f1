using System.Text;
using IngestWorker.State;
using IngestWorker.Text.Dedup;
using IngestWorker.Text.Dedup.Near;

namespace IngestWorker.Tests.State;

public sealed class SegmentCodecTests
{
    private static readonly SegmentHeader Header = new("host-1/4242", new StateLogSchema("w5-b14x8-s1", 4096, 4, 200));

    [Fact]
    public void Every_operation_comes_back_as_it_was_written_in_order()
    {
        var hash = new string('a', 32) + "0123456789abcdef0123456789abcdef";
        var signature = Convert.ToBase64String(Enumerable.Range(0, 900).Select(i => (byte)i).ToArray());
        StateOp[] ops =
        [
            new HashClaimed(hash, new HashOwner("incoming", "news/a.txt", "\"0x8DC1\"")),
            new BandClaimed(3, ulong.MaxValue - 7, new BandEntry("incoming", "news/a.txt", signature)),
            new ClusterSet("incoming", "news/b.txt", "news/a.txt"),
            new TemplateObserved("folder:incoming/news", "incoming/news/a.txt", [1, 2, ulong.MaxValue]),
            new DocumentDecided("incoming", "news/a.txt", "\"0x8DC1\"", "accepted"),
            // Not hex, not base64, and a lone surrogate: kept exactly, not as U+FFFD.
            new DocumentDecided("incoming", "odd/\uD800name ü.txt", "0x1", "rejected"),
        ];

        var (header, segment) = SegmentCodec.Decode(SegmentCodec.Encode(Header, ops));

        Assert.Equal(Header, header);
        Assert.Equal(ops.Length, segment.Ops.Count);
        for (var i = 0; i < ops.Length; i++)
        {
            if (ops[i] is TemplateObserved expected)
            {
                var actual = Assert.IsType<TemplateObserved>(segment.Ops[i]);
                Assert.Equal((expected.Site, expected.DocumentId), (actual.Site, actual.DocumentId));
                Assert.Equal(expected.LineKeys, actual.LineKeys);
            }
            else
            {
                Assert.Equal(ops[i], segment.Ops[i]);
            }
        }
    }

    [Fact]
    public void A_documents_band_claims_store_its_signature_and_names_once()
    {
        var signature = Convert.ToBase64String(Enumerable.Range(0, 896).Select(i => (byte)(i * 7)).ToArray());
        var owner = new BandEntry("incoming", "wire/story-0001.txt", signature);
        var ops = Enumerable.Range(0, 14).Select(band => (StateOp)new BandClaimed(band, (ulong)band * 1_000_003, owner)).ToList();

        var bytes = SegmentCodec.Encode(Header, ops);

        // The signature's 896 bytes once, plus 13 bytes per claim; as text, 14 copies would be 16 KB.
        Assert.InRange(bytes.Length, 896, 896 + 14 * 13 + 150);
        Assert.Equal(ops, SegmentCodec.Decode(bytes).Segment.Ops);
    }

    [Fact]
    public void Damage_and_unknown_formats_are_reported_not_misread()
    {
        var bytes = SegmentCodec.Encode(Header, [new DocumentDecided("in", "a.txt", "0x1", "accepted")]);

        Assert.Throws<InvalidDataException>(() => SegmentCodec.Decode(bytes[..^3]));
        Assert.Throws<InvalidDataException>(() => SegmentCodec.Decode([.. bytes, 0]));
        var newer = bytes.ToArray();
        newer[4] = 99;
        Assert.Contains("format 99", Assert.Throws<InvalidDataException>(() => SegmentCodec.Decode(newer)).Message);
        Assert.Throws<InvalidDataException>(() => SegmentCodec.Decode(Encoding.UTF8.GetBytes("{\"not\":\"a segment\"}")));
    }

    [Fact]
    public void A_log_under_other_minhash_settings_is_refused_with_what_to_change()
    {
        var mine = new StateLogSchema("w5-b14x8-s1", 4096, 4, 200);

        Assert.Null(mine.Conflict(mine with { TemplateMinDocuments = 9 }, "1", "segment 1"));
        var conflict = mine.Conflict(mine with { MinHashScheme = "w5-b20x5-s1" }, "1", "segment 1");
        Assert.NotNull(conflict);
        Assert.Contains("w5-b20x5-s1", conflict);
        Assert.Contains("ingestWorker:pipeline:version", conflict);
        Assert.Equal("w5-b14x8-s1", StateLogSchema.SchemeOf(new MinHashOptions()));
    }
}

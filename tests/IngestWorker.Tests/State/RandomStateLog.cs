using System.Buffers.Binary;
using IngestWorker.State;
using IngestWorker.Text.Dedup;
using IngestWorker.Text.Dedup.Near;

namespace IngestWorker.Tests.State;

/// <summary>
/// Random operations over small sets of names, hashes, band keys, sites and lines, so that claims
/// collide, decisions repeat and sites overflow: what the equivalence tests replay on the compact
/// and the reference index.
/// </summary>
internal sealed class RandomStateLog(int seed)
{
    private readonly Random _random = new(seed);
    private readonly string[] _fullSignatures = Enumerable.Range(0, 4).Select(i => FullSignature(seed * 31 + i)).ToArray();

    public static readonly string[] Containers = ["input", "other-input"];
    public static readonly string[] Names = [.. Enumerable.Range(0, 24).Select(i => $"feeds/2026/12/07/site-{i % 3}/article-{i}.html"), "é/naïve name ✓.md", "plain"];
    public static readonly string[] ETags = ["\"0x8DD1A2B3C4D5E6F\"", "\"0x0\"", "\"0x00FF\"", "\"0xFFFFFFFFFFFFFFFF\"", "W/\"weak\"", "\"0x8dd1a2b3\"", "", "\"0x\""];
    public static readonly string[] Statuses = ["accepted", "rejected", "failed"];
    public static readonly string[] Hashes =
        [.. Enumerable.Range(0, 6).Select(i => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData([(byte)i]))), "h1", "not-a-sha"];
    public static readonly ulong[] BandKeys = [0, 1, 0xFFFF_FFFF_0000_0000, 0x0123_4567_89AB_CDEF, 42, ulong.MaxValue];
    public static readonly int[] BandNumbers = [0, 1, 13, 14, 20];
    public static readonly string[] Sites = ["a.example", "b.example", "c.example"];
    public static readonly ulong[] LineKeys = [.. Enumerable.Range(0, 30).Select(i => (ulong)i * 0x9E3779B97F4A7C15UL)];

    public static IEnumerable<string> DocumentIds =>
        Containers.SelectMany(c => Names.Select(n => c + "/" + n)).Append("no-slash").Append("/leading");

    public IReadOnlyList<StateOp> Segment(int ops) => Enumerable.Range(0, ops).Select(_ => Op()).ToArray();

    public StateOp Op() => _random.Next(5) switch
    {
        0 => new HashClaimed(Pick(Hashes), new HashOwner(Pick(Containers), Pick(Names), Pick(ETags))),
        1 => new BandClaimed(Pick(BandNumbers), Pick(BandKeys), new BandEntry(Pick(Containers), Pick(Names), Signature())),
        2 => new ClusterSet(Pick(Containers), Pick(Names), Pick(Names)),
        3 => new TemplateObserved(Pick(Sites), DocumentId(), Lines()),
        _ => new DocumentDecided(Pick(Containers), Pick(Names), Pick(ETags), Pick(Statuses)),
    };

    public T Pick<T>(IReadOnlyList<T> values) => values[_random.Next(values.Count)];

    public string Signature() => _random.Next(4) == 0 ? Pick(["sig-a", "sig-b", "x"]) : Pick(_fullSignatures);

    public string DocumentId() => _random.Next(10) switch
    {
        0 => "no-slash",
        1 => "/leading",
        _ => Pick(Containers) + "/" + Pick(Names),
    };

    public ulong[] Lines() => Enumerable.Range(0, _random.Next(0, 8)).Select(_ => Pick(LineKeys)).ToArray();

    public static string FullSignature(int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[112 * sizeof(ulong)];
        for (var i = 0; i < 112; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), (ulong)random.NextInt64());
        return Convert.ToBase64String(bytes);
    }
}

using System.Text;
using IngestWorker.State.Compact;

namespace IngestWorker.Tests.State;

/// <summary>
/// The parts of the compact index that the random-log equivalence tests do not reach at their
/// small sizes: a band large enough for the directory form, and the spill file past its buffer.
/// </summary>
public sealed class CompactPartsTests
{
    [Fact]
    public void A_large_band_finds_every_claim_in_its_directory_form_and_checkpoints_the_same_claims()
    {
        var claims = new BandClaims();
        var random = new Random(3);
        var expected = new Dictionary<uint, int>();
        var keys = new List<ulong>();
        for (var owner = 0; owner < BandClaims.SmallBandClaims * 2 + 1_000; owner++)
        {
            var key = (ulong)random.NextInt64();
            // A key whose 32 bits an earlier key took keeps the earlier owner (first writer wins).
            if (expected.TryAdd(BandClaims.KeyOf(key), owner))
                keys.Add(key);
            claims.TryAdd(band: 2, key, owner);
        }

        foreach (var key in keys)
            Assert.Equal(expected[BandClaims.KeyOf(key)], claims.Find(2, key));
        Assert.Equal(-1, claims.Find(2, FreshKey(random, expected)));
        Assert.Equal(-1, claims.Find(1, keys[0]));
        // 5 bytes a claim and the 256 KiB directory, not 8 bytes a claim (plus the table since the last merge).
        Assert.True(claims.AllocatedBytes < keys.Count * 6L + 300_000 + 24L * keys.Count / 32, $"{claims.AllocatedBytes} bytes for {keys.Count} claims");

        var read = RoundTrip(claims, owners: BandClaims.SmallBandClaims * 3);
        foreach (var key in keys)
            Assert.Equal(expected[BandClaims.KeyOf(key)], read.Find(2, key));
        Assert.Equal(Bytes(claims), Bytes(read));
    }

    [Fact]
    public void A_band_keeps_owners_past_three_bytes()
    {
        var claims = new BandClaims();
        var random = new Random(4);
        var owners = new Dictionary<ulong, int>();
        // Three-byte owners until the band has taken the directory form, then wider ones merged in.
        for (var i = 0; i < BandClaims.SmallBandClaims + 20_000; i++)
        {
            var key = (ulong)random.NextInt64();
            var owner = i < BandClaims.SmallBandClaims + 2_000 ? i : (1 << 24) + i;
            if (claims.Find(0, key) < 0)
                owners[key] = owner;
            claims.TryAdd(0, key, owner);
        }

        foreach (var (key, owner) in owners)
            Assert.Equal(owner, claims.Find(0, key));
        var read = RoundTrip(claims, owners: (1 << 24) + BandClaims.SmallBandClaims + 20_000);
        foreach (var (key, owner) in owners)
            Assert.Equal(owner, read.Find(0, key));
    }

    [Fact]
    public void The_spill_file_gives_back_every_value_from_its_buffer_and_from_the_file()
    {
        using var spill = new SpillFile();
        var random = new Random(5);
        var values = new List<(uint Position, byte[] Value)>();
        // Past the 1 MiB buffer several times; lengths across the one- and two-byte headers and the first read's 256 bytes.
        while (spill.Length < 5_000_000)
        {
            var value = new byte[random.Next(4) switch { 0 => random.Next(0, 130), 1 => random.Next(200, 300), 2 => random.Next(1_000, 20_000), _ => random.Next(0, 60) }];
            random.NextBytes(value);
            values.Add((spill.Add(value), value));
        }

        foreach (var (position, value) in values)
            Assert.Equal(value, spill.Get(position));
        var inOrder = spill.ReadInOrder();
        foreach (var (position, value) in values)
            Assert.Equal(value, inOrder.Get(position).ToArray());
        Assert.True(spill.AllocatedBytes <= 1 << 20, "The spill file's values are not kept in memory.");
    }

    [Fact]
    public void A_temporary_directory_that_cannot_be_written_is_named_in_the_error()
    {
        var missing = Path.Combine(Path.GetTempPath(), "ingestworker-no-such-dir-" + Guid.NewGuid().ToString("N"), "deeper");

        using var spill = new SpillFile(missing);
        spill.Add([1, 2, 3]);

        // The file is opened when the first buffer goes to disk.
        var error = Assert.Throws<IOException>(spill.Flush);

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("TMPDIR", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_spill_file_refuses_a_value_longer_than_any_name_or_signature()
    {
        using var spill = new SpillFile();
        Assert.Throws<ArgumentException>(() => spill.Add(new byte[SpillFile.MaxLength + 1]));
        Assert.Equal(Encoding.UTF8.GetBytes("kept"), spill.Get(spill.Add(Encoding.UTF8.GetBytes("kept"))));
    }

    private static ulong FreshKey(Random random, Dictionary<uint, int> taken)
    {
        while (true)
        {
            var key = (ulong)random.NextInt64();
            if (!taken.ContainsKey(BandClaims.KeyOf(key)))
                return key;
        }
    }

    private static BandClaims RoundTrip(BandClaims claims, int owners)
    {
        var read = new BandClaims();
        using var reader = new BinaryReader(new MemoryStream(Bytes(claims)));
        read.ReadFrom(reader, owners);
        return read;
    }

    private static byte[] Bytes(BandClaims claims)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            claims.WriteTo(writer);
        return stream.ToArray();
    }
}

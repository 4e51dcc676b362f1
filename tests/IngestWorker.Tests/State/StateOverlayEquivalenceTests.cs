using IngestWorker.State;
using IngestWorker.Text.Dedup;
using IngestWorker.Text.Dedup.Near;

namespace IngestWorker.Tests.State;

/// <summary>
/// A batch's overlay answers what <see cref="StateIndex.Apply"/> of its recorded operations would
/// answer, call after call, over a committed compact index: the batch runner commits exactly what
/// its documents were told.
/// </summary>
public sealed class StateOverlayEquivalenceTests
{
    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    public async Task Every_answer_of_the_overlay_is_what_applying_its_ops_gives(int seed)
    {
        // Many lines per site: the overlay forgets no rare line until the segment is applied.
        const int MaxLines = 4096;
        var log = new RandomStateLog(seed);
        var committed = new StateIndex(MaxLines);
        for (var sequence = 1; sequence <= 15; sequence++)
            committed.Apply(sequence, log.Segment(20));
        var checkpoint = Write(committed);
        var overlay = new StateOverlay(committed);
        var random = new Random(seed);

        for (var call = 0; call < 300; call++)
        {
            var container = log.Pick(RandomStateLog.Containers);
            var name = log.Pick(RandomStateLog.Names);
            StateIndex Applied()
            {
                var index = StateIndex.ReadCheckpoint(new MemoryStream(checkpoint));
                index.Apply(committed.Sequence + 1, overlay.Ops);
                return index;
            }
            switch (random.Next(5))
            {
                case 0:
                    {
                        var hash = log.Pick(RandomStateLog.Hashes);
                        var owner = await overlay.ClaimAsync(hash, new HashOwner(container, name, log.Pick(RandomStateLog.ETags)), default);
                        Assert.Equal(Applied().OwnerOfHash(hash), owner);
                        break;
                    }
                case 1:
                    {
                        var band = log.Pick(RandomStateLog.BandNumbers);
                        var key = log.Pick(RandomStateLog.BandKeys);
                        var owner = await overlay.ClaimBandAsync(band, key, new BandEntry(container, name, log.Signature()), default);
                        Assert.Equal(Applied().OwnerOfBand(band, key), StateIndexLookups.Stored(owner));
                        break;
                    }
                case 2:
                    await overlay.SetRepresentativeAsync(container, name, log.Pick(RandomStateLog.Names), default);
                    Assert.Equal(Applied().RepresentativeOf(container, name), await overlay.GetRepresentativeAsync(container, name, default));
                    break;
                case 3:
                    {
                        var site = log.Pick(RandomStateLog.Sites);
                        var lines = log.Lines();
                        var counts = await overlay.ObserveAsync(site, log.DocumentId(), lines, default);
                        var applied = Applied();
                        Assert.Equal(lines.Distinct().Order(), counts.Keys.Order());
                        Assert.All(counts, c => Assert.Equal(applied.LineCount(site, c.Key), c.Value));
                        break;
                    }
                default:
                    {
                        var etag = log.Pick(RandomStateLog.ETags);
                        var status = log.Pick(RandomStateLog.Statuses);
                        overlay.Decided(container, name, etag, status);
                        Assert.Equal(new DocumentRecord(etag, status), Applied().DocumentOf(container, name));
                        break;
                    }
            }
        }
        Assert.NotEmpty(overlay.Ops);
    }

    private static byte[] Write(StateIndex index)
    {
        using var stream = new MemoryStream();
        index.WriteCheckpoint(stream);
        return stream.ToArray();
    }
}

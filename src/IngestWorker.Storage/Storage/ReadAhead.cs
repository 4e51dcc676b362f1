using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace IngestWorker.Storage;

public static class ReadAheadExtensions
{
    /// <summary>
    /// Enumerates <paramref name="source"/> on a task of its own, at most <paramref name="capacity"/>
    /// items ahead of the reader. Two paged listings read side by side (a merge of both) then fetch
    /// their pages at the same time instead of each waiting for the other's.
    /// </summary>
    public static async IAsyncEnumerable<T> ReadAheadAsync<T>(this IAsyncEnumerable<T> source, int capacity, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(async () =>
        {
            try
            {
                await foreach (var item in source.WithCancellation(stop.Token).ConfigureAwait(false))
                    await channel.Writer.WriteAsync(item, stop.Token).ConfigureAwait(false);
                channel.Writer.TryComplete();
            }
            catch (Exception e)
            {
                channel.Writer.TryComplete(e);
            }
        }, CancellationToken.None);
        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var item))
                    yield return item;
            }
        }
        finally
        {
            // The reader may stop early (the merge needs no more): the source is stopped too, and
            // left only once it has let go of its storage call.
            await stop.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(false);
        }
    }
}

using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using IngestWorker.Options;
using IngestWorker.State;
using IngestWorker.Storage;
using IngestWorker.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IngestWorker.Cli;

/// <summary>
/// Copies the dedup records of the layout before the state log (<see cref="LegacyStateLayout"/>:
/// content-hash owners, and the band and cluster records of the configured MinHash scheme) into the
/// state log of the configured pipeline version, as segments of <see cref="HashClaimed"/>,
/// <see cref="BandClaimed"/> and <see cref="ClusterSet"/> operations.
/// </summary>
/// <remarks>
/// It appends like a worker does (put-if-absent of the next segment number; on a conflict it catches
/// up and tries again), so it may run while workers run: a hash or band a worker claimed first keeps
/// its owner (the log's first writer wins), and a cluster a worker set is kept. A record the loaded
/// log already holds is neither read nor appended, so a second run appends nothing. Site-template
/// counts are not carried over: they are learned again after <c>siteTemplates:minDocuments</c>
/// documents of a site. The old records are left in place.
/// </remarks>
internal static class MigrateStateCommand
{
    public const string Command = "migrate-state";

    // Operations per appended segment: a few thousand keeps a segment well under a megabyte.
    private const int OpsPerSegment = 2000;
    private const int ParallelReads = 16;

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, CancellationToken cancellationToken)
    {
        var dryRun = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--dry-run": dryRun = true; break;
                case "--host-json": i++; break;
                default:
                    if (!CommandArguments.IsConfigurationOverride(args[i]))
                        throw new ArgumentException($"{Command}: unknown {(args[i].StartsWith('-') ? "option" : "argument")} {args[i]}");
                    break;
            }
        }

        var containers = services.GetRequiredService<IngestContainers>();
        var pipeline = services.GetRequiredService<IOptions<IngestWorkerOptions>>().Value.Pipeline;
        var log = services.GetRequiredService<IStateLog>();
        var scheme = StateLogSchema.From(pipeline).MinHashScheme;
        StateIndex index;
        try
        {
            index = await log.LoadAsync(cancellationToken);
        }
        catch (StateLogSchemaException e)
        {
            throw new CommandFailedException($"{Command}: {e.Message}");
        }

        Console.WriteLine($"Migrating the records of the layout before the state log in '{containers.State.Name}' at {Secrets.Endpoint(containers.Service.Uri)} " +
                          $"into the state log of pipeline version '{pipeline.Version}' (at segment {index.Sequence}, MinHash scheme {scheme}){(dryRun ? "; dry run" : "")}.");
        var run = new Migration(log, index, containers.State, services.GetRequiredService<StorageResilience>(), scheme, dryRun);
        var listing = new BlobListing(services.GetRequiredService<StorageResilience>());
        await run.MigrateAsync(Concat(
            listing.ListAsync(containers.State, LegacyStateLayout.HashesPrefix, BlobTraits.None, cancellationToken),
            listing.ListAsync(containers.State, LegacyStateLayout.NearPrefix, BlobTraits.None, cancellationToken)), cancellationToken);
        var templates = await listing.CountAsync(containers.State, LegacyStateLayout.TemplatesPrefix, cancellationToken);
        if (run.Segments > 0)
            await log.WriteCheckpointAsync(index, cancellationToken);

        run.Tally.Print(dryRun, templates);
        Console.WriteLine("Site-template counts are not migrated: each site's are learned again after ingestWorker:pipeline:siteTemplates:minDocuments of its documents.");
        Console.WriteLine($"The old records are left in place; the worker no longer reads them. Once this reports nothing left to append, they may be deleted: " +
                          $"the blobs under {LegacyStateLayout.HashesPrefix}, {LegacyStateLayout.NearPrefix} and {LegacyStateLayout.TemplatesPrefix} of container '{containers.State.Name}', " +
                          $"e.g. az storage blob delete-batch --source {containers.State.Name} --pattern '{LegacyStateLayout.HashesPrefix}*' (and '{LegacyStateLayout.NearPrefix}*', '{LegacyStateLayout.TemplatesPrefix}*').");
        if (dryRun)
            Console.WriteLine("Dry run: nothing was appended.");
        if (run.Tally.Unreadable > 0)
        {
            await Console.Error.WriteLineAsync($"{Command}: {run.Tally.Unreadable} records could not be read and were not migrated (first: {run.Tally.FirstUnreadable}).");
            return 1;
        }
        return 0;
    }

    private static async IAsyncEnumerable<BlobItem> Concat(IAsyncEnumerable<BlobItem> first, IAsyncEnumerable<BlobItem> second)
    {
        await foreach (var item in first.ConfigureAwait(false))
            yield return item;
        await foreach (var item in second.ConfigureAwait(false))
            yield return item;
    }

    /// <summary>One run: reads records a chunk at a time and appends each chunk's new operations as a segment.</summary>
    private sealed class Migration(IStateLog log, StateIndex index, BlobContainerClient state, StorageResilience resilience, string scheme, bool dryRun)
    {
        public MigrationTally Tally { get; } = new();

        public int Segments { get; private set; }

        public async Task MigrateAsync(IAsyncEnumerable<BlobItem> records, CancellationToken cancellationToken)
        {
            var chunk = new List<(string Name, string Kind)>(OpsPerSegment);
            await foreach (var record in records.ConfigureAwait(false))
            {
                if (Classify(record.Name) is { } kind)
                    chunk.Add((record.Name, kind));
                if (chunk.Count == OpsPerSegment)
                {
                    await MigrateChunkAsync(chunk, cancellationToken);
                    chunk.Clear();
                }
            }
            if (chunk.Count > 0)
                await MigrateChunkAsync(chunk, cancellationToken);
        }

        // The kind of a record to read, or null when its name alone settles it (skipped, or already in the log).
        private string? Classify(string name)
        {
            string kind;
            if (name.StartsWith(LegacyStateLayout.HashesPrefix, StringComparison.Ordinal))
            {
                kind = "hash records";
                if (index.OwnerOfHash(name[(name.LastIndexOf('/') + 1)..]) is not null)
                    return Tally.AlreadyInLog(kind);
                return kind;
            }
            if (LegacyStateLayout.ParseNear(name) is not { } near)
                return Tally.Skipped($"names of no record kind under {LegacyStateLayout.NearPrefix}");
            kind = near.IsBand ? "band records" : "cluster records";
            if (near.Scheme != scheme)
                return Tally.Skipped($"{kind} of MinHash scheme {near.Scheme} (not this configuration's)");
            if (near.IsBand)
                return index.OwnerOfBand(near.Band!.Value, near.Key!.Value) is null ? kind : Tally.AlreadyInLog(kind);
            if (near.Name is null)
                return Tally.Skipped("cluster records whose name was hashed or shortened");
            return index.RepresentativeOf(near.Container!, near.Name) is null ? kind : Tally.AlreadyInLog(kind);
        }

        private async Task MigrateChunkAsync(List<(string Name, string Kind)> chunk, CancellationToken cancellationToken)
        {
            var ops = new StateOp?[chunk.Count];
            await Parallel.ForAsync(0, chunk.Count, new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken },
                async (i, ct) => ops[i] = await ReadAsync(chunk[i].Name, ct));
            var read = new List<StateOp>(chunk.Count);
            for (var i = 0; i < chunk.Count; i++)
            {
                if (ops[i] is { } op)
                    read.Add(op);
                else
                    Tally.Unread(chunk[i].Name);
            }
            await AppendAsync(read, cancellationToken);
            Console.WriteLine($"  {Tally.Listed,10} records listed, {Tally.Appended,10} operations {(dryRun ? "to append" : "appended")}{(dryRun ? "" : $" (log at segment {index.Sequence})")}");
        }

        private async Task<StateOp?> ReadAsync(string name, CancellationToken cancellationToken)
        {
            var content = await resilience.RunAsync(async ct =>
            {
                try
                {
                    return (await state.GetBlobClient(name).DownloadContentAsync(ct).ConfigureAwait(false)).Value.Content;
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    return null;
                }
            }, cancellationToken);
            if (content is null)
                return null;
            try
            {
                if (name.StartsWith(LegacyStateLayout.HashesPrefix, StringComparison.Ordinal))
                    return LegacyStateLayout.ReadHash(name, content);
                var near = LegacyStateLayout.ParseNear(name)!;
                return near.IsBand ? LegacyStateLayout.ReadBand(near, content) : LegacyStateLayout.ReadCluster(near, content);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        // Like a worker's commit: the next number if free, else catch up and drop what the log now holds.
        private async Task AppendAsync(List<StateOp> ops, CancellationToken cancellationToken)
        {
            while (true)
            {
                var fresh = new List<StateOp>(ops.Count);
                foreach (var op in ops)
                {
                    if (Holds(op))
                        Tally.AlreadyInLog(KindOf(op));
                    else
                        fresh.Add(op);
                }
                ops = fresh;
                if (ops.Count == 0)
                    return;
                if (dryRun)
                {
                    Tally.Append(ops.Select(KindOf));
                    return;
                }
                var sequence = index.Sequence + 1;
                if (await log.TryAppendAsync(sequence, new StateSegment(ops), cancellationToken))
                {
                    index.Apply(sequence, ops);
                    Tally.Append(ops.Select(KindOf));
                    Segments++;
                    return;
                }
                await log.CatchUpAsync(index, cancellationToken);
            }
        }

        private bool Holds(StateOp op) => op switch
        {
            HashClaimed hash => index.OwnerOfHash(hash.ContentHash) is not null,
            BandClaimed band => index.OwnerOfBand(band.Band, band.Key) is not null,
            ClusterSet cluster => index.RepresentativeOf(cluster.Container, cluster.Name) is not null,
            _ => false,
        };

        private static string KindOf(StateOp op) => op switch
        {
            HashClaimed => "hash records",
            BandClaimed => "band records",
            _ => "cluster records",
        };
    }

    private sealed class MigrationTally
    {
        private readonly SortedDictionary<string, long> _appended = new(StringComparer.Ordinal);
        private readonly SortedDictionary<string, long> _already = new(StringComparer.Ordinal);
        private readonly SortedDictionary<string, long> _skipped = new(StringComparer.Ordinal);

        public long Listed { get; private set; }
        public long Appended => _appended.Values.Sum();
        public long Unreadable { get; private set; }
        public string? FirstUnreadable { get; private set; }

        public string? AlreadyInLog(string kind)
        {
            Listed++;
            _already[kind] = _already.GetValueOrDefault(kind) + 1;
            return null;
        }

        public string? Skipped(string reason)
        {
            Listed++;
            _skipped[reason] = _skipped.GetValueOrDefault(reason) + 1;
            return null;
        }

        // Counted when read (listed once), whatever the log then says.
        public void Append(IEnumerable<string> kinds)
        {
            foreach (var kind in kinds)
            {
                Listed++;
                _appended[kind] = _appended.GetValueOrDefault(kind) + 1;
            }
        }

        public void Unread(string name)
        {
            Listed++;
            Unreadable++;
            FirstUnreadable ??= name;
        }

        public void Print(bool dryRun, long templates)
        {
            const string row = "  {0,-70} {1,10}";
            Console.WriteLine(row, "records listed", Listed + templates);
            Console.WriteLine(row, dryRun ? "to append (dry run)" : "appended to the log", Appended);
            foreach (var (kind, count) in _appended)
                Console.WriteLine(row, "  " + kind, count);
            Console.WriteLine(row, "already in the log", _already.Values.Sum());
            foreach (var (kind, count) in _already)
                Console.WriteLine(row, "  " + kind, count);
            Console.WriteLine(row, "skipped", _skipped.Values.Sum() + templates + Unreadable);
            foreach (var (reason, count) in _skipped)
                Console.WriteLine(row, "  " + reason, count);
            Console.WriteLine(row, "  site-template records (not migrated)", templates);
            Console.WriteLine(row, "  unreadable or gone", Unreadable);
        }
    }
}

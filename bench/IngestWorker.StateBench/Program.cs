// The state index over a synthetic log of original documents (issue 17's memory target: at most
// 200 MB per 1,000,000 documents, and a start-up from its checkpoint in at most 10 s): managed
// bytes by GC.GetTotalMemory(true) before and after building it, the GC's heap size, the index's
// own count by part, checkpoint size, and write and read times (median of --rounds). The plain
// reference index (ReferenceStateIndex, dictionaries of strings) is measured over --reference
// documents in the same run, for the ratio. See README.md.
using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using IngestWorker.State;
using IngestWorker.Tests.State;

var inv = CultureInfo.InvariantCulture;
var documents = IntOption("--documents") ?? 1_000_000;
var perSegment = IntOption("--segment") ?? 1_000;
var sites = IntOption("--sites") ?? 1_000;
var rounds = IntOption("--rounds") ?? 3;
var referenceDocuments = IntOption("--reference") ?? 100_000;
// A starting worker reads the newest checkpoint and the segments after it: at most
// CheckpointEvery - 1 (99 by default) of at most MaxBatchDocuments (256) documents each.
var catchUpSegments = IntOption("--catch-up-segments") ?? 99;
var catchUpPerSegment = IntOption("--catch-up-segment") ?? 256;
const int MaxLinesPerSite = 4096;

Console.WriteLine($"- machine: {Environment.ProcessorCount} cores, {RuntimeInformation.ProcessArchitecture}, {RuntimeInformation.OSDescription}; .NET {Environment.Version}; " +
    $"GC {(GCSettings.IsServerGC ? "server" : "workstation")}, load average {LoadAverage()}");
var baselineWorkingSet = WorkingSet();
Console.WriteLine($"- log: {documents:N0} original documents in segments of {perSegment:N0}, {sites:N0} sites, {MaxLinesPerSite} lines per site at most");
Console.WriteLine();

// The compact index.
var (index, indexBytes, buildSeconds) = Build(documents, () => new StateIndex(MaxLinesPerSite), (i, s, ops) => i.Apply(s, ops));
var heap = GC.GetGCMemoryInfo(GCKind.FullBlocking);
var workingSet = WorkingSet();
Console.WriteLine("## Compact index");
Console.WriteLine();
Console.WriteLine($"| documents | managed bytes (GetTotalMemory after − before) | per document | GC heap size after a full GC | index's own count | process working set after − before | spill file (names, signatures; not in memory) | build (apply) |");
Console.WriteLine($"|---:|---:|---:|---:|---:|---:|---:|---:|");
Console.WriteLine(string.Create(inv, $"| {documents:N0} | {Mb(indexBytes)} | {indexBytes / (double)documents:F0} B | {Mb(heap.HeapSizeBytes)} | {Mb(index.AllocatedBytes)} | {Mb(workingSet - baselineWorkingSet)} ({Mb(baselineWorkingSet)} → {Mb(workingSet)}) | {Mb(index.SpilledBytes)} | {buildSeconds:F1} s |"));
Console.WriteLine();
Console.WriteLine("| part | bytes | per document |");
Console.WriteLine("|---|---:|---:|");
foreach (var (part, bytes) in index.AllocatedBytesByPart())
    Console.WriteLine(string.Create(inv, $"| {part} | {Mb(bytes)} | {bytes / (double)documents:F1} B |"));
Console.WriteLine();

// What a lookup costs that reads the spill file (a cluster's representative: its name) against
// one that does not (a document's decision), over the same random documents.
var (inMemoryMicros, spillMicros) = LookupCosts(index, documents, sites);
Console.WriteLine(string.Create(inv, $"Lookups, median of 5 passes over 100,000 random documents: decision (memory only) {inMemoryMicros:F2} µs, representative (its name read from the spill file) {spillMicros:F2} µs ({spillMicros / inMemoryMicros:F1}×)."));
Console.WriteLine();

// Its checkpoint.
var writes = new List<double>();
byte[] checkpoint = [];
for (var round = 0; round < rounds; round++)
{
    using var stream = new MemoryStream(checked((int)index.AllocatedBytes));
    var watch = Stopwatch.StartNew();
    index.WriteCheckpoint(stream);
    writes.Add(watch.Elapsed.TotalSeconds);
    var written = stream.ToArray();
    if (round > 0 && !written.AsSpan().SequenceEqual(checkpoint))
        throw new InvalidOperationException("Two checkpoints of one index differ: the format is not deterministic.");
    checkpoint = written;
}
var reads = new List<double>();
StateIndex? loaded = null;
long loadedBytes = 0;
for (var round = 0; round < rounds; round++)
{
    loaded = null;
    var before = GC.GetTotalMemory(forceFullCollection: true);
    var watch = Stopwatch.StartNew();
    loaded = StateIndex.ReadCheckpoint(new MemoryStream(checkpoint, writable: false));
    reads.Add(watch.Elapsed.TotalSeconds);
    loadedBytes = GC.GetTotalMemory(forceFullCollection: true) - before;
}
Check(index, loaded!, documents, sites);
using (var again = new MemoryStream())
{
    loaded!.WriteCheckpoint(again);
    if (!again.ToArray().AsSpan().SequenceEqual(checkpoint))
        throw new InvalidOperationException("The checkpoint of a read checkpoint differs from it.");
}
// A worker's start: the checkpoint read, then the segments committed after it decoded and applied.
var header = new SegmentHeader("state-bench", new StateLogSchema("minhash-b8:112:bench", MaxLinesPerSite, 3, 200));
var catchUp = new SyntheticLog(catchUpSegments * catchUpPerSegment, catchUpPerSegment, sites, seed: 18, firstDocument: documents).Encoded(header).ToList();
var starts = new List<double>();
var catchUps = new List<double>();
for (var round = 0; round < rounds; round++)
{
    loaded = null;
    GC.Collect();
    var watch = Stopwatch.StartNew();
    var started = StateIndex.ReadCheckpoint(new MemoryStream(checkpoint, writable: false));
    var read = watch.Elapsed.TotalSeconds;
    foreach (var segment in catchUp)
        started.Apply(started.Sequence + 1, SegmentCodec.Decode(segment).Segment.Ops);
    starts.Add(watch.Elapsed.TotalSeconds);
    catchUps.Add(watch.Elapsed.TotalSeconds - read);
    loaded = started;
}
Console.WriteLine("## Checkpoint and start-up");
Console.WriteLine();
Console.WriteLine($"| size | write (median of {rounds}) | read + build (median of {rounds}, from memory) | managed bytes of the read index | catch-up: decode + apply {catchUpSegments} segments of {catchUpPerSegment} | start = read + catch-up (median of {rounds}) |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
Console.WriteLine(string.Create(inv, $"| {Mb(checkpoint.Length)} | {Stats.Median(writes):F2} s | {Stats.Median(reads):F2} s | {Mb(loadedBytes)} | {Stats.Median(catchUps):F2} s | {Stats.Median(starts):F2} s |"));
Console.WriteLine(string.Create(inv, $"(rounds: write {string.Join(" / ", writes.Select(w => w.ToString("F2", inv)))} s; read {string.Join(" / ", reads.Select(w => w.ToString("F2", inv)))} s; start {string.Join(" / ", starts.Select(w => w.ToString("F2", inv)))} s)"));
Console.WriteLine();
GC.KeepAlive(index);
index = null!;
loaded = null;
checkpoint = [];

// The reference, over fewer documents (it would need several GB for a million).
if (referenceDocuments > 0)
{
    var (reference, referenceBytes, referenceSeconds) = Build(referenceDocuments, () => new ReferenceStateIndex(MaxLinesPerSite), (i, s, ops) => i.Apply(s, ops));
    var (small, smallBytes, _) = Build(referenceDocuments, () => new StateIndex(MaxLinesPerSite), (i, s, ops) => i.Apply(s, ops));
    Console.WriteLine($"## Against the plain reference index, {referenceDocuments:N0} documents");
    Console.WriteLine();
    Console.WriteLine("| index | managed bytes | per document | build |");
    Console.WriteLine("|---|---:|---:|---:|");
    Console.WriteLine(string.Create(inv, $"| reference (dictionaries of strings, full signatures) | {Mb(referenceBytes)} | {referenceBytes / (double)referenceDocuments:F0} B | {referenceSeconds:F1} s |"));
    Console.WriteLine(string.Create(inv, $"| compact | {Mb(smallBytes)} | {smallBytes / (double)referenceDocuments:F0} B | |"));
    Console.WriteLine(string.Create(inv, $"| ratio | {referenceBytes / (double)smallBytes:F1}× | | |"));
    GC.KeepAlive(reference);
    GC.KeepAlive(small);
}
return 0;

(T Index, long Bytes, double Seconds) Build<T>(int count, Func<T> create, Action<T, long, List<IngestWorker.State.StateOp>> apply)
{
    var log = new SyntheticLog(count, perSegment, sites);
    var before = GC.GetTotalMemory(forceFullCollection: true);
    var built = create();
    var watch = Stopwatch.StartNew();
    long sequence = 0;
    foreach (var segment in log.Generate())
        apply(built, ++sequence, segment);
    var seconds = watch.Elapsed.TotalSeconds;
    GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
    var after = GC.GetTotalMemory(forceFullCollection: true);
    return (built, after - before, seconds);
}

// Every lookup of a sample of documents answers the same on the built and the read index.
static void Check(StateIndex built, StateIndex read, int documents, int sites)
{
    var random = new Random(5);
    for (var n = 0; n < 2_000; n++)
    {
        var name = SyntheticLog.NameOf(random.Next(documents), sites);
        if (built.DocumentOf(SyntheticLog.Container, name) != read.DocumentOf(SyntheticLog.Container, name)
            || built.RepresentativeOf(SyntheticLog.Container, name) != read.RepresentativeOf(SyntheticLog.Container, name)
            || built.DocumentOf(SyntheticLog.Container, name) is null)
            throw new InvalidOperationException($"The read checkpoint answers differently for {name}.");
    }
    if (built.Sequence != read.Sequence || built.DocumentCount != read.DocumentCount)
        throw new InvalidOperationException("The read checkpoint has another sequence or document count.");
}

// The process's resident set (VmRSS) after an aggressive collection (which gives the GC's free
// space back to the system): the index's resident cost is the difference from before the build.
// The spill file is written and read with positional I/O, not mapped, so its pages are in the
// system's file cache and not in this figure.
static long WorkingSet()
{
    GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    using var process = Process.GetCurrentProcess();
    return process.WorkingSet64;
}

static (double InMemory, double Spill) LookupCosts(StateIndex index, int documents, int sites)
{
    var random = new Random(9);
    var names = Enumerable.Range(0, 100_000).Select(_ => SyntheticLog.NameOf(random.Next(documents), sites)).ToArray();
    var inMemory = new List<double>();
    var spill = new List<double>();
    for (var pass = 0; pass < 5; pass++)
    {
        var watch = Stopwatch.StartNew();
        foreach (var name in names)
            _ = index.DocumentOf(SyntheticLog.Container, name) ?? throw new InvalidOperationException($"{name} has no decision.");
        inMemory.Add(watch.Elapsed.TotalMicroseconds / names.Length);
        watch.Restart();
        foreach (var name in names)
            _ = index.RepresentativeOf(SyntheticLog.Container, name) ?? throw new InvalidOperationException($"{name} has no cluster.");
        spill.Add(watch.Elapsed.TotalMicroseconds / names.Length);
    }
    return (Stats.Median(inMemory), Stats.Median(spill));
}

static string Mb(long bytes) => (bytes / 1_000_000.0).ToString("F1", CultureInfo.InvariantCulture) + " MB";

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

int? IntOption(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : null;
}

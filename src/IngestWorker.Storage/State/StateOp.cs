using IngestWorker.Text.Dedup;
using IngestWorker.Text.Dedup.Near;

namespace IngestWorker.State;

/// <summary>
/// One change to the shared index. A segment of the state log is an ordered list of them, and every
/// worker that applies the same segments in the same order holds the same index
/// (<see cref="StateIndex.Apply"/>).
/// </summary>
public abstract record StateOp;

/// <summary>A content hash claimed by its first document; later claims of the same hash change nothing.</summary>
public sealed record HashClaimed(string ContentHash, HashOwner Owner) : StateOp;

/// <summary>An LSH band key claimed by its first document; later claims change nothing.</summary>
public sealed record BandClaimed(int Band, ulong Key, BandEntry Owner) : StateOp;

/// <summary>The near-duplicate cluster a document belongs to, named by its first document (the document's own name when it leads one).</summary>
public sealed record ClusterSet(string Container, string Name, string Representative) : StateOp;

/// <summary>A document's template lines, counted once per (site, document).</summary>
public sealed record TemplateObserved(string Site, string DocumentId, ulong[] LineKeys) : StateOp;

/// <summary>A document version's decision (<c>accepted</c>, <c>rejected</c>, <c>failed</c>); the latest one per name stands.</summary>
public sealed record DocumentDecided(string Container, string Name, string ETag, string Status) : StateOp;

/// <summary>What one commit appends to the log.</summary>
public sealed record StateSegment(IReadOnlyList<StateOp> Ops);

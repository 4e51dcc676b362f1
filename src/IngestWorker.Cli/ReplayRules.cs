using System.Globalization;
using IngestWorker.Storage;
using IngestWorker.Text.Output;
using IngestWorker.Triggers;

namespace IngestWorker.Cli;

/// <summary>What <c>replay</c> does with one input, from what storage says about it.</summary>
internal enum ReplayVerdict
{
    /// <summary>Its current version has an outcome under the configured pipeline version, with status failed (a poison outcome).</summary>
    Replay,

    /// <summary>The poison outcome was written under another pipeline version.</summary>
    OtherPipelineVersion,

    /// <summary>The input blob does not exist (any more).</summary>
    InputDeleted,

    /// <summary>The poison outcome is about an earlier version of the input.</summary>
    InputOverwritten,

    /// <summary>The input's current version has no outcome under the configured pipeline version yet.</summary>
    NoReceipt,

    /// <summary>Its outcome says accepted or rejected.</summary>
    NotFailed,
}

/// <summary>What a poison outcome's metadata says: the input version it is about (bare ETag) and the pipeline version that wrote it.</summary>
internal sealed record PoisonRecord(string SourceETag, string PipelineVersion);

/// <summary>The decisions of <c>replay</c> that need no storage.</summary>
internal static class ReplayRules
{
    /// <summary>Metadata a replay in scan mode adds to the input, so that the blob gets a new ETag (and shows why).</summary>
    public const string ReplayedAtKey = "ingestworkerreplayedat";

    /// <param name="poison">The poison outcome the input was found by (a prefix replay lists them), or null.</param>
    /// <param name="input">The input as it is now, or null when it does not exist.</param>
    /// <param name="receiptStatus">The status of the outcome of the input's current version under <paramref name="pipelineVersion"/> (its receipt), or null when there is none.</param>
    public static ReplayVerdict Decide(string pipelineVersion, PoisonRecord? poison, InputBlob? input, string? receiptStatus)
    {
        if (poison is not null && poison.PipelineVersion != pipelineVersion)
            return ReplayVerdict.OtherPipelineVersion;
        if (input is null)
            return ReplayVerdict.InputDeleted;
        if (poison is not null && poison.SourceETag != BlobNames.BareETag(input.ETag))
            return ReplayVerdict.InputOverwritten;
        if (receiptStatus is null)
            return ReplayVerdict.NoReceipt;
        return receiptStatus == OutputStatus.Failed ? ReplayVerdict.Replay : ReplayVerdict.NotFailed;
    }

    /// <summary>Why an input is not replayed, in a few words that also tell the operator what happens to it instead.</summary>
    public static string Explain(ReplayVerdict verdict, string pipelineVersion, string? receiptStatus, PoisonRecord? poison) => verdict switch
    {
        ReplayVerdict.Replay => "poisoned",
        ReplayVerdict.OtherPipelineVersion =>
            $"poisoned under pipeline version {poison?.PipelineVersion}, not {pipelineVersion}: under {pipelineVersion} it is unprocessed, and processed like any other input",
        ReplayVerdict.InputDeleted => "the input no longer exists",
        ReplayVerdict.InputOverwritten => "the input was overwritten since it was poisoned: its new version is processed as usual",
        ReplayVerdict.NoReceipt => $"not poisoned: its current version has no outcome under pipeline version {pipelineVersion} yet",
        ReplayVerdict.NotFailed => $"not poisoned: its outcome under pipeline version {pipelineVersion} is {receiptStatus}",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, null),
    };

    /// <summary>
    /// The input name an outcome blob is named after (<c>a/b.txt.json</c> → <c>a/b.txt</c>), or null
    /// when the outcome name was shortened to fit Azure's limit (its tail is then a hash), stands for
    /// the input by a hash (<see cref="BlobNames.HashedPrefix"/>), or is not an outcome's.
    /// </summary>
    public static string? InputNameOf(string outputName) => BlobNames.InputNameOfOutput(outputName);

    /// <summary>The input's metadata with the replay mark added; everything the blob already carried is kept.</summary>
    public static Dictionary<string, string> TouchedMetadata(IDictionary<string, string> existing, DateTimeOffset now)
    {
        var metadata = new Dictionary<string, string>(existing, StringComparer.OrdinalIgnoreCase)
        {
            [ReplayedAtKey] = now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        };
        return metadata;
    }

    /// <summary>
    /// Whether a poison-queue message is only about input versions this replay sent back to work, so
    /// that it can go. A message nobody could read, one about other blobs, or one without an ETag stays.
    /// </summary>
    public static bool IsAboutReplayed(ParsedWorkMessage message, IReadOnlySet<(string Name, string BareETag)> replayed) =>
        message.Error is null
        && message.Items.Count > 0
        && message.Items.All(item => item.ETag is { } etag && replayed.Contains((item.Name, BlobNames.BareETag(etag))));
}

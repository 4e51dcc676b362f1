using System.Buffers;
using System.Text.Json;

namespace IngestWorker.Storage;

/// <summary>
/// What a work message carries besides its body once a worker has given it back: how many of its
/// receptions did not count as attempts on its blobs (the worker stopped, storage was down), and
/// the last error an attempt ended with. The queue itself counts receptions durably
/// (<c>DequeueCount</c>, which a killed worker cannot undo), so attempts = receptions − uncounted
/// + carried.
/// </summary>
/// <param name="Carried">
/// Attempts made on the blob under an earlier message: a message of several blobs that came back is
/// split into one message per blob, and each new message carries the attempts the old one used up,
/// so a blob that kills its worker is still poisoned after <c>poisonBlobThreshold</c> attempts.
/// </param>
/// <remarks>
/// Written only when a message is given back, in the same update that hides it again, so the
/// happy path pays nothing for it. The body it wraps is kept as it was received; the poison queue
/// gets that body back without the note.
/// </remarks>
public sealed record MessageRetryNote(int Uncounted, string? LastErrorType, string? LastError, int Carried = 0)
{
    /// <summary>Attempts made on the message's blobs before the reception numbered <paramref name="dequeueCount"/>.</summary>
    public int AttemptsBefore(long dequeueCount) => (int)Math.Clamp(dequeueCount - 1 - Uncounted + Carried, 0, int.MaxValue - 1);

    public static readonly MessageRetryNote None = new(0, null, null);

    // A JSON object that no Event Grid event, CloudEvent or scanner work item can be.
    private const string NoteKey = "ingestWorkerRetry";
    private const string BodyKey = "body";
    private static readonly byte[] Marker = "{\"ingestWorkerRetry\""u8.ToArray();

    /// <summary>The body as first sent, and the note when the message carries one.</summary>
    public static (BinaryData Body, MessageRetryNote Note) Unwrap(BinaryData content)
    {
        if (!content.ToMemory().Span.StartsWith(Marker))
            return (content, None);
        try
        {
            using var document = JsonDocument.Parse(content.ToMemory());
            var note = document.RootElement.GetProperty(NoteKey);
            var body = document.RootElement.GetProperty(BodyKey).GetString() ?? "";
            return (BinaryData.FromString(body), new MessageRetryNote(
                note.TryGetProperty("uncounted", out var uncounted) && uncounted.TryGetInt32(out var n) ? Math.Max(0, n) : 0,
                note.TryGetProperty("lastErrorType", out var type) ? type.GetString() : null,
                note.TryGetProperty("lastError", out var error) ? error.GetString() : null,
                note.TryGetProperty("carried", out var carried) && carried.TryGetInt32(out var c) ? Math.Max(0, c) : 0));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            // Not ours after all: the body is read as it is (and rejected there if unreadable).
            return (content, None);
        }
    }

    /// <summary>The message content that carries this note around <paramref name="body"/>.</summary>
    public BinaryData Wrap(BinaryData body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject(NoteKey);
            writer.WriteNumber("uncounted", Uncounted);
            if (Carried > 0)
                writer.WriteNumber("carried", Carried);
            if (LastErrorType is not null)
                writer.WriteString("lastErrorType", LastErrorType);
            if (LastError is not null)
                writer.WriteString("lastError", Truncate(LastError));
            writer.WriteEndObject();
            writer.WriteString(BodyKey, body.ToString());
            writer.WriteEndObject();
        }
        return BinaryData.FromBytes(buffer.WrittenMemory);
    }

    // A queue message holds 64 KiB; the body needs most of it.
    private static string Truncate(string error) => error.Length <= 1000 ? error : error[..1000] + "…";
}

using System.Text;
using IngestWorker.State.Compact;

namespace IngestWorker.State;

/// <summary>
/// The checkpoint format: the index's columns as little-endian blocks, in ordinal and insertion
/// order, so one index always gives the same bytes and a reader rebuilds only its lookup tables.
/// <code>
/// "IWSX" magic, format version (int), max lines per site (int), signature bits (int), sequence (long)
/// containers, names (length-prefixed UTF-8), statuses, other ETags, the per-document columns,
/// content hashes, band owners (document + signature payload), bands (sorted key32 · owner),
/// sites (observations, sorted line keys and counts), "IWSX" again.
/// </code>
/// </summary>
public sealed partial class StateIndex
{
    /// <summary>"IWSX" read as a little-endian integer.</summary>
    private const uint CheckpointMagic = 0x58535749;

    /// <summary>The checkpoint format version; a reader accepts only its own.</summary>
    public const int CheckpointFormatVersion = 2;

    /// <summary>The whole index, as the checkpoint of <see cref="Sequence"/>.</summary>
    public void WriteCheckpoint(Stream stream)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("State checkpoints are written on little-endian machines only.");
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(CheckpointMagic);
        writer.Write(CheckpointFormatVersion);
        writer.Write(_maxLinesPerSite);
        writer.Write(BandSignatureBits);
        writer.Write(Sequence);
        _keys.WriteTo(writer);
        _statuses.WriteTo(writer);
        _otherETags.WriteTo(writer);
        _documentETags.WriteTo(writer);
        _documentETagShapes.WriteTo(writer);
        _documentStatuses.WriteTo(writer);
        _representatives.WriteTo(writer);
        _hashes.WriteTo(writer);
        _bandOwners.WriteTo(writer);
        _bands.WriteTo(writer);
        _sites.WriteTo(writer);
        writer.Write(CheckpointMagic);
    }

    /// <summary>An index as <see cref="WriteCheckpoint"/> wrote it.</summary>
    /// <exception cref="InvalidDataException">The stream does not hold a whole checkpoint of this format and version.</exception>
    public static StateIndex ReadCheckpoint(Stream stream, string? spillDirectory = null)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("State checkpoints are read on little-endian machines only.");
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            var magic = reader.ReadUInt32();
            if (magic != CheckpointMagic)
                throw new InvalidDataException($"Not a state checkpoint: it starts with 0x{magic:X8}, not the 'IWSX' of format version {CheckpointFormatVersion}.");
            var version = reader.ReadInt32();
            if (version != CheckpointFormatVersion)
                throw new InvalidDataException($"A state checkpoint of format version {version}; this worker reads version {CheckpointFormatVersion} only. Let it replay the log's segments, or run the worker version that wrote it.");
            var maxLinesPerSite = reader.ReadInt32();
            var bits = reader.ReadInt32();
            if (maxLinesPerSite <= 0 || bits != BandSignatureBits)
                throw new InvalidDataException($"A state checkpoint with {maxLinesPerSite} lines per site and {bits}-bit signatures; this worker keeps {BandSignatureBits}-bit signatures.");
            var index = new StateIndex(maxLinesPerSite, spillDirectory) { Sequence = reader.ReadInt64() };
            index.ReadBody(reader);
            if (reader.ReadUInt32() != CheckpointMagic)
                throw new InvalidDataException("A state checkpoint does not end where its contents say it does.");
            return index;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("A state checkpoint ends early: it was cut short or is not a checkpoint.", e);
        }
    }

    private void ReadBody(BinaryReader reader)
    {
        _keys.ReadFrom(reader);
        var ordinals = _keys.Count;
        _statuses.ReadFrom(reader);
        _otherETags.ReadFrom(reader);
        _documentETags.ReadFrom(reader);
        _documentETagShapes.ReadFrom(reader);
        _documentStatuses.ReadFrom(reader);
        _representatives.ReadFrom(reader);
        if (_documentETags.Count != ordinals || _documentETagShapes.Count != ordinals || _documentStatuses.Count != ordinals || _representatives.Count != ordinals)
            throw new InvalidDataException("The document columns of a state checkpoint differ in length.");
        for (var i = 0; i < ordinals; i++)
        {
            var shape = _documentETagShapes[i];
            if (shape != CompactETag.None)
            {
                _documentCount++;
                if (_documentStatuses[i] == 0 || _documentStatuses[i] > _statuses.Count || (shape == CompactETag.Listed ? _documentETags[i] >= (ulong)_otherETags.Count : shape > 16))
                    throw new InvalidDataException($"Document {i} of a state checkpoint is damaged.");
            }
            if ((uint)_representatives[i] > (uint)ordinals)
                throw new InvalidDataException($"The cluster of document {i} of a state checkpoint names no document.");
        }
        _hashes.ReadFrom(reader, ordinals);
        _bandOwners.ReadFrom(reader, ordinals);
        _bands.ReadFrom(reader, _bandOwners.Count);
        _sites.ReadFrom(reader, ordinals);
    }
}

using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace IngestWorker.Triggers.Partitions;

/// <summary>
/// Which partition an input name belongs to: the first eight bytes of the SHA-256 of the name's
/// UTF-16LE code units (as <see cref="Storage.BlobNames.Key"/> hashes names, so lone surrogates
/// stay distinct), taken modulo the partition count. Stable across processes, machines and .NET
/// versions, unlike <see cref="string.GetHashCode()"/>, which is randomised per process; every
/// worker must agree on it, or two of them would own one name.
/// </summary>
public static class PartitionHash
{
    public static int Of(string name, int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(MemoryMarshal.AsBytes(name.AsSpan()), digest);
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(digest) % (ulong)partitionCount);
    }
}

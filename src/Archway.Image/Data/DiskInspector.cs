using System.Buffers.Binary;

namespace Archway.Image.Data;

/// <summary>
/// Glance's in-flight format inspection, for the formats whose virtual size is cheap to read: raw (the data's size)
/// and qcow2 (the size field of its header, when the magic matches). It keeps the first 512 bytes, as Glance's
/// QcowInspector does; other formats leave virtual_size unset. Glance inspects only bare containers.
/// </summary>
internal sealed class DiskInspector(string? diskFormat, string? containerFormat)
{
    private const int HeaderLength = 512;

    /// <summary>"QFI\xfb".</summary>
    private static ReadOnlySpan<byte> QcowMagic => [0x51, 0x46, 0x49, 0xfb];
    private readonly byte[] _header = new byte[HeaderLength];
    private int _captured;

    private bool Active => containerFormat == "bare" && diskFormat is "raw" or "qcow2";

    public void Inspect(ReadOnlySpan<byte> chunk)
    {
        if (!Active || _captured == HeaderLength)
        {
            return;
        }
        var take = Math.Min(chunk.Length, HeaderLength - _captured);
        chunk[..take].CopyTo(_header.AsSpan(_captured));
        _captured += take;
    }

    /// <summary>The virtual size, or null when the format is not inspected or does not match.</summary>
    public long? VirtualSize(long size)
    {
        if (!Active)
        {
            return null;
        }
        if (diskFormat == "raw")
        {
            return size == 0 ? null : size;
        }
        // QFI\xfb, version, backing file offset and size, cluster bits, then the virtual size (big-endian).
        if (_captured < HeaderLength || !_header.AsSpan(0, 4).SequenceEqual(QcowMagic))
        {
            return null;
        }
        var virtualSize = BinaryPrimitives.ReadInt64BigEndian(_header.AsSpan(24, 8));
        return virtualSize > 0 ? virtualSize : null;
    }
}

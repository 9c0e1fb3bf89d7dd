using System.Buffers.Binary;
using System.IO.Compression;

namespace Tutorials.Display;

/// <summary>
/// Writes an 8-bit grey PNG: the signature, an IHDR chunk (size, bit depth 8, colour type 0), one IDAT chunk
/// with the zlib-compressed rows (each prefixed by filter type 0), and IEND. Enough to put small images into
/// notebook outputs as data URIs, pixel-exact and without a network or an image library.
/// <para>
/// Why not StbImageWriteSharp (served on NuGet): every package the library uses must also be named in every
/// notebook's first cell; one more package for sixty lines that write grey images did not pay its way. The format
/// is checked by decoding what this writes (<c>PngEncoderTests</c>).
/// </para>
/// </summary>
public static class PngEncoder
{
    public static byte[] Grey(byte[] pixels, int width, int height)
    {
        if (pixels.Length != width * height)
            throw new ArgumentException($"Expected {width}×{height} = {width * height} pixels, got {pixels.Length}.", nameof(pixels));
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;                                   // bits per sample; colour type 0 (grey), compression/filter/interlace 0
        Chunk(png, "IHDR", header);

        using var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
            for (int y = 0; y < height; y++)
            {
                z.WriteByte(0);                          // filter type 0: the row as it is
                z.Write(pixels, y * width, width);
            }
        Chunk(png, "IDAT", raw.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        s.Write(typeBytes);
        s.Write(data);
        Span<byte> c = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(c, Crc32(Crc32(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu);
        s.Write(c);
    }

    // CRC-32 (polynomial 0xEDB88320) over the chunk type and data, as the PNG specification requires.
    static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    static uint Crc32(uint crc, byte[] bytes)
    {
        foreach (var b in bytes) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }
}

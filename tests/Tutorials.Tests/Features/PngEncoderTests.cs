using System.Buffers.Binary;
using System.IO.Compression;
using Tutorials.Display;

namespace Tutorials.Tests.Features;

public class PngEncoderTests
{
    // A bit-by-bit CRC-32, written independently of the encoder's table-driven one.
    static uint Crc(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }

    [Fact]
    public void WritesAValidGreyPngWithThePixels()
    {
        var pixels = new byte[] { 0, 64, 128, 255, 1, 2 };              // 3 wide, 2 high
        var png = PngEncoder.Grey(pixels, width: 3, height: 2);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);

        int pos = 8;
        var chunks = new List<(string Type, byte[] Data)>();
        while (pos < png.Length)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            var typeAndData = png[(pos + 4)..(pos + 8 + len)];
            Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + len)), Crc(typeAndData));
            chunks.Add((System.Text.Encoding.ASCII.GetString(typeAndData, 0, 4), typeAndData[4..]));
            pos += 12 + len;
        }
        Assert.Equal(new[] { "IHDR", "IDAT", "IEND" }, chunks.Select(c => c.Type));
        var ihdr = chunks[0].Data;
        Assert.Equal(3, BinaryPrimitives.ReadInt32BigEndian(ihdr));
        Assert.Equal(2, BinaryPrimitives.ReadInt32BigEndian(ihdr.AsSpan(4)));
        Assert.Equal(new byte[] { 8, 0, 0, 0, 0 }, ihdr[8..]);          // 8-bit grey, no interlace

        using var z = new ZLibStream(new MemoryStream(chunks[1].Data), CompressionMode.Decompress);
        using var rows = new MemoryStream();
        z.CopyTo(rows);
        Assert.Equal(new byte[] { 0, 0, 64, 128, 0, 255, 1, 2 }, rows.ToArray());  // filter byte 0 before each row
    }

    [Fact]
    public void WrongPixelCountIsAnError()
    {
        var e = Assert.Throws<ArgumentException>(() => PngEncoder.Grey(new byte[5], 3, 2));
        Assert.Contains("3×2 = 6 pixels, got 5", e.Message);
    }
}

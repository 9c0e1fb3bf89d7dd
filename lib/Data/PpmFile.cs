namespace Tutorials.Data;

/// <summary>One RGB image, row by row, 3 bytes per pixel.</summary>
public sealed record RgbImage(string Name, int Width, int Height, byte[] Rgb);

/// <summary>
/// The binary PPM image format (P6, maxval 255): a text header "P6 width height 255", one whitespace byte, then
/// height × width × 3 RGB bytes. The committed photos (<c>data/photos/</c>) are stored this way so that no image
/// decoder is needed; the synthetic RGB-D scenes and the ResNet tests read them.
/// </summary>
public static class PpmFile
{
    /// <summary>Reads a binary PPM; <paramref name="name"/> defaults to the file name without extension.</summary>
    public static RgbImage Read(string path, string? name = null)
    {
        var bytes = File.ReadAllBytes(path);
        int pos = 0;
        string Token()
        {
            while (pos < bytes.Length && char.IsWhiteSpace((char)bytes[pos])) pos++;
            int start = pos;
            while (pos < bytes.Length && !char.IsWhiteSpace((char)bytes[pos])) pos++;
            return System.Text.Encoding.ASCII.GetString(bytes, start, pos - start);
        }
        if (Token() != "P6") throw new InvalidDataException($"{path}: expected a binary PPM (starting with \"P6\").");
        int width = int.Parse(Token()), height = int.Parse(Token()), max = int.Parse(Token());
        if (max != 255) throw new InvalidDataException($"{path}: expected an 8-bit PPM (maxval 255), got maxval {max}.");
        pos++; // the single whitespace byte after maxval
        var rgb = bytes[pos..];
        if (rgb.Length != width * height * 3)
            throw new InvalidDataException($"{path}: expected {width * height * 3} pixel bytes for {width}×{height}, got {rgb.Length}. The file may be truncated.");
        return new RgbImage(name ?? Path.GetFileNameWithoutExtension(path), width, height, rgb);
    }
}

namespace Tutorials.Tests.Backbones;

/// <summary>
/// Reads binary PPM (P6, maxval 255): a text header "P6 width height 255" followed by one whitespace byte and
/// then height × width × 3 RGB bytes. The test photos are stored this way so that no image decoder is needed.
/// </summary>
static class Ppm
{
    public sealed record Image(int Width, int Height, byte[] Rgb);

    public static Image Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        int pos = 0;
        string Token()
        {
            while (char.IsWhiteSpace((char)bytes[pos])) pos++;
            int start = pos;
            while (!char.IsWhiteSpace((char)bytes[pos])) pos++;
            return System.Text.Encoding.ASCII.GetString(bytes, start, pos - start);
        }
        if (Token() != "P6") throw new InvalidDataException($"{path} is not a binary PPM (P6).");
        int width = int.Parse(Token()), height = int.Parse(Token()), max = int.Parse(Token());
        if (max != 255) throw new InvalidDataException($"{path}: only 8-bit PPM (maxval 255) is supported, got {max}.");
        pos++;                                       // the single whitespace byte after maxval
        var rgb = bytes[pos..];
        if (rgb.Length != width * height * 3)
            throw new InvalidDataException($"{path}: expected {width * height * 3} pixel bytes, got {rgb.Length}.");
        return new Image(width, height, rgb);
    }

    public static readonly string[] PhotoNames = ["astronaut", "chelsea", "coffee", "rocket"];

    public static Image Photo(string name) => Read(RepoFiles.Path($"data/photos/{name}.ppm"));
}

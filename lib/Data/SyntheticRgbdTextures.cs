namespace Tutorials.Data;

/// <summary>
/// The real image content the synthetic RGB-D scenes are built from: the four photographs in <c>data/photos/</c>
/// (backgrounds and camouflage) and the Fashion-MNIST items in <c>data/fashion-mnist-small/</c> (object shapes).
/// Loaded once per process; both are small (4 × 150 KB, 1,000 × 784 bytes).
/// </summary>
public sealed class SyntheticRgbdTextures
{
    /// <summary>The photos used as backgrounds (see data/photos/PROVENANCE.md).</summary>
    public static readonly IReadOnlyList<string> PhotoNames = ["astronaut", "chelsea", "coffee", "rocket"];

    /// <summary>One RGB photo, row by row, 3 bytes per pixel.</summary>
    public sealed record Photo(string Name, int Width, int Height, byte[] Rgb);

    /// <summary>One Fashion-MNIST item: 28×28 gray bytes and its label (0–9).</summary>
    public sealed record Item(byte[] Pixels, int Label);

    public IReadOnlyList<Photo> Photos { get; }

    /// <summary>Items of the small cut's training split (600): shapes for training scenes.</summary>
    public IReadOnlyList<Item> TrainItems { get; }

    /// <summary>Items of the small cut's test split (400): unseen shapes for held-out scenes.</summary>
    public IReadOnlyList<Item> TestItems { get; }

    SyntheticRgbdTextures(IReadOnlyList<Photo> photos, IReadOnlyList<Item> train, IReadOnlyList<Item> test)
    {
        Photos = photos;
        TrainItems = train;
        TestItems = test;
    }

    static readonly Lazy<SyntheticRgbdTextures> _default = new(Load);

    /// <summary>The committed photos and Fashion-MNIST items, found by walking up from the working directory.</summary>
    public static SyntheticRgbdTextures Default => _default.Value;

    static SyntheticRgbdTextures Load()
    {
        var fashion = FashionMnist.FindSmallCut();
        var photosFolder = Path.Combine(Path.GetDirectoryName(fashion)!, "photos");
        var photos = PhotoNames.Select(n => ReadPpm(Path.Combine(photosFolder, n + ".ppm"), n)).ToList();
        return new SyntheticRgbdTextures(photos, Items(FashionMnist.LoadSmallTrain()), Items(FashionMnist.LoadSmallTest()));
    }

    static List<Item> Items(FashionMnistSplit split)
    {
        using (split)
        {
            var pixels = split.Images.data<byte>().ToArray();
            var labels = split.Labels.data<long>().ToArray();
            return labels.Select((label, i) => new Item(pixels[(i * 784)..((i + 1) * 784)], (int)label)).ToList();
        }
    }

    /// <summary>
    /// Reads a binary PPM (P6, maxval 255): a text header "P6 width height 255", one whitespace byte, then
    /// height × width × 3 RGB bytes. The photos are stored this way so that no image decoder is needed.
    /// </summary>
    public static Photo ReadPpm(string path, string? name = null)
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
        return new Photo(name ?? Path.GetFileNameWithoutExtension(path), width, height, rgb);
    }
}

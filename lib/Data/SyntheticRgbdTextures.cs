using Tutorials.Files;
namespace Tutorials.Data;

/// <summary>
/// The real image content the synthetic RGB-D scenes are built from: the four photographs in <c>data/photos/</c>
/// (backgrounds and camouflage, read with <see cref="PpmFile"/>) and the Fashion-MNIST items in <c>data/fashion-mnist-small/</c> (object shapes).
/// Loaded once per process; both are small (4 × 150 KB, 1,000 × 784 bytes).
/// </summary>
public sealed class SyntheticRgbdTextures
{
    /// <summary>The photos used as backgrounds (see data/photos/PROVENANCE.md).</summary>
    public static readonly IReadOnlyList<string> PhotoNames = ["astronaut", "chelsea", "coffee", "rocket"];

    /// <summary>One Fashion-MNIST item: 28×28 gray bytes and its label (0–9).</summary>
    public sealed record Item(byte[] Pixels, int Label);

    public IReadOnlyList<RgbImage> Photos { get; }

    /// <summary>Items of the small cut's training split (600): shapes for training scenes.</summary>
    public IReadOnlyList<Item> TrainItems { get; }

    /// <summary>Items of the small cut's test split (400): unseen shapes for held-out scenes.</summary>
    public IReadOnlyList<Item> TestItems { get; }

    SyntheticRgbdTextures(IReadOnlyList<RgbImage> photos, IReadOnlyList<Item> train, IReadOnlyList<Item> test)
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
        var photos = PhotoNames.Select(n => PpmFile.Read(Path.Combine(photosFolder, n + ".ppm"), n)).ToList();
        return new SyntheticRgbdTextures(photos, Items(FashionMnist.LoadSmallTrain()), Items(FashionMnist.LoadSmallTest()));
    }

    static List<Item> Items(LabelledImages split)
    {
        using (split)
        {
            var pixels = split.Images.data<byte>().ToArray();
            var labels = split.Labels.data<long>().ToArray();
            return labels.Select((label, i) => new Item(pixels[(i * 784)..((i + 1) * 784)], (int)label)).ToList();
        }
    }
}

using Tutorials.Files;
namespace Tutorials.Data;

/// <summary>
/// Fashion-MNIST (Zalando Research, MIT): 28×28 grey images of ten kinds of clothing, in the IDX format
/// (<see cref="IdxFile"/>). The repository ships a small class-balanced cut in <c>data/fashion-mnist-small/</c>
/// (600 training, 400 test images; see its PROVENANCE.md); the full set is in the Debian package
/// <c>dataset-fashion-mnist</c> and reads the same way.
/// </summary>
public static class FashionMnist
{
    public static readonly IReadOnlyList<string> ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    const string SmallCutFolder = "data/fashion-mnist-small";

    /// <summary>The small cut's training split (600 images).</summary>
    public static LabelledImages LoadSmallTrain() => Load(FindSmallCut(), "train");

    /// <summary>The small cut's test split (400 images).</summary>
    public static LabelledImages LoadSmallTest() => Load(FindSmallCut(), "t10k");

    /// <summary>Reads a split ("train" or "t10k") of Fashion-MNIST from <paramref name="folder"/> (the full set or a cut).</summary>
    public static LabelledImages Load(string folder, string split) => IdxFile.ReadImagesAndLabels(folder, split, "Fashion-MNIST");

    /// <summary>
    /// Finds <c>data/fashion-mnist-small</c> by walking up from the working directory and from the assembly's
    /// folder, so notebooks, tests and tools find it wherever they run inside the repository.
    /// </summary>
    public static string FindSmallCut() =>
        DataFiles.Find(SmallCutFolder, "python3 scripts/fashion-mnist/cut_small.py (see data/fashion-mnist-small/PROVENANCE.md)");
}

using Tutorials.Files;
namespace Tutorials.Data;

/// <summary>
/// The MNIST handwritten digits (LeCun, Cortes, Burges), in the IDX format (<see cref="IdxFile"/>). The repository
/// ships a small class-balanced cut in <c>data/mnist-digits-small/</c> (see its PROVENANCE.md); notebooks 01 and 04
/// read it through <see cref="PairedDigits"/>.
/// </summary>
public static class MnistDigits
{
    const string SmallCutFolder = "data/mnist-digits-small";

    /// <summary>Reads a split ("train" or "t10k") of the MNIST digits from <paramref name="folder"/> (the full set or a cut).</summary>
    public static LabelledImages Load(string folder, string split) => IdxFile.ReadImagesAndLabels(folder, split, "MNIST digits");

    /// <summary>Finds <c>data/mnist-digits-small</c> by walking up from the working directory and from the assembly's folder.</summary>
    public static string FindSmallCut() => DataFiles.Find(SmallCutFolder, "python3 scripts/data/cut_mnist_digits.py");
}

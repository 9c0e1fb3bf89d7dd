using Tutorials.Data;

namespace Tutorials.Tests.Backbones;

/// <summary>The committed Fashion-MNIST cut reads back with the sizes and class balance PROVENANCE.md states.</summary>
public class FashionMnistSmallCutTests
{
    [Fact]
    public void SmallCutHas600And400ClassBalancedImages()
    {
        using var train = FashionMnist.LoadSmallTrain();
        using var test = FashionMnist.LoadSmallTest();
        Assert.Equal(new long[] { 600, 28, 28 }, train.Images.shape);
        Assert.Equal(new long[] { 400, 28, 28 }, test.Images.shape);
        Assert.Equal(ScalarType.Byte, train.Images.dtype);
        Assert.Equal(Enumerable.Repeat(60L, 10), torch.bincount(train.Labels).data<long>().ToArray());
        Assert.Equal(Enumerable.Repeat(40L, 10), torch.bincount(test.Labels).data<long>().ToArray());
        Assert.InRange(train.Images.to_type(ScalarType.Float32).mean().item<float>(), 40f, 120f);   // real images, not blank
    }

    [Fact]
    public void TruncatedIdxFileGivesAClearError()
    {
        var path = Path.Combine(Path.GetTempPath(), $"truncated-{Guid.NewGuid():N}-idx3-ubyte");
        try
        {
            File.WriteAllBytes(path, [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3]);
            var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));
            Assert.Contains("header says 1568 values, the file holds 3", error.Message);
        }
        finally { File.Delete(path); }
    }
}

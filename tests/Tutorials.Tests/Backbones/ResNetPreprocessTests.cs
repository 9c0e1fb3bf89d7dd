using Tutorials.Backbones;
using Tutorials.Pretrained;

namespace Tutorials.Tests.Backbones;

[Collection(PretrainedResNetCollection.Name)]
public class ResNetPreprocessTests(PretrainedResNetFixture fixture)
{
    ResNetPreprocess Preprocess => fixture.Preprocess;

    [Fact]
    public void MeanImageIsReadFromThePackageInBgrOrder()
    {
        Assert.Equal((224, 224), Preprocess.MeanImageSize);
        var bgr = Preprocess.ChannelMeansBgr;
        // ImageNet channel means on the 0-255 scale, blue first: about 103.1, 115.9, 123.2.
        Assert.InRange(bgr[0], 102.6, 103.6);
        Assert.InRange(bgr[1], 115.4, 116.4);
        Assert.InRange(bgr[2], 122.7, 123.7);
    }

    [Theory]
    [MemberData(nameof(Photos))]
    public void MatchesThePackagesPreprocessingModelOnRealPhotos(string photo)
    {
        using var scope = torch.NewDisposeScope();
        var image = Ppm.Photo(photo);
        var ours = Preprocess.Apply(image.Rgb, image.Height, image.Width);

        // ML.NET feeds the preprocessing model RGB planes with values 0-255: build exactly that input.
        var planar = torch.tensor(image.Rgb, [224, 224, 3], ScalarType.Byte).permute(2, 0, 1).to_type(ScalarType.Float32);
        var reference = fixture.Onnx.Preprocess(planar.contiguous().data<float>().ToArray());

        var difference = (ours.flatten() - torch.tensor(reference)).abs().max().item<float>();
        Assert.True(difference == 0f, $"max |TorchSharp - ONNX preprocessing| = {difference}, expected exactly 0 (same subtraction)");
    }

    public static TheoryData<string> Photos => new(Ppm.PhotoNames.ToArray());

    [Fact]
    public void FloatBytesAndGrayscaleInputsAgree()
    {
        using var scope = torch.NewDisposeScope();
        var image = Ppm.Photo("chelsea");
        var fromBytes = Preprocess.Apply(image.Rgb, 224, 224);
        var unit = torch.tensor(image.Rgb, [224, 224, 3], ScalarType.Byte).permute(2, 0, 1).unsqueeze(0).to_type(ScalarType.Float32) / 255f;
        var fromFloats = Preprocess.Apply(unit);
        // x/255*255 is not always exactly x in float32: allow a few ulps of 255.
        Assert.True((fromBytes - fromFloats).abs().max().item<float>() < 1e-4f);

        // Grayscale: one channel copied to B, G and R, then each minus its own mean.
        var gray = unit.mean([1], keepdim: true);
        var fromGray = Preprocess.Apply(gray);
        Assert.Equal(new long[] { 1, 3, 224, 224 }, fromGray.shape);
        var restored = fromGray + Preprocess.Apply(torch.zeros(1, 3, 224, 224)).neg();    // add the mean back
        Assert.True((restored[0, 0] - restored[0, 2]).abs().max().item<float>() < 1e-3f);
        Assert.True((restored[0, 0] - gray[0, 0] * 255f).abs().max().item<float>() < 1e-3f);
    }

    [Fact]
    public void OtherSizesUseTheResizedMeanImageOrTheChannelMeans()
    {
        using var scope = torch.NewDisposeScope();
        var zeros = torch.zeros(1, 3, 64, 96);
        var resized = Preprocess.Apply(zeros).neg();   // = the mean that was subtracted
        Assert.Equal(new long[] { 1, 3, 64, 96 }, resized.shape);
        var means = Preprocess.ChannelMeansBgr;
        for (int c = 0; c < 3; c++)   // the resized mean image keeps each channel's average within half a grey level
            Assert.InRange(resized[0, c].mean().item<float>(), means[c] - 0.5f, means[c] + 0.5f);

        var perChannel = ImageNetResNet.LoadPreprocess(ResNetPreprocess.MeanMode.ChannelMeans);
        var flat = perChannel.Apply(zeros).neg();
        for (int c = 0; c < 3; c++)
            Assert.True((flat[0, c] - means[c]).abs().max().item<float>() < 1e-3f);
        // At 224 both modes subtract the exact per-pixel mean image.
        var at224 = torch.rand(1, 3, 224, 224);
        Assert.Equal(0f, (Preprocess.Apply(at224) - perChannel.Apply(at224)).abs().max().item<float>());
    }

    [Fact]
    public void WrongShapesAndRangesGiveClearErrors()
    {
        using var scope = torch.NewDisposeScope();
        var rank = Assert.Throws<ArgumentException>(() => Preprocess.Apply(torch.rand(3, 224, 224)));
        Assert.Contains("got (3, 224, 224)", rank.Message);
        Assert.Contains("unsqueeze(0)", rank.Message);

        var channels = Assert.Throws<ArgumentException>(() => Preprocess.Apply(torch.rand(1, 4, 32, 32)));
        Assert.Contains("(N, 3, H, W) RGB or (N, 1, H, W) grayscale, got (1, 4, 32, 32)", channels.Message);

        var range = Assert.Throws<ArgumentException>(() => Preprocess.Apply(torch.rand(1, 3, 32, 32) * 255f));
        Assert.Contains("[0, 1]", range.Message);

        var bytes = Assert.Throws<ArgumentException>(() => Preprocess.Apply(new byte[100], 10, 10));
        Assert.Contains("10×10×3 = 300 bytes", bytes.Message);
        Assert.Contains("got 100", bytes.Message);

        var hwc = Assert.Throws<ArgumentException>(() => Preprocess.Apply(torch.zeros([2, 32, 32, 4], ScalarType.Byte)));
        Assert.Contains("C = 3 (RGB) or 1 (gray), got (2, 32, 32, 4)", hwc.Message);
    }
}

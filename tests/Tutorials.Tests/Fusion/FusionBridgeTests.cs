using Tutorials.Backbones;
using Tutorials.Fusion;
using Tutorials.Tests.Training;
using Tutorials.Segmentation;

namespace Tutorials.Tests.Fusion;

[Collection(TorchGlobalRandomCollection.Name)]
public class FusionBridgeTests
{
    public static TheoryData<FusionMode, long, long, long, long> Sizes() => new()
    {
        // mode, RGB map h × w, depth map h' × w'
        { FusionMode.Residual, 16, 16, 16, 16 },   // same size
        { FusionMode.Residual, 16, 16, 8, 8 },     // depth coarser: upsampled
        { FusionMode.Gated, 8, 8, 32, 32 },        // depth finer: downsampled
        { FusionMode.Concat, 4, 8, 2, 4 },         // not square, same aspect ratio
        { FusionMode.Gated, 2, 2, 2, 2 },          // a layer4-sized map of a 64×64 image
    };

    [Theory, MemberData(nameof(Sizes))]
    public void OutputHasTheShapeOfTheRgbFeatures(FusionMode mode, long h, long w, long hb, long wb)
    {
        torch.manual_seed(0);
        using var bridge = new FusionBridge(rgbChannels: 32, depthChannels: 16, mode);
        using var rgb = torch.randn(3, 32, h, w);
        using var depth = torch.randn(3, 16, hb, wb);
        using var output = bridge.call(rgb, depth);
        Assert.Equal(new long[] { 3, 32, h, w }, output.shape);
    }

    [Fact]
    public void MismatchedChannelsGiveAClearError()
    {
        using var bridge = new FusionBridge(rgbChannels: 64, depthChannels: 16);
        var rgbError = Assert.Throws<ArgumentException>(() => bridge.call(torch.randn(1, 32, 8, 8), torch.randn(1, 16, 8, 8)));
        Assert.Contains("built for RGB features with 64 channels, got 32", rgbError.Message);
        Assert.Contains("ChannelsOf(stage)", rgbError.Message);
        var depthError = Assert.Throws<ArgumentException>(() => bridge.call(torch.randn(1, 64, 8, 8), torch.randn(1, 8, 8, 8)));
        Assert.Contains("built for depth features with 16 channels, got 8", depthError.Message);
    }

    [Fact]
    public void SizesThatCannotBeAlignedAreNamed()
    {
        using var bridge = new FusionBridge(rgbChannels: 8, depthChannels: 4);
        var error = Assert.Throws<ArgumentException>(() => bridge.call(torch.randn(2, 8, 16, 16), torch.randn(2, 4, 16, 12)));
        Assert.Contains("16×12", error.Message);   // what it got
        Assert.Contains("16×16", error.Message);   // what it needed
        Assert.Contains("aspect ratio", error.Message);
        var batch = Assert.Throws<ArgumentException>(() => bridge.call(torch.randn(2, 8, 4, 4), torch.randn(3, 4, 4, 4)));
        Assert.Contains("2 RGB feature maps but 3 depth", batch.Message);
    }

    [Theory]
    [InlineData(FusionMode.Residual)]
    [InlineData(FusionMode.Gated)]
    public void ResidualBridgesStartAsTheIdentityOnTheRgbFeatures(FusionMode mode)
    {
        torch.manual_seed(0);
        using var bridge = new FusionBridge(rgbChannels: 16, depthChannels: 8, mode);
        using var rgb = torch.randn(2, 16, 8, 8);
        using var output = bridge.call(rgb, torch.randn(2, 8, 4, 4));
        Assert.True(Same(output, rgb), "At step 0 a residual bridge must return A's features unchanged.");
    }

    [Theory]
    [InlineData("stem")]
    [InlineData("layer1")]
    [InlineData("layer2")]
    [InlineData("layer3")]
    [InlineData("layer4")]
    public void TheFusedModelSegmentsAtFullResolutionWhateverTheStage(string stage)
    {
        torch.manual_seed(0);
        using var model = new RgbdSegmenter(new ResNetSegmenter(new ResNetBackbone(baseWidth: 8, blocksPerStage: [1, 1, 1, 1]), numClasses: 4, decoderWidth: 8), stage);
        model.eval();
        using var scores = model.call(torch.randn(2, 3, 64, 96), torch.rand(2, 1, 64, 96));
        Assert.Equal(new long[] { 2, 4, 64, 96 }, scores.shape);
        Assert.Equal(model.Rgb.Backbone.StrideOf(stage), model.Depth.Stride);
    }

    [Fact]
    public void ImageSidesThatAreNotMultiplesOf32AreRejected()
    {
        using var model = new ResNetSegmenter(new ResNetBackbone(baseWidth: 8, blocksPerStage: [1, 1, 1, 1]), numClasses: 3, decoderWidth: 8);
        var error = Assert.Throws<ArgumentException>(() => model.call(torch.randn(1, 3, 60, 64)));
        Assert.Contains("multiples of 32", error.Message);
        Assert.Contains("60×64", error.Message);
    }

    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}

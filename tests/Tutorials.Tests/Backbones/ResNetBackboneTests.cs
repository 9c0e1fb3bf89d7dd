using Tutorials.Backbones;

namespace Tutorials.Tests.Backbones;

/// <summary>The architecture alone (random weights): names, sizes and the stage API.</summary>
public class ResNetBackboneTests
{
    [Fact]
    public void ParameterNamesFollowTorchvision()
    {
        using var model = new ResNetBackbone();
        var names = model.state_dict().Keys.ToHashSet();
        foreach (var expected in new[]
                 {
                     "conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
                     "layer1.0.conv1.weight", "layer1.1.bn2.bias",
                     "layer2.0.downsample.0.weight", "layer2.0.downsample.1.running_var",
                     "layer4.2.conv2.weight", "layer4.2.bn2.running_var",
                 })
            Assert.Contains(expected, names);
        Assert.DoesNotContain("layer1.0.downsample.0.weight", names);   // layer1 keeps shape: no projection shortcut
        Assert.DoesNotContain(names, n => n.StartsWith("fc."));          // no classifier head
        // 110 weights and statistics (as in the ONNX model) + 22 num_batches_tracked counters
        Assert.Equal(132, names.Count);
    }

    [Fact]
    public void PretrainedLayoutHas15Point9MillionValuesAnd512Features()
    {
        using var model = new ResNetBackbone();
        long values = model.state_dict().Where(kv => !kv.Key.EndsWith("num_batches_tracked")).Sum(kv => kv.Value.numel());
        Assert.InRange(values, 15_800_000, 16_000_000);
        Assert.Equal(512, model.FeatureSize);
        Assert.Equal(new[] { 64, 128, 256, 512 }, model.StageChannels);
        Assert.Equal(new[] { 4, 8, 16, 32 }, model.StageStrides);
        Assert.Equal(new[] { 2, 2, 2, 3 }, model.BlocksPerStage);
    }

    [Theory]
    [InlineData(224, 56, 28, 14, 7)]
    [InlineData(112, 28, 14, 7, 4)]
    [InlineData(64, 16, 8, 4, 2)]
    public void StageFeatureMapsHaveTheDocumentedShapes(int side, int s1, int s2, int s3, int s4)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(0);
        using var model = new ResNetBackbone();
        model.eval();
        using var noGrad = torch.no_grad();
        var maps = model.FeatureMaps(torch.randn(2, 3, side, side));

        Assert.Equal(ResNetBackbone.StageNames, maps.Keys);
        Assert.Equal(new long[] { 2, 64, s1, s1 }, maps["stem"].shape);
        Assert.Equal(new long[] { 2, 64, s1, s1 }, maps["layer1"].shape);
        Assert.Equal(new long[] { 2, 128, s2, s2 }, maps["layer2"].shape);
        Assert.Equal(new long[] { 2, 256, s3, s3 }, maps["layer3"].shape);
        Assert.Equal(new long[] { 2, 512, s4, s4 }, maps["layer4"].shape);
        Assert.Equal(new long[] { 2, 512 }, ResNetBackbone.Pool(maps["layer4"]).shape);
    }

    [Theory]
    [InlineData("stem")]
    [InlineData("layer2")]
    [InlineData("layer3")]
    [InlineData("layer4")]
    public void FeatureMapAtThenPooledFeaturesFromEqualsForward(string stage)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(0);
        using var model = new ResNetBackbone(baseWidth: 16);
        model.eval();
        using var noGrad = torch.no_grad();
        var x = torch.randn(2, 3, 64, 64);

        var whole = model.forward(x);
        var split = model.PooledFeaturesFrom(stage, model.FeatureMapAt(x, stage));

        Assert.Equal(0.0, (whole - split).abs().max().item<float>(), 6);   // the same operations: identical up to 1e-6
    }

    [Fact]
    public void WidthAndLayoutAreParameters()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new ResNetBackbone(baseWidth: 8, blocksPerStage: [1, 1, 1, 1]);
        model.eval();
        using var noGrad = torch.no_grad();
        Assert.Equal(new[] { 8, 16, 32, 64 }, model.StageChannels);
        Assert.Equal(new long[] { 3, 64 }, model.forward(torch.randn(3, 3, 32, 32)).shape);
        Assert.DoesNotContain(model.state_dict().Keys, n => n.StartsWith("layer4.1."));
    }

    [Fact]
    public void WrongInputsGiveClearErrors()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new ResNetBackbone(baseWidth: 8);
        var stage = Assert.Throws<ArgumentException>(() => model.FeatureMapAt(torch.zeros(1, 3, 32, 32), "layer5"));
        Assert.Contains("Unknown stage 'layer5'", stage.Message);
        Assert.Contains("stem, layer1, layer2, layer3, layer4", stage.Message);

        var channels = Assert.Throws<ArgumentException>(() => model.forward(torch.zeros(1, 1, 32, 32)));
        Assert.Contains("(N, 3, H, W), got (1, 1, 32, 32)", channels.Message);
        Assert.Contains("ResNetPreprocess", channels.Message);

        var from = Assert.Throws<ArgumentException>(() => model.PooledFeaturesFrom("layer2", torch.zeros(1, 8, 4, 4)));
        Assert.Contains("(N, 16, H, W), got (1, 8, 4, 4)", from.Message);

        Assert.Throws<ArgumentException>(() => new ResNetBackbone(blocksPerStage: [2, 2, 2]));
    }
}

using Tutorials.Fusion;

using Tutorials.Tests.Support;

namespace Tutorials.Tests.Fusion;

public class FusionClassifierTests
{
    [Fact]
    public void ConcatenationJoinsAnyNumberOfInputsInOrder()
    {
        using var fusion = new ConcatFusion([new("a", 2), new("b", 1), new("c", 3)]);
        var joined = fusion.call([torch.ones(4, 2), torch.zeros(4, 1), torch.full(4, 3, 2f)]);
        Assert.Equal(new long[] { 4, 6 }, joined.shape);
        Assert.Equal(new float[] { 1, 1, 0, 2, 2, 2 }, joined[0].data<float>().ToArray());
        Assert.Equal(6, fusion.OutputSize);
        Assert.Empty(fusion.parameters());
    }

    [Fact]
    public void OneInputIsAnOrdinaryClassifier()
    {
        torch.manual_seed(0);
        using var imageOnly = new FusionClassifier([new("image", 6)], classes: 3, hiddenSize: 8);
        Assert.Equal(new long[] { 2, 3 }, imageOnly.call([torch.zeros(2, 6)]).shape);
        Assert.Equal(new long[] { 8, 6 }, imageOnly.named_parameters().First(p => p.name == "head.hidden.weight").parameter.shape);
        var empty = Assert.Throws<ArgumentException>(() => new FusionClassifier([new("image", 6), new("audio", 0)], classes: 3));
        Assert.Contains("at least 1 feature", empty.Message);
    }

    [Fact]
    public void WrongInputsAreNamed()
    {
        using var fused = new FusionClassifier([new("image", 512), new("audio", 128)], classes: 10);
        var size = Assert.Throws<ArgumentException>(() => fused.call([torch.zeros(2, 256), torch.zeros(2, 128)]));
        Assert.Contains("declared with 512 image features", size.Message);
        var count = Assert.Throws<ArgumentException>(() => fused.call([torch.zeros(2, 512)]));
        Assert.Contains("2 inputs (image, audio), got 1", count.Message);
    }

    [Fact]
    public void TheTwoInputHeadIsTheSameClassifier()
    {
        // ConcatFusionHead (image, audio) is a FusionClassifier's parts: same seed, same weights, same scores.
        var image = torch.randn(5, 6);
        var audio = torch.randn(5, 4);
        torch.manual_seed(7);
        using var pair = new ConcatFusionHead(imageFeatures: 6, audioFeatures: 4, classes: 3, hiddenSize: 8);
        torch.manual_seed(7);
        using var general = new FusionClassifier([new("image", 6), new("audio", 4)], classes: 3, hiddenSize: 8);
        pair.eval(); general.eval();
        Assert.True(Tensors.Same(pair.call(image, audio), general.call([image, audio])));

        torch.manual_seed(7);
        using var imageOnlyPair = new ConcatFusionHead(imageFeatures: 6, audioFeatures: 0, classes: 3, hiddenSize: 8);
        torch.manual_seed(7);
        using var imageOnly = new FusionClassifier([new("image", 6)], classes: 3, hiddenSize: 8);
        imageOnlyPair.eval(); imageOnly.eval();
        Assert.True(Tensors.Same(imageOnlyPair.call(image, torch.zeros(5, 0)), imageOnly.call([image])));
    }

    [Fact]
    public void ModalityDropoutOverThreeInputsDropsAtMostOnePerRow()
    {
        torch.manual_seed(0);
        using var fusion = new ConcatFusion([new("a", 1), new("b", 1), new("c", 1)], modalityDropout: 0.6);
        fusion.train();
        var joined = fusion.call([torch.ones(3000, 1), torch.ones(3000, 1), torch.ones(3000, 1)]);
        var zeros = joined.eq(0).sum(1);
        Assert.Equal(0, zeros.gt(1).sum().item<long>());                                      // never two inputs of a row
        Assert.InRange(zeros.to_type(ScalarType.Float32).mean().item<float>(), 0.55f, 0.65f);  // a row loses one with p = 0.6
        for (int i = 0; i < 3; i++)                                                            // each input equally often
            Assert.InRange(joined[.., i].eq(0).to_type(ScalarType.Float32).mean().item<float>(), 0.17f, 0.23f);
        fusion.eval();
        Assert.Equal(0, fusion.call([torch.ones(10, 1), torch.ones(10, 1), torch.ones(10, 1)]).eq(0).sum().item<long>());
    }
}

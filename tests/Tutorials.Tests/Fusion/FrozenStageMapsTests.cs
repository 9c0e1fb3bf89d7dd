using Tutorials.Backbones;
using Tutorials.Fusion;
using Tutorials.Segmentation;
using Tutorials.Tests.Training;
using Tutorials.Evaluation;

namespace Tutorials.Tests.Fusion;

/// <summary>
/// Caching the frozen stages' maps once (notebook 02) must not change what the model computes: class scores from the
/// cache equal the scores from the images (tolerance 1e-5: a convolution's float rounding can depend on the batch it
/// runs in; gradients 1e-3 relative + 1e-5), for A alone and for the grafted model, fused at and after the last frozen stage; and the gradients the
/// trainable parts receive are the same. Caching stages that still train, or fusing before the cache's end, is refused.
/// Every width is a multiple of 8: on hosts whose oneDNN is misconfigured (see OneDnnConvFaultTests) 3×3 convolutions
/// with other channel counts compute wrong input gradients, and a width-4 version of this test failed 5–9 times in 40.
/// </summary>
[Collection(TorchGlobalRandomCollection.Name)]
public class FrozenStageMapsTests
{
    static ResNetSegmenter SmallA()
    {
        torch.manual_seed(3);
        return new ResNetSegmenter(new ResNetBackbone(baseWidth: 8, blocksPerStage: [1, 1, 1, 1]), numClasses: 4, decoderWidth: 8);
    }

    static (Tensor Images, Tensor Depth, Tensor Masks) Data()
    {
        torch.manual_seed(0);
        return (torch.randn(10, 3, 32, 32), torch.rand(10, 1, 32, 32), torch.randint(4, [10, 32, 32], dtype: ScalarType.Int64));
    }

    [Theory]
    [InlineData("layer1", null)]
    [InlineData("layer1", "layer1")]
    [InlineData("layer1", "layer3")]
    [InlineData("layer3", "layer3")]
    [InlineData("stem", "layer2")]
    public void ScoresAndGradientsFromTheCacheEqualThoseFromTheImages(string frozenUpTo, string? fusionStage)
    {
        var (images, depth, masks) = Data();
        var a = SmallA();
        torch.manual_seed(4);
        RgbdSegmenter? fused = fusionStage is null ? null : new RgbdSegmenter(a, fusionStage, depthWidth: 8);
        nn.Module model = fused is null ? a : fused;
        FusionTraining.FreezeBackboneUpTo(a.Backbone, frozenUpTo);
        using var cache = FrozenStageMaps.Compute(a, images, frozenUpTo, torch.CPU, chunk: 3);
        Assert.Equal(10, cache.Count);

        Tensor FromImages() => fused is null ? a.call(images) : fused.call(images, depth);
        Tensor FromCache() => fused is null
            ? a.ClassScoresFrom(frozenUpTo, cache.Rows(0, 10, torch.CPU))
            : fused.ScoresFrom(cache.Rows(0, 10, torch.CPU), frozenUpTo, depth);

        model.eval();
        var expected = EvalPass.Run(() => FromImages().clone(), model);
        var got = EvalPass.Run(() => FromCache().clone(), model);
        Assert.True(got.allclose(expected, rtol: 0, atol: 1e-5), $"max |diff| {(got - expected).abs().max().item<float>()}");

        // Gradients of the trainable parts: the same whether the frozen stages ran or were read from the cache.
        var trainable = model.parameters().Where(p => p.requires_grad).ToList();
        Tensor[] GradientsOf(Func<Tensor> scores)
        {
            foreach (var p in trainable) p.grad = null;
            nn.functional.cross_entropy(scores(), masks).backward();
            return trainable.Select(p => p.grad!.clone()).ToArray();
        }
        var viaImages = GradientsOf(FromImages);
        var viaCache = GradientsOf(FromCache);
        for (int i = 0; i < trainable.Count; i++)
            Assert.True(viaCache[i].allclose(viaImages[i], rtol: 1e-3, atol: 1e-5),
                $"gradient {i} differs: max |diff| {(viaCache[i] - viaImages[i]).abs().max().item<float>():G3}, " +
                $"max |gradient| {viaImages[i].abs().max().item<float>():G3}");
    }

    [Fact]
    public void CachingStagesThatStillTrainIsRefused()
    {
        var (images, _, _) = Data();
        var a = SmallA();
        FusionTraining.FreezeBackboneUpTo(a.Backbone, "stem");
        var e = Assert.Throws<InvalidOperationException>(() => FrozenStageMaps.Compute(a, images, "layer1", torch.CPU));
        Assert.Contains("\"backbone.layer1.", e.Message);
        Assert.Contains("FreezeBackboneUpTo", e.Message);
    }

    [Fact]
    public void ABatchThatDoesNotStartWithTheCachedMapsIsRefusedWithWhatWasExpected()
    {
        var (images, depth, _) = Data();
        var a = SmallA();
        FusionTraining.FreezeBackboneUpTo(a.Backbone, "layer1");
        using var cache = FrozenStageMaps.Compute(a, images, "layer1", torch.CPU);
        var e = Assert.Throws<ArgumentException>(() => cache.Of([images[..2], depth[..2]]));   // the images, not the maps
        Assert.Contains("cached maps of layer1", e.Message);
        Assert.Contains("(N, 8, 8, 8)", e.Message);
        Assert.Contains("(2, 3, 32, 32)", e.Message);
    }

    [Fact]
    public void FusingBeforeTheCachesLastStageIsRefused()
    {
        var (images, depth, _) = Data();
        var a = SmallA();
        var fused = new RgbdSegmenter(a, "layer1", depthWidth: 8);
        FusionTraining.FreezeBackboneUpTo(a.Backbone, "layer2");
        using var cache = FrozenStageMaps.Compute(a, images, "layer2", torch.CPU);
        var e = Assert.Throws<ArgumentException>(() => fused.ScoresFrom(cache.Rows(0, 2), "layer2", depth[..2]));
        Assert.Contains("layer1 comes before layer2", e.Message);
    }
}

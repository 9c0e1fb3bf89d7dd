using Tutorials.Backbones;
using Tutorials.Combining;
using Tutorials.Training;
using Tutorials.Data;
using Tutorials.Notebooks;

namespace Tutorials.Tests.Combining;

/// <summary>The four fine-tunes of one seed, on a tiny ResNet (base width 8): reproducible from the seed, and the
/// pair that shares its start stays closer together than the pair from two random starts.</summary>
public class Layer4FineTunePairsTests
{
    static (ResNetBackbone Backbone, Tensor Maps, Tensor Labels, TensorBatches Norm) Tiny()
    {
        Kit.Seed(3);
        var backbone = new ResNetBackbone(baseWidth: 8, blocksPerStage: [1, 1, 1, 2]);
        backbone.eval();
        using var noGrad = torch.no_grad();
        var maps = backbone.FeatureMapAt(torch.randn(20, 3, 32, 32), "layer3");
        var labels = torch.arange(20, dtype: ScalarType.Int64) % 10;
        return (backbone, maps, labels, new TensorBatches(10, maps));
    }

    static Layer4FineTunePairs Train(long seed)
    {
        var (backbone, maps, labels, norm) = Tiny();
        return Layer4FineTunePairs.Train(backbone, maps, labels, epochs: 1, seed, norm, showProgress: false);
    }

    static double Distance(nn.Module a, nn.Module b)
    {
        var x = a.state_dict(); var y = b.state_dict();
        return x.Where(kv => kv.Value.is_floating_point()).Sum(kv => (kv.Value - y[kv.Key]).pow(2).sum().item<float>());
    }

    [Fact]
    public void TheSameSeedGivesTheSameFourModelsAndTheSharedPairStaysCloser()
    {
        using var first = Train(seed: 1);
        using var again = Train(seed: 1);
        Assert.Equal(0, Distance(first.Shared1, again.Shared1));
        Assert.Equal(0, Distance(first.Random2, again.Random2));
        Assert.True(Distance(first.Shared1, first.Shared2) > 0, "two data orders should give two different models");
        Assert.True(Distance(first.Shared1, first.Shared2) < Distance(first.Random1, first.Random2),
            "fine-tunes from one start should end nearer each other than models from two random starts");
    }
}

using Tutorials.Backbones;
using Tutorials.Fusion;
using Tutorials.Segmentation;
using Tutorials.Tests.Training;
using Tutorials.Training;
using Tutorials.Freezing;

namespace Tutorials.Tests.Fusion;

/// <summary>
/// Grafting a depth branch onto a trained segmenter: with the residual bridge the grafted model's class scores at
/// step 0 are model A's, exactly (checked on a batch); with the concatenate-and-replace bridge they are not; and the
/// optimizer groups split the trainable parameters into A's and the new parts', with none left out.
/// </summary>
[Collection(TorchGlobalRandomCollection.Name)]
public class GraftingTests
{
    // A small segmenter whose decoder has trained a few steps, so "A" is not at its initialisation.
    static ResNetSegmenter TrainedA(Tensor images, Tensor masks)
    {
        torch.manual_seed(1);
        var a = new ResNetSegmenter(new ResNetBackbone(baseWidth: 8, blocksPerStage: [1, 1, 1, 1]), numClasses: 4, decoderWidth: 8);
        var optimizer = torch.optim.Adam(a.parameters(), lr: 1e-2);
        a.train();
        for (int i = 0; i < 3; i++)
        {
            using var scope = torch.NewDisposeScope();
            var loss = torch.nn.functional.cross_entropy(a.call(images), masks);
            optimizer.zero_grad(); loss.backward(); optimizer.step();
        }
        return a;
    }

    static (Tensor Images, Tensor Depth, Tensor Masks) Batch()
    {
        torch.manual_seed(0);
        return (torch.randn(6, 3, 32, 32), torch.rand(6, 1, 32, 32), torch.randint(4, [6, 32, 32], dtype: ScalarType.Int64));
    }

    [Theory]
    [InlineData("stem")]
    [InlineData("layer1")]
    [InlineData("layer3")]
    public void AResidualGraftComputesExactlyWhatAComputesAtStepZero(string stage)
    {
        var (images, depth, masks) = Batch();
        var a = TrainedA(images, masks);
        using var before = Tutorials.Evaluation.EvalPass.Run(() => a.call(images).detach().clone(), a);
        torch.manual_seed(2);
        var grafted = new RgbdSegmenter(a, stage, FusionMode.Residual);
        double diff = Grafting.MaxAbsDifference(a, grafted, images, depth, torch.CPU);
        Assert.True(diff <= 1e-6, $"A vs grafted at {stage}: max |diff| {diff}, expected ≤ 1e-6 (exactly 0: the bridge's output conv starts at zero).");
        Assert.Equal(0.0, diff);
        // Grafting did not touch A: its own scores are unchanged too.
        using var after = Tutorials.Evaluation.EvalPass.Run(() => a.call(images).detach().clone(), a);
        Assert.True(before.eq(after).all().item<bool>());
    }

    [Fact]
    public void AConcatGraftReplacesAsMapAndSoChangesItsScores()
    {
        var (images, depth, masks) = Batch();
        var a = TrainedA(images, masks);
        torch.manual_seed(2);
        var grafted = new RgbdSegmenter(a, "layer1", FusionMode.Concat);
        double diff = Grafting.MaxAbsDifference(a, grafted, images, depth, torch.CPU);
        Assert.True(diff > 1e-3, $"a concat bridge starts random, so the grafted scores should differ from A's; max |diff| {diff}.");
    }

    [Fact]
    public void TheGroupsSplitTheTrainableParametersIntoAsAndTheNewParts()
    {
        var (images, _, masks) = Batch();
        var grafted = new RgbdSegmenter(TrainedA(images, masks), "layer1");
        FusionTraining.FreezeBackboneUpTo(grafted.Rgb.Backbone, "layer1");
        var modelA = Grafting.PretrainedParameters(grafted).Select(p => p.Handle).ToHashSet();
        var fresh = Grafting.NewParameters(grafted).Select(p => p.Handle).ToHashSet();
        Assert.Empty(modelA.Intersect(fresh));
        var trainable = Freezer.TrainableParameters(grafted).Select(p => p.Handle).ToHashSet();
        Assert.True(trainable.SetEquals(modelA.Union(fresh)), "every trainable parameter belongs to exactly one group");
        foreach (var (name, p) in grafted.named_parameters())
        {
            if (!p.requires_grad) continue;
            Assert.Equal(name.StartsWith("rgb."), modelA.Contains(p.Handle));
        }
        Assert.Contains(Grafting.Parts(grafted), part => part.Name.Contains("decoder") && part.Name.Contains("pretrained"));
    }

    [Fact]
    public void MismatchedBatchesGetAClearError()
    {
        var (images, depth, masks) = Batch();
        var grafted = new RgbdSegmenter(TrainedA(images, masks), "layer1");
        var e = Assert.Throws<ArgumentException>(() => Grafting.MaxAbsDifference(grafted.Rgb, grafted, images, depth[..2], torch.CPU));
        Assert.Contains("(N, 1, H, W)", e.Message);
    }
}

using TorchSharp.Modules;
using Tutorials.Backbones;
using Tutorials.Fusion;
using Tutorials.Tests.Training;
using Tutorials.Training;
using Tutorials.Segmentation;
using Tutorials.Data;
using Tutorials.Freezing;

namespace Tutorials.Tests.Fusion;

[Collection(TorchGlobalRandomCollection.Name)]
public class PartialFreezingTests
{
    static (RgbdSegmenter Model, Adam Optimizer) Build(string stage)
    {
        torch.manual_seed(0);
        var backbone = new ResNetBackbone(baseWidth: 8, blocksPerStage: [1, 1, 1, 1]);
        var model = new RgbdSegmenter(new ResNetSegmenter(backbone, numClasses: 3, decoderWidth: 8), stage);
        FusionTraining.FreezeBackboneUpTo(backbone, stage);
        var optimizer = optim.Adam(new Adam.ParamGroup[]
        {
            new(FusionTraining.FineTunedParameters(backbone), lr: 1e-4),
            new(FusionTraining.NewParameters(model, backbone), lr: 1e-3),
        });
        return (model, optimizer);
    }

    /// <summary>Parameters and buffers (BatchNorm running statistics) by name, copied.</summary>
    static Dictionary<string, Tensor> Snapshot(nn.Module model) =>
        model.named_parameters().Select(p => (p.name, t: (Tensor)p.parameter))
            .Concat(model.named_buffers().Select(b => (b.name, t: b.buffer)))
            .ToDictionary(x => x.name, x => x.t.detach().clone());

    [Fact]
    public void StagesUpToTheFusionPointStayExactlyAsTheyWereWhileLaterOnesAndNewPartsLearn()
    {
        var (model, optimizer) = Build("layer2");
        var before = Snapshot(model);
        torch.manual_seed(1);
        var images = torch.randn(8, 3, 32, 32);
        var depth = torch.rand(8, 1, 32, 32);
        var masks = torch.randint(0, 3, [8, 32, 32]);
        Trainer.Fit(model, optimizer, new TensorBatches([images, depth, masks], 4, shuffle: true, seed: 0),
            b => nn.functional.cross_entropy(model.call(b[0], b[1]), b[2]),
            options: new TrainerOptions { Epochs = 2, Progress = new Progress<TrainingUpdate>(_ => { }) });
        var after = Snapshot(model);

        bool Changed(string name) => !Same(before[name], after[name]);
        string[] frozen = ["rgb.backbone.conv1", "rgb.backbone.bn1", "rgb.backbone.layer1", "rgb.backbone.layer2"];
        string[] learning = ["rgb.backbone.layer3", "rgb.backbone.layer4", "rgb.decoder", "depth", "bridge"];
        foreach (var name in before.Keys.Where(n => frozen.Any(f => Freezer.MatchesPrefix(n, f))))
            Assert.False(Changed(name), $"{name} is in a frozen stage but changed during training (BatchNorm statistics included).");
        foreach (var prefix in learning)
            Assert.True(before.Keys.Where(n => Freezer.MatchesPrefix(n, prefix) && n.EndsWith("weight")).Any(Changed),
                $"no weight under {prefix} changed: it should be training.");
    }

    [Fact]
    public void TheSummaryShowsFrozenFineTunedAndNewPartsWithTheirLearningRates()
    {
        var (model, optimizer) = Build("layer1");
        var table = FusionTraining.Summary(FusionTraining.Parts(model), optimizer);
        var rows = Enumerable.Range(0, (int)table.Rows.Count)
            .ToDictionary(r => (string)table["part"][r], r => ((string)table["status"][r], (string)table["learning rate"][r]));
        Assert.Equal(("frozen", "—"), rows["backbone stem"]);
        Assert.Equal(("frozen", "—"), rows["backbone layer1"]);
        Assert.Equal(("trainable", "0.0001"), rows["backbone layer2"]);
        Assert.Equal(("trainable", "0.0001"), rows["backbone layer4"]);
        Assert.Equal(("trainable", "0.001"), rows["depth branch (new)"]);
        Assert.Equal(("trainable", "0.001"), rows["bridge at layer1 (new)"]);
        Assert.Equal(("trainable", "0.001"), rows["decoder (new)"]);
    }

    [Fact]
    public void ATrainableParameterLeftOutOfTheOptimizerIsFlagged()
    {
        var (model, _) = Build("layer3");
        var optimizer = optim.Adam(FusionTraining.NewParameters(model, model.Rgb.Backbone), lr: 1e-3); // forgot the backbone group
        var table = FusionTraining.Summary(FusionTraining.Parts(model), optimizer);
        var layer4 = Enumerable.Range(0, (int)table.Rows.Count).Single(r => (string)table["part"][r] == "backbone layer4");
        Assert.Equal("not in optimizer", table["learning rate"][layer4]);
    }

    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    [Fact]
    public void ReleaseFreesEveryParameterAndBufferOfTheModel()
    {
        var (model, optimizer) = Build("layer1");
        var tensors = model.parameters().Select(p => (Tensor)p).Concat(model.named_buffers().Select(b => b.buffer)).ToList();
        Assert.All(tensors, t => Assert.False(t.IsInvalid));
        FusionTraining.Release(model, optimizer);
        Assert.All(tensors, t => Assert.True(t.IsInvalid, "every weight and running statistic must be freed, not left to the garbage collector"));
    }
}

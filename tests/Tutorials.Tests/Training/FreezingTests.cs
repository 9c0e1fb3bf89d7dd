using TorchSharp.Modules;
using Tutorials.Training;
using Tutorials.Freezing;

namespace Tutorials.Tests.Training;

public class FreezingTests
{
    static optim.Optimizer MakeOptimizer(string kind, IEnumerable<Parameter> parameters) => kind switch
    {
        "sgd-momentum" => optim.SGD(parameters, 0.1, momentum: 0.9),
        "adam" => optim.Adam(parameters, 0.01),
        _ => throw new ArgumentException($"unknown optimizer {kind}")
    };

    [Theory]
    [InlineData("sgd-momentum", true)]
    [InlineData("sgd-momentum", false)]
    [InlineData("adam", true)]
    [InlineData("adam", false)]
    public void FrozenParametersDoNotMoveInAnOptimizerStep(string optimizerKind, bool optimizerGetsAllParameters)
    {
        using var model = TinyNet.Create();
        Freezer.FreezeAllExcept(model, "head");
        // All parameters on purpose: requires_grad = false alone must protect the frozen ones.
        var optimized = optimizerGetsAllParameters ? model.parameters() : Freezer.TrainableParameters(model);
        using var optimizer = MakeOptimizer(optimizerKind, optimized);
        var before = TinyNet.ParameterBytes(model);

        var (images, labels) = TinyNet.Batch(seed: 1);
        using (images) using (labels)
        {
            TinyNet.TrainStep(model, optimizer, images, labels);
            TinyNet.TrainStep(model, optimizer, images, labels);   // second step: momentum / Adam state in play
        }

        var after = TinyNet.ParameterBytes(model);
        foreach (var (name, p) in model.named_parameters())
        {
            if (name.StartsWith("head.", StringComparison.Ordinal))
            {
                Assert.False(before[name].SequenceEqual(after[name]), $"trainable {name} should have changed");
                Assert.NotNull(p.grad);
            }
            else
            {
                Assert.True(before[name].SequenceEqual(after[name]), $"frozen {name} changed");
                Assert.Null(p.grad);
            }
        }
    }

    [Fact]
    public void TrainableParametersAreOnlyTheUnfrozenOnes()
    {
        using var model = TinyNet.Create();
        Freezer.FreezeAllExcept(model, "head");
        var trainable = Freezer.TrainableParameters(model);
        Assert.Equal(2, trainable.Count);                        // head.weight, head.bias
        Assert.Equal(TinyNet.Head, trainable.Sum(p => p.numel()));
    }

    [Fact]
    public void KeepFrozenBatchNormInEvalKeepsFrozenRunningStatisticsStill()
    {
        using var model = TinyNet.Create();
        Freezer.FreezeAllExcept(model, "layer2", "head");   // stem and layer1 frozen; layer2's BatchNorm trains
        var before = TinyNet.BufferBytes(model);

        Freezer.TrainMode(model);
        ForwardInTrainingMode(model);

        var after = TinyNet.BufferBytes(model);
        foreach (var frozen in new[] { "stem.bn", "layer1.bn" })
            foreach (var buffer in new[] { "running_mean", "running_var", "num_batches_tracked" })
                Assert.True(before[$"{frozen}.{buffer}"].SequenceEqual(after[$"{frozen}.{buffer}"]), $"{frozen}.{buffer} moved");
        // The trainable block's BatchNorm still learns its statistics.
        Assert.False(before["layer2.bn.running_mean"].SequenceEqual(after["layer2.bn.running_mean"]));
        Assert.False(before["layer2.bn.running_var"].SequenceEqual(after["layer2.bn.running_var"]));
    }

    [Fact]
    public void WithoutTheHelperFrozenBatchNormStatisticsDrift()
    {
        using var model = TinyNet.Create();
        Freezer.Freeze(model);                               // every weight frozen ...
        Assert.Equal(3, Freezer.KeepFrozenBatchNormInEval(model));
        model.train();                                        // ... but train() puts every BatchNorm back in training mode
        var before = TinyNet.BufferBytes(model);

        ForwardInTrainingMode(model);

        var after = TinyNet.BufferBytes(model);
        Assert.False(before["stem.bn.running_mean"].SequenceEqual(after["stem.bn.running_mean"]));
        Assert.False(before["stem.bn.running_var"].SequenceEqual(after["stem.bn.running_var"]));
    }

    [Fact]
    public void KeepFrozenBatchNormInEvalChangesOnlyFullyFrozenBatchNorms()
    {
        using var model = TinyNet.Create();
        Freezer.FreezeAllExcept(model, "layer2", "head");
        model.train();
        Assert.Equal(2, Freezer.KeepFrozenBatchNormInEval(model));
        var modules = model.named_modules().ToDictionary(nm => nm.name, nm => nm.module);
        Assert.False(modules["stem.bn"].training);
        Assert.False(modules["layer1.bn"].training);
        Assert.True(modules["layer2.bn"].training);
        Assert.True(modules["stem.conv"].training);           // only BatchNorm is switched; the rest stays in train mode
    }

    static void ForwardInTrainingMode(Sequential model)
    {
        for (int seed = 1; seed <= 3; seed++)
        {
            using var scope = torch.NewDisposeScope();
            var (images, _) = TinyNet.Batch(seed);
            model.call(images);
        }
    }

    [Fact]
    public void SummaryCountsMatchHandComputedNumbers()
    {
        using var model = TinyNet.Create();
        Freezer.FreezeAllExcept(model, "layer2", "head");
        Freezer.Freeze(model, "layer2.bn");                  // layer2 becomes partly frozen

        var df = Freezer.Summary(model);

        Assert.Equal(new[] { "block", "trainable parameters", "frozen parameters", "total", "status" },
            df.Columns.Select(c => c.Name));
        var rows = Enumerable.Range(0, (int)df.Rows.Count).Select(r => (
            block: (string)df["block"][r], trainable: (long)df["trainable parameters"][r],
            frozen: (long)df["frozen parameters"][r], total: (long)df["total"][r], status: (string)df["status"][r])).ToList();

        long frozen = TinyNet.StemConv + TinyNet.StemBn + TinyNet.Layer1Conv + TinyNet.Layer1Bn + TinyNet.Layer2Bn;
        long trainable = TinyNet.Layer2Conv + TinyNet.Head;
        Assert.Equal(new[]
        {
            ("stem", 0L, 240L, 240L, "frozen"),
            ("layer1", 0L, 600L, 600L, "frozen"),
            ("layer2", 1168L, 32L, 1200L, "partly frozen"),
            ("head", 68L, 0L, 68L, "trainable"),
            ("total", trainable, frozen, 2108L, "partly frozen"),
        }, rows);
        Assert.Equal(2108L, frozen + trainable);
    }

    [Fact]
    public void SummaryAtDepthTwoSplitsBlocksIntoTheirModules()
    {
        using var model = TinyNet.Create();
        Freezer.Freeze(model, "stem");

        var df = Freezer.Summary(model, depth: 2);

        Assert.Equal(new[] { "stem.conv", "stem.bn", "layer1.conv", "layer1.bn", "layer2.conv", "layer2.bn", "head", "total" },
            Enumerable.Range(0, (int)df.Rows.Count).Select(r => (string)df["block"][r]));
        Assert.Equal(TinyNet.StemConv, (long)df["frozen parameters"][0]);
        Assert.Equal(TinyNet.Layer2Conv, (long)df["trainable parameters"][4]);
        Assert.Equal("frozen", (string)df["status"][1]);
        Assert.Equal("trainable", (string)df["status"][6]);
    }

    [Fact]
    public void PrefixesMatchWholeNameSegments()
    {
        torch.manual_seed(0);
        using var model = nn.Sequential(("layer1", nn.Linear(2, 2)), ("layer10", nn.Linear(2, 2)));

        Freezer.Freeze(model, "layer1");

        var requiresGrad = model.named_parameters().ToDictionary(np => np.name, np => np.parameter.requires_grad);
        Assert.False(requiresGrad["layer1.weight"]);
        Assert.False(requiresGrad["layer1.bias"]);
        Assert.True(requiresGrad["layer10.weight"]);           // "layer1" is not a prefix of the segment "layer10"
        Assert.True(requiresGrad["layer10.bias"]);
        // Half a segment is not a block name either.
        Assert.Throws<ArgumentException>(() => Freezer.Freeze(model, "layer"));
    }

    [Fact]
    public void UnknownPrefixErrorListsTheBlocksAndChangesNothing()
    {
        using var model = TinyNet.Create();

        var e = Assert.Throws<ArgumentException>(() => Freezer.Freeze(model, "stem", "layer5"));

        Assert.Contains("\"layer5\"", e.Message);
        Assert.Contains("stem, layer1, layer2, head", e.Message);
        Assert.All(model.parameters(), p => Assert.True(p.requires_grad));   // "stem" was valid but not frozen
        Assert.Throws<ArgumentException>(() => Freezer.FreezeAllExcept(model, "fc"));
        Assert.Throws<ArgumentException>(() => Freezer.FreezeAllExcept(model));
    }

    [Fact]
    public void UnfreezeRestoresRequiresGrad()
    {
        using var model = TinyNet.Create();
        Freezer.Freeze(model);
        Assert.All(model.parameters(), p => Assert.False(p.requires_grad));

        Freezer.Unfreeze(model, "head");
        Assert.Equal(new[] { "head.weight", "head.bias" },
            model.named_parameters().Where(np => np.parameter.requires_grad).Select(np => np.name));

        Freezer.Unfreeze(model);
        Assert.All(model.parameters(), p => Assert.True(p.requires_grad));
    }
}

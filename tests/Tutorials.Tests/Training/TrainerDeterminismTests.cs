using TorchSharp.Modules;
using Tutorials.Backbones;
using Tutorials.Environment;
using Tutorials.Fusion;
using Tutorials.Segmentation;
using Tutorials.Training;
using Tutorials.Data;

namespace Tutorials.Tests.Training;

[Collection(TorchGlobalRandomCollection.Name)]
public class TrainerDeterminismTests
{
    static (TrainingHistory history, TorchSharp.Modules.Sequential model) Run(int epochs, long seed = 0)
    {
        var (x, y) = TrainerTestData.Blobs(96, seed: 1);
        var (vx, vy) = TrainerTestData.Blobs(40, seed: 2);
        var model = TrainerTestData.Mlp(seed);
        using var optimizer = optim.Adam(model.parameters(), 0.01);
        var train = new TensorBatches(new[] { x, y }, batchSize: 16, shuffle: true, seed: 3);
        var history = TrainerTestData.FitClassifier(model, optimizer, train, new TensorBatches(32, vx, vy), TrainerTestData.Quiet(epochs));
        return (history, model);
    }

    [Fact]
    public void SameSeedGivesBitIdenticalHistoriesAndWeights()
    {
        var (h1, m1) = Run(epochs: 4);
        var (h2, m2) = Run(epochs: 4);
        Assert.Equal(TrainerTestData.Numbers(h1), TrainerTestData.Numbers(h2));
        TrainerTestData.AssertSameWeights(m1, m2);
        // and it learned something: the blobs are separable
        Assert.True(h1.Epochs[^1].Metrics["val_accuracy"] > 0.9, $"expected val_accuracy > 0.9, got {h1.Epochs[^1].Metrics["val_accuracy"]}");
        Assert.True(h1.Epochs[^1].TrainLoss < h1.Epochs[0].TrainLoss);
    }

    /// <summary>Two epochs of notebook 02's kind of model (a small RGB-D segmenter, layer1–2 frozen): the losses.</summary>
    static double[] ConvolutionalRun()
    {
        torch.manual_seed(0);
        var backbone = new ResNetBackbone(baseWidth: 8, blocksPerStage: [1, 1, 1, 1]);
        using var model = new RgbdSegmenter(new ResNetSegmenter(backbone, numClasses: 3, decoderWidth: 8), "layer2");
        FusionTraining.FreezeBackboneUpTo(backbone, "layer2");
        using var optimizer = optim.Adam(new Adam.ParamGroup[]
        {
            new(FusionTraining.FineTunedParameters(backbone), lr: 1e-4),
            new(FusionTraining.NewParameters(model, backbone), lr: 1e-3),
        });
        torch.manual_seed(1);
        var images = torch.randn(8, 3, 32, 32);
        var depth = torch.rand(8, 1, 32, 32);
        var masks = torch.randint(0, 3, [8, 32, 32]);
        var history = Trainer.Fit(model, optimizer, new TensorBatches([images, depth, masks], 4, shuffle: true, seed: 0),
            b => nn.functional.cross_entropy(model.call(b[0], b[1]), b[2]), options: TrainerTestData.Quiet(2));
        return history.Epochs.Select(e => e.TrainLoss).ToArray();
    }

    /// <summary>
    /// Convolutions on two threads repeat exactly too. This failed on an AVX-512 CPU (AMD Zen 5 VM) before the kit capped
    /// oneDNN at AVX2: 40 repeats of this run gave 25 different loss pairs and one NaN (see OneDnnIsaCap). The op at
    /// fault was the decoder head's input gradient (OneDnnConvFaultTests).
    /// </summary>
    [Fact]
    public void ASeededConvolutionalRunRepeatsExactlyOnTwoThreads()
    {
        int threads = torch.get_num_threads();
        if (threads < 2) torch.set_num_threads(2);   // the race needs two threads
        try
        {
            var first = ConvolutionalRun();
            for (int repeat = 1; repeat < 8; repeat++)
            {
                var again = ConvolutionalRun();
                Assert.True(first.SequenceEqual(again),
                    $"repeat {repeat} of a seeded run gave losses [{string.Join(", ", again)}], the first gave [{string.Join(", ", first)}] " +
                    $"(oneDNN: {OneDnnIsaCap.Message}).");
            }
        }
        finally { if (threads < 2) torch.set_num_threads(threads); }
    }

    [Fact]
    public void ADifferentModelSeedGivesADifferentHistory()
    {
        var (h1, _) = Run(epochs: 2, seed: 0);
        var (h2, _) = Run(epochs: 2, seed: 1);
        Assert.NotEqual(TrainerTestData.Numbers(h1), TrainerTestData.Numbers(h2));
    }

    [Fact]
    public void ModelOnAnotherDeviceThanTheOptionsIsAClearError()
    {
        var (x, y) = TrainerTestData.Blobs(16, seed: 1);
        using var model = TrainerTestData.Mlp();
        using var optimizer = optim.SGD(model.parameters(), 0.1);
        var options = TrainerTestData.Quiet(1) with { Device = new Device(DeviceType.META) };
        var e = Assert.Throws<ArgumentException>(() => TrainerTestData.FitClassifier(model, optimizer, new TensorBatches(8, x, y), null, options));
        Assert.Contains("Expected the model on", e.Message);
        Assert.Contains("model.to(device)", e.Message);
    }
}

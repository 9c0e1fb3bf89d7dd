using Tutorials.Training;

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
        var history = Trainer.FitClassifier(model, optimizer, train, new TensorBatches(32, vx, vy), TrainerTestData.Quiet(epochs));
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
        var e = Assert.Throws<ArgumentException>(() => Trainer.FitClassifier(model, optimizer, new TensorBatches(8, x, y), null, options));
        Assert.Contains("Expected the model on", e.Message);
        Assert.Contains("model.to(device)", e.Message);
    }
}

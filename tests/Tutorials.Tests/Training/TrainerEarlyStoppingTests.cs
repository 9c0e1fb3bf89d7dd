using Tutorials.Training;

namespace Tutorials.Tests.Training;

[Collection(TorchGlobalRandomCollection.Name)]
public class TrainerEarlyStoppingTests
{
    [Fact]
    public void StopsAfterPatienceRunsOutAndRestoresTheBestEpochsWeights()
    {
        var (x, y) = TrainerTestData.Blobs(48, seed: 1);
        using var model = TrainerTestData.Mlp();
        using var optimizer = optim.SGD(model.parameters(), 0.05);
        // A crafted validation loss: best at epoch 2, then two epochs without improvement → stop after epoch 4.
        var crafted = new[] { 0.50, 0.40, 0.45, 0.41, 0.10, 0.05 };
        var weightsAfterEpoch = new List<Dictionary<string, byte[]>>();
        IReadOnlyDictionary<string, double> Validate()
        {
            weightsAfterEpoch.Add(TinyNet.ParameterBytes(model));
            return new Dictionary<string, double> { ["val_loss"] = crafted[weightsAfterEpoch.Count - 1] };
        }

        var history = Trainer.Fit(model, optimizer, new TensorBatches(16, x, y),
            b => nn.functional.cross_entropy(model.call(b[0]), b[1]), Validate,
            TrainerTestData.Quiet(6) with { Patience = 2, RestoreBest = true });

        Assert.Equal(4, history.Epochs.Count);
        Assert.True(history.StoppedEarly);
        Assert.Equal(2, history.BestEpoch);
        Assert.Equal(0.40, history.BestValue);
        Assert.True(history.RestoredBest);
        Assert.Equal(weightsAfterEpoch[1], TinyNet.ParameterBytes(model));    // epoch 2's weights are back
        Assert.NotEqual(weightsAfterEpoch[3], TinyNet.ParameterBytes(model)); // not the last epoch's
    }

    [Fact]
    public void MaximizedMetricWithMinImprovementIgnoresTinyGains()
    {
        var stopping = new EarlyStopping("val_accuracy", maximize: true, patience: 2, minImprovement: 0.01);
        Assert.True(stopping.Observe(1, 0.80));
        Assert.False(stopping.Observe(2, 0.805)); // +0.005 is below the threshold
        Assert.False(stopping.ShouldStop);
        Assert.False(stopping.Observe(3, double.NaN)); // NaN never counts as better
        Assert.True(stopping.ShouldStop);
        Assert.Equal(1, stopping.BestEpoch);
    }

    [Fact]
    public void AMonitoredMetricThatDoesNotExistIsNamedWithTheOnesThatDo()
    {
        var (x, y) = TrainerTestData.Blobs(16, seed: 1);
        using var model = TrainerTestData.Mlp();
        using var optimizer = optim.SGD(model.parameters(), 0.05);
        var e = Assert.Throws<KeyNotFoundException>(() => Trainer.FitClassifier(model, optimizer, new TensorBatches(8, x, y),
            new TensorBatches(8, x, y), TrainerTestData.Quiet(1) with { Monitor = "val_acc" }));
        Assert.Contains("\"val_acc\"", e.Message);
        Assert.Contains("val_accuracy", e.Message);
    }
}

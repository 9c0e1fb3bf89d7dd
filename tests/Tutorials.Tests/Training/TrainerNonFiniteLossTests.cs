using Tutorials.Training;
using Tutorials.Data;

namespace Tutorials.Tests.Training;

[Collection(TorchGlobalRandomCollection.Name)]
public class TrainerNonFiniteLossTests
{
    [Fact]
    public void ANaNInTheInputsStopsAtTheFirstStepWithAClearMessage()
    {
        var (x, y) = TrainerTestData.Blobs(32, seed: 1);
        x[0, 0] = torch.tensor(float.NaN);
        using var model = TrainerTestData.Mlp();
        using var optimizer = optim.SGD(model.parameters(), 0.1);
        var e = Assert.Throws<NonFiniteLossException>(() =>
            TrainerTestData.FitClassifier(model, optimizer, new TensorBatches(16, x, y), null, TrainerTestData.Quiet(2)));
        Assert.Equal(1, e.Epoch);
        Assert.Equal(1, e.Step);
        Assert.Null(e.LastFiniteLoss);
        Assert.Contains("epoch 1, step 1", e.Message);
        Assert.Contains("first step", e.Message);
        Assert.Contains("isnan", e.Message);
    }

    [Fact]
    public void AHugeLearningRateDivergesAndTheMessageGivesTheLastFiniteLoss()
    {
        var (x, y) = TrainerTestData.Blobs(64, seed: 1);
        using var model = TrainerTestData.Mlp();
        using var optimizer = optim.SGD(model.parameters(), 1e10);
        var e = Assert.Throws<NonFiniteLossException>(() =>
            TrainerTestData.FitClassifier(model, optimizer, new TensorBatches(16, x, y), null, TrainerTestData.Quiet(20)));
        Assert.NotNull(e.LastFiniteLoss);
        Assert.True(e.Epoch > 1 || e.Step > 1);
        Assert.Contains("lower the learning rate", e.Message);
        Assert.Contains("last finite loss", e.Message);
    }
}

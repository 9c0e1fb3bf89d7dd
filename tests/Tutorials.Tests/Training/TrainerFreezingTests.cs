using Tutorials.Training;
using Tutorials.Data;
using Tutorials.Freezing;

namespace Tutorials.Tests.Training;

[Collection(TorchGlobalRandomCollection.Name)]
public class TrainerFreezingTests
{
    [Fact]
    public void AFrozenExtractorKeepsItsWeightsAndBatchNormStatisticsWhileTheHeadTrains()
    {
        using var model = TinyNet.Create();
        Freezer.FreezeAllExcept(model, "head");
        using var optimizer = optim.Adam(Freezer.TrainableParameters(model), 0.01);
        torch.manual_seed(5);
        var images = torch.randn(24, 3, 16, 16);
        var labels = torch.randint(0, 4, 24, dtype: ScalarType.Int64);

        var paramsBefore = TinyNet.ParameterBytes(model);
        var buffersBefore = TinyNet.BufferBytes(model);
        TrainerTestData.FitClassifier(model, optimizer, new TensorBatches(new[] { images, labels }, 8, shuffle: true),
            new TensorBatches(8, images, labels), TrainerTestData.Quiet(2));
        var paramsAfter = TinyNet.ParameterBytes(model);
        var buffersAfter = TinyNet.BufferBytes(model);

        foreach (var name in paramsBefore.Keys.Where(n => !n.StartsWith("head")))
            Assert.True(paramsBefore[name].SequenceEqual(paramsAfter[name]), $"frozen parameter {name} changed");
        foreach (var name in buffersBefore.Keys) // all BatchNorms are in the frozen part
            Assert.True(buffersBefore[name].SequenceEqual(buffersAfter[name]), $"BatchNorm buffer {name} of the frozen part changed");
        Assert.False(paramsBefore["head.weight"].SequenceEqual(paramsAfter["head.weight"]), "expected the head to train");
    }
}

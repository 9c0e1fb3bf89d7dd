using Tutorials.Training;
using Tutorials.Freezing;

namespace Tutorials.Tests.Training;

public class FreezingMemoryTests
{
    [Fact]
    public void TrainingStepsInADisposeScopeLeaveNoLiveTensorsBehind()
    {
        using var model = TinyNet.Create();
        Freezer.FreezeAllExcept(model, "layer2", "head");
        using var optimizer = optim.Adam(Freezer.TrainableParameters(model), 0.01);
        var (images, labels) = TinyNet.Batch(seed: 1);
        using var _images = images;
        using var _labels = labels;
        Freezer.TrainMode(model);

        // Anything a step leaves outside its own scope lands here and is freed when the test ends.
        using var outer = torch.NewDisposeScope();
        TinyNet.TrainStep(model, optimizer, images, labels);   // warm-up: lazily created optimizer state
        var stats = DisposeScopeManager.Statistics;             // per thread: tensors created minus disposed
        long liveBefore = stats.ThreadTotalLiveCount;

        for (int step = 0; step < 5; step++) TinyNet.TrainStep(model, optimizer, images, labels);
        Assert.Equal(liveBefore, stats.ThreadTotalLiveCount);

        // The same step without its own scope keeps its temporaries alive: the count grows.
        optimizer.zero_grad();
        nn.functional.cross_entropy(model.call(images), labels).backward();
        optimizer.step();
        Assert.True(stats.ThreadTotalLiveCount > liveBefore,
            $"expected more live tensors than {liveBefore} after a step without a scope, got {stats.ThreadTotalLiveCount}");
    }
}

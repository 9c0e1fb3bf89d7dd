using Tutorials.Training;
using Tutorials.Data;

namespace Tutorials.Tests.Training;

[Collection(TorchGlobalRandomCollection.Name)]
public class TrainerMemoryTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("trainer-mem-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Records the live tensor count each time an epoch is reported (same thread as training).</summary>
    sealed class LiveCountProbe : IProgress<TrainingUpdate>
    {
        public List<long> AfterEpoch { get; } = new();
        public void Report(TrainingUpdate value)
        {
            if (value.Epoch is not null) AfterEpoch.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }
    }

    [Fact]
    public void LiveTensorCountDoesNotGrowAcrossEpochs()
    {
        var (x, y) = TrainerTestData.Blobs(64, seed: 1);
        var (vx, vy) = TrainerTestData.Blobs(24, seed: 2);
        using var model = TrainerTestData.Mlp();
        using var optimizer = optim.Adam(model.parameters(), 0.01);
        var probe = new LiveCountProbe();
        // Everything on: validation and best-weight snapshots.
        var options = TrainerTestData.Quiet(5) with
        {
            Progress = probe, RestoreBest = true,
        };
        using var outer = torch.NewDisposeScope(); // anything that escapes a step's scope would land here
        TrainerTestData.FitClassifier(model, optimizer, new TensorBatches(new[] { x, y }, 16, shuffle: true),
            new TensorBatches(8, vx, vy), options);

        Assert.Equal(5, probe.AfterEpoch.Count);
        var afterWarmUp = probe.AfterEpoch.Skip(1).ToList(); // epoch 1 may create lazy state (optimizer moments)
        Assert.True(afterWarmUp.All(n => n == afterWarmUp[0]),
            $"expected the same live tensor count after every epoch from epoch 2 on, got {string.Join(", ", probe.AfterEpoch)}");
    }
}

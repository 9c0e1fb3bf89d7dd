using Tutorials.Combining;
using Tutorials.Training;
using Tutorials.Data;
using Tutorials.Notebooks;

namespace Tutorials.Tests.Combining;

/// <summary>
/// Notebook 04's fine-tune + interpolation curve must not keep memory per fine-tune: it once peaked at 7.5 GB in smoke
/// mode (budget 1.5 GB) because Adam's per-step temporaries, disposed, stayed in the C heap.
/// </summary>
public class Layer4FineTuningMemoryTests
{
    static long LiveTensors => DisposeScopeManager.Statistics.ThreadTotalLiveCount;

    [Fact]
    public void FineTuningAndTheInterpolationCurveLeaveNoTensorAliveButTheModels()
    {
        Kit.Seed(1);
        using var maps = torch.randn(40, 16, 4, 4);
        using var labels = torch.arange(40, dtype: ScalarType.Int64) % 10;
        var bnBatches = new TensorBatches(16, maps);
        using var a = new Layer4Classifier(10, inChannels: 16, outChannels: 32, blocks: 2);
        using var b = new Layer4Classifier(10, inChannels: 16, outChannels: 32, blocks: 2);
        using var mixed = new Layer4Classifier(10, inChannels: 16, outChannels: 32, blocks: 2);
        long before = LiveTensors;

        Layer4FineTuning.Run(a, maps, labels, epochs: 2, dataOrderSeed: 1, bnBatches, progress: TrainingProgress.None);
        Layer4FineTuning.Run(b, maps, labels, epochs: 2, dataOrderSeed: 2, bnBatches, progress: TrainingProgress.None);
        foreach (var alpha in new[] { 0.0, 0.5, 1.0 })
        {
            WeightAveraging.Interpolate(mixed, a, b, alpha);
            WeightAveraging.RecomputeBatchNorm(mixed, bnBatches, x => mixed.call(x[0]));
            using var p = Ensemble.Probabilities(mixed, x => mixed.call(x[0]), new TensorBatches(16, maps));
        }

        Assert.Equal(before, LiveTensors);
    }

    static double ResidentMB() =>
        double.Parse(File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("VmRSS:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;

    [Fact]
    public void ResidentMemoryDoesNotGrowByAFineTuneEachTime()
    {
        if (!OperatingSystem.IsLinux()) return;   // reads /proc/self/status; the heap behaviour measured is glibc's
        // Notebook 04's stage at full size (256 → 512 channels, 3 blocks: 13 M parameters) on 200 rows, 2 epochs = 14 Adam steps.
        Kit.Seed(2);
        using var maps = torch.randn(200, 256, 4, 4);
        using var labels = torch.arange(200, dtype: ScalarType.Int64) % 10;
        var bnBatches = new TensorBatches(64, maps);
        var models = new List<Layer4Classifier>();
        try
        {
            double FineTuneAnother()
            {
                Kit.Seed(10 + models.Count);
                var model = new Layer4Classifier(10);
                models.Add(model);
                Layer4FineTuning.Run(model, maps, labels, epochs: 2, dataOrderSeed: models.Count, bnBatches, progress: TrainingProgress.None);
                return ResidentMB();
            }
            FineTuneAnother();                        // warm-up: libtorch's and the allocator's one-time costs
            double first = FineTuneAnother();
            double second = FineTuneAnother();
            // A kept model costs ~55 MB (its weights; the gradients are freed); before the fix each fine-tune added ~1,100 MB.
            Assert.True(second - first < 400, $"Expected a fine-tune to add < 400 MB resident (the model it keeps), got {second - first:0} MB ({first:0} → {second:0} MB).");
        }
        finally
        {
            foreach (var m in models) m.Dispose();
        }
    }
}

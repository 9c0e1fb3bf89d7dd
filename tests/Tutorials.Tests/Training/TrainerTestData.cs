using TorchSharp.Modules;
using Tutorials.Training;
using Tutorials.Data;
using Tutorials.Evaluation;

namespace Tutorials.Tests.Training;

/// <summary>
/// The trainer tests seed torch's global generator; xunit runs test classes in parallel threads that share it.
/// Everything in this collection runs alone, after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class TorchGlobalRandomCollection { public const string Name = "torch global random generator"; }

/// <summary>Small, seeded data and models for the trainer tests: fast on two CPU cores, deterministic.</summary>
static class TrainerTestData
{
    /// <summary>
    /// A classifier trained with cross-entropy and, with validation batches, val_loss / val_accuracy per epoch:
    /// <see cref="Trainer.Fit"/> with the loss and the validation written out, as a notebook would write them.
    /// </summary>
    public static TrainingHistory FitClassifier(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer,
        TensorBatches train, TensorBatches? validation = null, TrainerOptions? options = null) =>
        Trainer.Fit(model, optimizer, train,
            loss: b => nn.functional.cross_entropy(model.call(b[0]), b[1]),
            validate: validation is null ? null : () => EvalPass.Mean(model, validation, b =>
            {
                var logits = model.call(b[0]);
                return new()
                {
                    ["val_loss"] = nn.functional.cross_entropy(logits, b[1]),
                    ["val_accuracy"] = logits.argmax(1).eq(b[1]).to_type(ScalarType.Float32).mean(),
                };
            }, options?.ResolvedDevice),
            options: options);

    /// <summary>Two Gaussian blobs in 4-D, separable: class = whether the first coordinate is positive.</summary>
    public static (Tensor x, Tensor y) Blobs(int rows, int seed)
    {
        torch.manual_seed(seed);
        var y = torch.randint(0, 2, rows, dtype: ScalarType.Int64);
        var x = torch.randn(rows, 4) * 0.5;
        x[.., 0] += (y.to_type(ScalarType.Float32) * 2 - 1) * 1.5f;
        return (x, y);
    }

    /// <summary>A small MLP with dropout, built after seeding so its initial weights repeat.</summary>
    public static Sequential Mlp(long seed = 0)
    {
        torch.manual_seed(seed);
        return nn.Sequential(
            ("hidden", nn.Linear(4, 16)),
            ("relu", nn.ReLU()),
            ("dropout", nn.Dropout(0.3)),
            ("out", nn.Linear(16, 2)));
    }

    public static TrainerOptions Quiet(int epochs) => new() { Epochs = epochs, Seed = 7, Device = torch.CPU, Progress = TrainingProgress.None };

    /// <summary>Train losses and metrics of every epoch (not seconds: wall time differs between runs).</summary>
    public static List<string> Numbers(TrainingHistory h) =>
        h.Epochs.Select(e => $"{e.Epoch} {BitConverter.DoubleToInt64Bits(e.TrainLoss)} " +
                             string.Join(" ", e.Metrics.Select(m => $"{m.Key}={BitConverter.DoubleToInt64Bits(m.Value)}")) +
                             " lr=" + string.Join(",", e.LearningRates)).ToList();

    public static void AssertSameWeights(nn.Module expected, nn.Module actual)
    {
        var a = expected.state_dict();
        var b = actual.state_dict();
        Assert.Equal(a.Keys, b.Keys);
        foreach (var (name, t) in a)
            Assert.True(t.bytes.SequenceEqual(b[name].bytes), $"expected bit-identical \"{name}\", got different values");
    }
}

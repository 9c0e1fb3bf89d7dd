using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Tutorials.Training;

/// <summary>One optimizer step: the five lines at the heart of every training loop, plus the checks a learner needs.</summary>
static class TrainingStep
{
    /// <summary>Runs step <paramref name="step"/> (1-based) of <paramref name="epoch"/>; returns its loss.</summary>
    public static double Run(nn.Module model, optim.Optimizer optimizer, TensorBatches train, long[] order, int step, int epoch,
        Func<Tensor[], Tensor> lossOf, List<Parameter> trainable, Device device, double? maxGradNorm, double? lastFinite)
    {
        // Everything this step creates (the batch, activations, the loss, gradients' temporaries) is freed when the
        // scope ends. Without it, memory grows every step until the process runs out.
        using var scope = torch.NewDisposeScope();
        optimizer.zero_grad();
        var batch = train.Batch(order, step - 1, device);
        var loss = lossOf(batch);
        if (loss.numel() != 1)
            throw new ArgumentException(
                $"Expected the loss function to return one number (a mean over the batch), got a tensor of shape [{string.Join(", ", loss.shape)}]. " +
                "Reduce it, e.g. with .mean().");

        // Read the value inside the scope (item() copies it to a .NET double; the tensor dies with the scope).
        double value = loss.to_type(ScalarType.Float64).item<double>();
        if (!double.IsFinite(value)) throw new NonFiniteLossException(epoch, step, value, lastFinite);

        loss.backward();
        if (maxGradNorm is { } maxNorm && trainable.Count > 0)
            nn.utils.clip_grad_norm_(trainable, maxNorm); // rescales all gradients together if their joint norm is larger
        optimizer.step();
        return value;
    }
}

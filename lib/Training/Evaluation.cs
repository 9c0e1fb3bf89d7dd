using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Training;

/// <summary>
/// Metrics over a whole data set, computed batch by batch: in eval mode (dropout off, BatchNorm uses its stored
/// statistics), without autograd (no graph is built, so less memory and time), one dispose scope per batch.
/// </summary>
public static class Evaluation
{
    /// <summary>
    /// The mean of each per-batch metric over all rows. <paramref name="perBatch"/> returns, for one batch, the
    /// batch means as scalar tensors by name, e.g. <c>b => new() { ["val_loss"] = cross_entropy(model.call(b[0]), b[1]) }</c>;
    /// each is weighted by the batch's row count, so a smaller last batch counts for what it holds.
    /// Leaves <paramref name="model"/> in eval mode.
    /// </summary>
    public static Dictionary<string, double> Mean(nn.Module model, TensorBatches batches,
        Func<Tensor[], Dictionary<string, Tensor>> perBatch, Device? device = null)
    {
        device ??= Devices.Default;
        model.eval();
        var sums = new Dictionary<string, double>();
        long rows = 0;
        using (torch.no_grad())
            batches.ForEach(epoch: 0, batch =>
            {
                long n = batch[0].shape[0];
                foreach (var (name, value) in perBatch(batch))
                {
                    if (value.numel() != 1)
                        throw new ArgumentException(
                            $"Expected metric \"{name}\" to be one number per batch (a mean, e.g. .mean()), got a tensor of shape [{string.Join(", ", value.shape)}].");
                    sums[name] = sums.GetValueOrDefault(name) + value.to_type(ScalarType.Float64).item<double>() * n;
                }
                rows += n;
            }, device);
        return sums.ToDictionary(kv => kv.Key, kv => kv.Value / rows);
    }

    /// <summary>Cross-entropy loss and accuracy of a classifier whose batches are (inputs, class indices).</summary>
    public static Dictionary<string, double> Classifier(nn.Module<Tensor, Tensor> model, TensorBatches batches, Device? device = null, string prefix = "val_") =>
        Mean(model, batches, b => ClassifierMetrics(model, b, prefix), device);

    /// <summary>Fraction of rows whose highest-scoring class is the target class.</summary>
    public static double Accuracy(nn.Module<Tensor, Tensor> model, TensorBatches batches, Device? device = null) =>
        Classifier(model, batches, device, prefix: "")["accuracy"];

    internal static Dictionary<string, Tensor> ClassifierMetrics(nn.Module<Tensor, Tensor> model, Tensor[] batch, string prefix)
    {
        RequireTwoTensors(batch, "a classifier");
        var logits = model.call(batch[0]);
        return new()
        {
            [prefix + "loss"] = nn.functional.cross_entropy(logits, batch[1]),
            [prefix + "accuracy"] = logits.argmax(1).eq(batch[1]).to_type(ScalarType.Float32).mean(),
        };
    }

    internal static void RequireTwoTensors(Tensor[] batch, string what)
    {
        if (batch.Length != 2)
            throw new ArgumentException(
                $"Expected batches of (inputs, targets) for {what}, got {batch.Length} tensor(s) per batch. " +
                "Build them with new TensorBatches(batchSize, inputs, targets), or use Trainer.Fit with your own loss.");
    }
}

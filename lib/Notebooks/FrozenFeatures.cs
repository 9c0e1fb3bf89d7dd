using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;
using Tutorials.Environment;
using Tutorials.Evaluation;

// Scaffolding for notebooks 01 and 04: what that notebook needs around its lesson, kept out of the kit's concept folders.
namespace Tutorials.Notebooks;

/// <summary>Features computed once by a frozen extractor, with how long that took.</summary>
public sealed record ExtractedFeatures(Tensor Values, TimeSpan Elapsed) : IDisposable
{
    /// <summary>Feature size (the second dimension).</summary>
    public long Size => Values.shape[1];
    public void Dispose() => Values.Dispose();
}

/// <summary>
/// Feature caching, the cheapest trick in transfer learning: a frozen extractor gives the same output for the
/// same input every time, so run it once over the data set (in eval mode, without autograd) and train the new
/// head on the stored vectors. Each epoch then costs a few matrix products instead of a full backbone pass.
/// It only holds while the extractor is frozen and the inputs are not re-augmented every epoch.
/// </summary>
public static class FrozenFeatures
{
    /// <summary>
    /// Runs <paramref name="extract"/> over <paramref name="inputs"/> in batches (one dispose scope each) and
    /// returns the (N, D) features on the CPU. <paramref name="extractor"/> is put in eval mode first.
    /// </summary>
    public static ExtractedFeatures Compute(nn.Module extractor, Func<Tensor, Tensor> extract, Tensor inputs,
        int batchSize = 64, Device? device = null, IProgress<(long done, long total)>? progress = null)
    {
        device ??= Devices.Default;
        if (inputs.shape.Length == 0 || inputs.shape[0] == 0)
            throw new ArgumentException($"Expected inputs with at least one row, got shape [{string.Join(", ", inputs.shape)}].", nameof(inputs));
        var watch = Stopwatch.StartNew();
        var all = EvalPass.Collect(inputs.shape[0], batchSize, (start, count) =>
        {
            var batch = inputs.narrow(0, start, count).to(device);
            var features = extract(batch);
            if (features.shape.Length != 2 || features.shape[0] != batch.shape[0])
                throw new InvalidOperationException(
                    $"Expected the extractor to return (batch, features) = ({batch.shape[0]}, D), got [{string.Join(", ", features.shape)}]. " +
                    "Pool or flatten feature maps inside the extract function.");
            return features;
        }, [extractor], progress: progress);
        return new ExtractedFeatures(all, watch.Elapsed);
    }
}

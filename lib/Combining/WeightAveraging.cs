using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Tutorials.Combining;

/// <summary>
/// Combining trained models at the weight level: one model whose every weight is a mix of two trained copies,
/// θ = (1 − α)·θ₁ + α·θ₂. Its inference costs exactly one model's, unlike an ensemble's.
/// <para>
/// It only works when the two copies are close relatives: the same architecture <b>and</b> fine-tuned from the same
/// pretrained starting point, so that they end in the same "basin" of the loss and the straight line between them
/// stays low. Two networks trained from different random starts learn the same functions in different units
/// (unit 7 of one is unit 213 of the other); averaging them mixes unrelated units and the accuracy collapses in
/// the middle of the line.
/// </para>
/// <para>
/// BatchNorm needs care: the stored running mean and variance of the mixed model are not the statistics its
/// mixed weights actually produce. <see cref="RecomputeBatchNorm"/> measures them again on training data.
/// </para>
/// </summary>
public static class WeightAveraging
{
    /// <summary>
    /// Writes (1 − α)·θ₁ + α·θ₂ into <paramref name="target"/> for every parameter and floating-point buffer (BatchNorm
    /// running statistics included); integer buffers (BatchNorm's <c>num_batches_tracked</c>) are copied from the nearer
    /// end. All three modules must have the same architecture; α = 0 and α = 1 give exact copies of θ₁ and θ₂.
    /// </summary>
    public static void Interpolate(nn.Module target, nn.Module first, nn.Module second, double alpha)
    {
        if (double.IsNaN(alpha)) throw new ArgumentException("Expected a mixing weight α (0 = first model, 1 = second), got NaN.", nameof(alpha));
        CheckSameArchitecture(first, second, "the first model", "the second model");
        CheckSameArchitecture(first, target, "the first model", "the target");
        var a = Entries(first);
        var b = Entries(second);
        var t = Entries(target);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        for (int i = 0; i < t.Count; i++)
        {
            var (x, y, into) = (a[i].value, b[i].value, t[i].value);
            if (into.is_floating_point())
                // (1 − α)·x + α·y, written so that α = 0 gives x and α = 1 gives y bit for bit.
                into.copy_(x * (1 - alpha) + y * alpha);
            else
                into.copy_(alpha < 0.5 ? x : y);
        }
        scope.DisposeEverything();
        Environment.FreedMemory.ReturnToSystem();   // the mixing temporaries (three copies of the weights) are freed now
    }

    /// <summary>
    /// Throws unless <paramref name="a"/> and <paramref name="b"/> have the same parameters and buffers (names, order
    /// and shapes). The message names the first entry that differs and both shapes.
    /// </summary>
    public static void CheckSameArchitecture(nn.Module a, nn.Module b, string aName = "the first model", string bName = "the second model")
    {
        var x = Entries(a);
        var y = Entries(b);
        for (int i = 0; i < Math.Max(x.Count, y.Count); i++)
        {
            if (i >= x.Count || i >= y.Count)
            {
                var extra = i >= x.Count ? $"'{y[i].name}' exists only in {bName}" : $"'{x[i].name}' exists only in {aName}";
                throw new ArgumentException(
                    $"Cannot average weights of different architectures: {aName} has {x.Count} parameters and buffers, {bName} {y.Count}; {extra}. " +
                    "Weight averaging needs two copies of the same model (ideally fine-tuned from the same pretrained weights).");
            }
            if (x[i].name != y[i].name || !x[i].value.shape.SequenceEqual(y[i].value.shape))
                throw new ArgumentException(
                    $"Cannot average weights of different architectures: the first mismatch is '{x[i].name}' with shape {Shape(x[i].value)} in {aName}" +
                    (x[i].name == y[i].name ? "" : $", where {bName} has '{y[i].name}'") +
                    $" and shape {Shape(y[i].value)} in {bName}. " +
                    "Weight averaging needs two copies of the same model (ideally fine-tuned from the same pretrained weights).");
        }
    }

    /// <summary>
    /// Measures BatchNorm's running mean and variance again: resets them, then forwards <paramref name="batches"/>
    /// through <paramref name="forward"/> with BatchNorm in training mode and a cumulative average (momentum = null:
    /// every batch counts equally), without autograd. Everything else stays in eval mode (no dropout), no weight
    /// changes. Leaves the model in eval mode; returns the number of BatchNorm layers updated.
    /// </summary>
    public static int RecomputeBatchNorm(nn.Module model, Data.TensorBatches batches, Func<Tensor[], Tensor> forward, Device? device = null)
    {
        var norms = model.modules().OfType<NormBase>().Where(n => n.track_running_stats).ToList();
        var momenta = norms.Select(n => n.momentum).ToList();
        model.eval();
        try
        {
            foreach (var n in norms)
            {
                n.reset_running_stats();
                n.momentum = null;                  // cumulative average over all batches
                n.train();
            }
            using var noGrad = torch.no_grad();
            batches.ForEach(0, b => forward(b), device);
        }
        finally
        {
            for (int i = 0; i < norms.Count; i++) norms[i].momentum = momenta[i];
            model.eval();
        }
        return norms.Count;
    }

    static List<(string name, Tensor value)> Entries(nn.Module m) =>
        m.named_parameters().Select(p => (p.name, (Tensor)p.parameter)).Concat(m.named_buffers().Select(b => (b.name, b.buffer))).ToList();

    static string Shape(Tensor t) => $"[{string.Join(", ", t.shape)}]";
}

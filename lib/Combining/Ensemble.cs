using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Combining;

/// <summary>
/// Combining trained models at the output: every member predicts class probabilities on its own, and the
/// ensemble predicts their (weighted) mean. The members stay exactly as they were; they need not share an
/// architecture, a modality or even a framework — only the list of classes.
/// <para>
/// Probabilities, not logits, are averaged: logits of two separately trained models live on different scales
/// (one may be far more confident than the other), probabilities are always on the same 0–1 scale.
/// </para>
/// </summary>
public static class Ensemble
{
    /// <summary>
    /// The mean of the members' class probabilities, each (N, C); with <paramref name="weights"/> (one per member,
    /// ≥ 0, not all 0) a weighted mean, the weights normalised to sum to 1.
    /// </summary>
    public static Tensor AverageProbabilities(IReadOnlyList<Tensor> probabilities, IReadOnlyList<double>? weights = null)
    {
        if (probabilities.Count == 0)
            throw new ArgumentException("Expected the class probabilities of at least one model, got none.", nameof(probabilities));
        var shape = probabilities[0].shape;
        for (int i = 0; i < probabilities.Count; i++)
            if (probabilities[i].dim() != 2 || !probabilities[i].shape.SequenceEqual(shape))
                throw new ArgumentException(
                    $"Expected every member's probabilities as (N, C) = [{string.Join(", ", shape)}], got [{string.Join(", ", probabilities[i].shape)}] for member {i}. " +
                    "All members must predict the same rows and the same classes.", nameof(probabilities));
        var w = Normalise(weights ?? Enumerable.Repeat(1.0, probabilities.Count).ToList(), probabilities.Count);
        using var scope = torch.NewDisposeScope();
        var sum = probabilities[0] * w[0];
        for (int i = 1; i < probabilities.Count; i++) sum = sum + probabilities[i] * w[i];
        return sum.MoveToOuterDisposeScope();
    }

    /// <summary>Weights proportional to each member's accuracy on a validation split, summing to 1.</summary>
    public static double[] WeightsFromAccuracy(IReadOnlyList<double> validationAccuracies) =>
        Normalise(validationAccuracies, validationAccuracies.Count);

    /// <summary>
    /// Class probabilities (N, C) of a trained model over all rows of <paramref name="batches"/> (in row order),
    /// on the CPU: eval mode, no autograd, one dispose scope per batch. <paramref name="logits"/> maps a batch to logits.
    /// </summary>
    public static Tensor Probabilities(nn.Module model, Func<Tensor[], Tensor> logits, Data.TensorBatches batches, Device? device = null)
    {
        if (batches.Shuffle)
            throw new ArgumentException("Expected unshuffled batches (row order), so that row i of every member's probabilities is the same example. Use batches.WithShuffle(false).", nameof(batches));
        return Evaluation.EvalPass.Collect(batches, b => nn.functional.softmax(logits(b), 1), [model], device);
    }

    /// <summary>Fraction of rows whose most probable class is the label.</summary>
    public static double Accuracy(Tensor probabilities, Tensor labels)
    {
        using var scope = torch.NewDisposeScope();
        return probabilities.argmax(1).eq(labels.to(probabilities.device)).to_type(ScalarType.Float64).mean().item<double>();
    }

    static double[] Normalise(IReadOnlyList<double> weights, int members)
    {
        if (weights.Count != members)
            throw new ArgumentException($"Expected one weight per member ({members}), got {weights.Count}.", nameof(weights));
        if (weights.Any(x => double.IsNaN(x) || x < 0) || weights.Sum() <= 0)
            throw new ArgumentException($"Expected weights ≥ 0 and not all 0, got [{string.Join(", ", weights)}].", nameof(weights));
        double total = weights.Sum();
        return weights.Select(x => x / total).ToArray();
    }
}

// Solutions to the exercises of notebook 04 (04-outputs-and-weights.ipynb).
// Try each exercise in the notebook first; the check cell tells you what is off. Each method body here is what
// goes into the notebook's stub cell. The test suite checks these solutions with the same checks
// (tests/Tutorials.Tests/Exercises/).
using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Solutions;

public static class Notebook04
{
    /// <summary>Exercise 04.1: θ = (1 − α)·θ₁ + α·θ₂, entry by entry, into a new state dict.</summary>
    public static Dictionary<string, Tensor> Interpolate(Dictionary<string, Tensor> first, Dictionary<string, Tensor> second, double alpha)
    {
        var mixed = new Dictionary<string, Tensor>();
        foreach (var (name, weight) in first)
            // New tensors (no mul_ / add_): the two trained models must stay as they are.
            mixed[name] = weight * (1 - alpha) + second[name] * alpha;
        return mixed;
    }

    /// <summary>Exercise 04.2: an ensemble of two averages their class probabilities.</summary>
    public static Tensor AverageProbabilities(Tensor logitsA, Tensor logitsB)
    {
        // Softmax over the classes (dim 1) first: each member's own probabilities, then their mean.
        return (logitsA.softmax(1) + logitsB.softmax(1)) / 2;
    }
}

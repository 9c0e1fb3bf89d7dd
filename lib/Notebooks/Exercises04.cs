using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Notebooks;

// Notebook 04: weight interpolation over two state dicts, and averaging the members' probabilities.
public static partial class Exercises
{
    /// <summary>
    /// Exercise 04.1. <paramref name="interpolate"/>(θ₁, θ₂, α) must return a new state dict with, for every name,
    /// (1 − α)·θ₁[name] + α·θ₂[name], leaving θ₁ and θ₂ unchanged. Checked on the state dicts of two small
    /// two-layer networks (3 → 4 → 2) with α = 0.25 and α = 1.
    /// </summary>
    public static ExerciseVerdict CheckInterpolate(Func<Dictionary<string, Tensor>, Dictionary<string, Tensor>, double, Dictionary<string, Tensor>> interpolate) =>
        Judge("Exercise 04.1 (weight interpolation θ = (1 − α)·θ₁ + α·θ₂)", () =>
        {
            SeedForCheck(401);
            Dictionary<string, Tensor> NewStateDict() => nn.Sequential(("fc1", nn.Linear(3, 4)), ("act", nn.ReLU()), ("fc2", nn.Linear(4, 2)))
                .state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
            var first = NewStateDict();
            var second = NewStateDict();
            var firstCopy = first.ToDictionary(kv => kv.Key, kv => kv.Value.clone());
            var secondCopy = second.ToDictionary(kv => kv.Key, kv => kv.Value.clone());

            foreach (var alpha in new[] { 0.25, 1.0 })
            {
                var got = NotNull(interpolate(first, second, alpha), "function");
                foreach (var (name, original) in firstCopy)
                    if (!Identical(first[name], original) || !Identical(second[name], secondCopy[name]))
                        throw new WrongAnswer($"Your function changed the input '{name}' in place (mul_, add_, copy_ …). θ₁ and θ₂ are two trained models; " +
                                              "build new tensors for the result instead (θ₁[name] * (1 - α) + θ₂[name] * α).");
                var missing = first.Keys.Except(got.Keys).ToList();
                if (missing.Count > 0)
                    throw new WrongAnswer($"The result has no entry '{missing[0]}'" + (missing.Count > 1 ? $" (and {missing.Count - 1} more)" : "") +
                                          ". Every entry of the state dict is mixed: loop over θ₁'s keys.");
                var extra = got.Keys.Except(first.Keys).ToList();
                if (extra.Count > 0)
                    throw new WrongAnswer($"The result has an entry '{extra[0]}' that θ₁ does not have; keep θ₁'s names so that load_state_dict finds them.");
                foreach (var name in first.Keys)
                {
                    var expected = first[name] * (1 - alpha) + second[name] * alpha;
                    var problem = Difference(got[name], expected, $"With α = {alpha}, '{name}'", 1e-6);
                    if (problem is null) continue;
                    if (Same(got[name], first[name] * alpha + second[name] * (1 - alpha), 1e-6))
                        throw new WrongAnswer($"{problem} That is α·θ₁ + (1 − α)·θ₂: α and 1 − α are swapped. α = 0 must give θ₁ and α = 1 must give θ₂.");
                    if (Same(got[name], (first[name] + second[name]) / 2, 1e-6))
                        throw new WrongAnswer($"{problem} That is the plain average (α = 0.5) whatever α is: weight θ₁ by (1 − α) and θ₂ by α.");
                    if (Same(got[name], first[name], 1e-6) || Same(got[name], second[name], 1e-6))
                        throw new WrongAnswer($"{problem} That is one of the two models unchanged: mix them, (1 − α)·θ₁ + α·θ₂.");
                    throw new WrongAnswer($"{problem} Compute θ₁[name] * (1 - α) + θ₂[name] * α for every name.");
                }
            }
            return "Every entry is (1 − α)·θ₁ + α·θ₂, α = 1 gives θ₂ exactly, and the two models you started from are untouched.";
        });

    /// <summary>
    /// Exercise 04.2. <paramref name="averageProbabilities"/>(logitsA, logitsB) must return the ensemble's class
    /// probabilities: the mean of the two members' softmax probabilities (softmax over the classes, dim 1).
    /// Checked on 3 rows × 4 classes.
    /// </summary>
    public static ExerciseVerdict CheckAverageProbabilities(Func<Tensor, Tensor, Tensor> averageProbabilities) =>
        Judge("Exercise 04.2 (an ensemble averages probabilities)", () =>
        {
            SeedForCheck(402);
            var a = torch.randn(3, 4) * 3;
            var b = torch.randn(3, 4) * 3;
            var got = NotNull(averageProbabilities(a, b), "function");
            var expected = (a.softmax(1) + b.softmax(1)) / 2;
            var problem = Difference(got, expected, "Your probabilities", 1e-5);
            if (problem is null)
                return "Each member's logits become probabilities first, then the ensemble averages them; every row sums to 1.";
            if (got.shape.Length == 2 && got.shape[0] == 3 && got.shape[1] == 4)
            {
                var rowSums = got.detach().sum(1);
                if (Same(got, ((a + b) / 2).softmax(1), 1e-5))
                    throw new WrongAnswer($"{problem} That is the softmax of the averaged logits. The members' logits are on different scales; average what they agree to mean, the probabilities: softmax each, then average.");
                if (Same(got, (a + b) / 2, 1e-5))
                    throw new WrongAnswer($"{problem} That is the average of the logits, and its rows do not sum to 1. Apply softmax (dim 1) to each member's logits first.");
                if (Same(got, (a.softmax(0) + b.softmax(0)) / 2, 1e-5))
                    throw new WrongAnswer($"{problem} That is a softmax over dim 0 (over the rows): the probabilities of one example are spread over its classes, dim 1.");
                for (int row = 0; row < 3; row++)
                    if (Math.Abs(rowSums[row].item<float>() - 1) > 1e-4)
                        throw new WrongAnswer($"{problem} Row {row} of your result sums to {N(rowSums[row].item<float>())}, but the probabilities of one example sum to 1.");
            }
            throw new WrongAnswer($"{problem} Compute (logitsA.softmax(1) + logitsB.softmax(1)) / 2.");
        });
}

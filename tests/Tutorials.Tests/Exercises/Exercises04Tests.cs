using Tutorials.Solutions;
using Tutorials.Tests.Training;
using Tutorials.Notebooks;

namespace Tutorials.Tests.ExerciseChecks;

/// <summary>Notebook 04's checks accept the published solutions and name the typical mistakes.</summary>
[Collection(TorchGlobalRandomCollection.Name)]
public class Exercises04Tests
{
    [Fact]
    public void InterpolateSolutionPasses() => ExerciseAssert.Right(Exercises.CheckInterpolate(Notebook04.Interpolate));

    [Fact]
    public void InterpolateStubIsNotDone() => ExerciseAssert.NotDone(Exercises.CheckInterpolate((_, _, _) => throw new NotImplementedException()));

    [Fact]
    public void SwappedAlphaIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckInterpolate((a, b, alpha) => a.ToDictionary(kv => kv.Key, kv => kv.Value * alpha + b[kv.Key] * (1 - alpha))),
            "With α = 0.25, 'fc1.weight' at [0, 0]: ", "α and 1 − α are swapped");

    [Fact]
    public void PlainAverageIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckInterpolate((a, b, _) => a.ToDictionary(kv => kv.Key, kv => (kv.Value + b[kv.Key]) / 2)), "plain average");

    [Fact]
    public void MixingInPlaceIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckInterpolate((a, b, alpha) => a.ToDictionary(kv => kv.Key, kv => kv.Value.mul_(1 - alpha).add_(b[kv.Key] * alpha))), "in place");

    [Fact]
    public void ForgettingTheBiasesIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckInterpolate((a, b, alpha) => a.Where(kv => kv.Key.EndsWith("weight")).ToDictionary(kv => kv.Key, kv => kv.Value * (1 - alpha) + b[kv.Key] * alpha)),
            "has no entry", "bias");

    [Fact]
    public void AverageProbabilitiesSolutionPasses() => ExerciseAssert.Right(Exercises.CheckAverageProbabilities(Notebook04.AverageProbabilities));

    [Fact]
    public void AverageProbabilitiesStubIsNotDone() => ExerciseAssert.NotDone(Exercises.CheckAverageProbabilities((_, _) => throw new NotImplementedException()));

    [Fact]
    public void SoftmaxOfAveragedLogitsIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckAverageProbabilities((a, b) => ((a + b) / 2).softmax(1)), "softmax of the averaged logits");

    [Fact]
    public void SoftmaxOverTheWrongDimensionIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckAverageProbabilities((a, b) => (a.softmax(0) + b.softmax(0)) / 2), "dim 0");
}

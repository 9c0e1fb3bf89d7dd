using Tutorials.Solutions;
using Tutorials.Tests.Training;
using Tutorials.Notebooks;

namespace Tutorials.Tests.ExerciseChecks;

/// <summary>
/// Notebook 00's check accepts the published solution, names the typical mistakes, and is not passed by the formula the
/// notebook shows on screen (the autograd cell's sum of squares for y = w·x, without b).
/// </summary>
[Collection(TorchGlobalRandomCollection.Name)]
public class Exercises00Tests
{
    static (float W, float B) Step(float w, float b, float[] x, float[] y, float lr, Func<float, float, float, float, float> dw,
        Func<float, float, float, float, float> db, float scale = 1)
    {
        float gw = 0, gb = 0;
        for (int i = 0; i < x.Length; i++) { gw += dw(w, b, x[i], y[i]); gb += db(w, b, x[i], y[i]); }
        return (w - lr * scale * gw, b - lr * scale * gb);
    }

    [Fact]
    public void SolutionPasses() => ExerciseAssert.Right(Exercises.CheckGradientStep(Notebook00.GradientStep));

    [Fact]
    public void StubIsNotDone() => ExerciseAssert.NotDone(Exercises.CheckGradientStep((_, _, _, _, _) => throw new NotImplementedException()));

    [Fact]
    public void TheAutogradCellsFormulaFails() =>
        // what is on screen: dL/dw = Σ 2·xᵢ·(w·xᵢ − yᵢ), a sum, no b; b left alone
        ExerciseAssert.Wrong(Exercises.CheckGradientStep((w, b, x, y, lr) =>
        {
            float g = 0;
            for (int i = 0; i < x.Length; i++) g += 2 * x[i] * (w * x[i] - y[i]);
            return (w - lr * g, b);
        }), "Σ (w·xᵢ − yᵢ)²", "divide the sum by n");

    [Fact]
    public void SummingInsteadOfAveragingIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckGradientStep((w, b, x, y, lr) =>
            Step(w, b, x, y, lr, (w, b, xi, yi) => 2 * xi * (w * xi + b - yi), (w, b, xi, yi) => 2 * (w * xi + b - yi))), "n = 5 times too large");

    [Fact]
    public void MissingFactorTwoIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckGradientStep((w, b, x, y, lr) =>
            Step(w, b, x, y, lr, (w, b, xi, yi) => xi * (w * xi + b - yi), (w, b, xi, yi) => w * xi + b - yi, scale: 1f / x.Length)), "factor 2");

    [Fact]
    public void AddingTheGradientIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckGradientStep((w, b, x, y, lr) =>
            Step(w, b, x, y, -lr, (w, b, xi, yi) => 2 * xi * (w * xi + b - yi), (w, b, xi, yi) => 2 * (w * xi + b - yi), scale: 1f / x.Length)), "uphill");

    [Fact]
    public void AnXInTheBiasGradientIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckGradientStep((w, b, x, y, lr) =>
            Step(w, b, x, y, lr, (w, b, xi, yi) => 2 * xi * (w * xi + b - yi), (w, b, xi, yi) => 2 * xi * (w * xi + b - yi), scale: 1f / x.Length)),
            "b's gradient has no x");

    [Fact]
    public void MovingWBeforeTakingBsGradientIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckGradientStep((w, b, x, y, lr) =>
        {
            var (w2, _) = Notebook00.GradientStep(w, b, x, y, lr);
            var (_, b2) = Notebook00.GradientStep(w2, b, x, y, lr);
            return (w2, b2);
        }), "after moving w");

    [Fact]
    public void ForgettingBIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckGradientStep((w, b, x, y, lr) => (Notebook00.GradientStep(w, b, x, y, lr).W, b)), "b did not move");
}

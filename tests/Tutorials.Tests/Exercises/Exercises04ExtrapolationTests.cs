using Tutorials.Notebooks;

namespace Tutorials.Tests.ExerciseChecks;

/// <summary>
/// Exercise 04.3 (predict, then run): the check measures the accuracy at α = 0, 1 and the learner's α through the
/// notebook's function, classifies the outcome against the better end (± 2 points), and accepts exactly the matching
/// prediction; every other prediction is told what was measured and why. Here the "notebook" is a stand-in curve.
/// </summary>
public class Exercises04ExtrapolationTests
{
    // A stand-in for the notebook's held-out accuracy along the line: the ends and one value outside.
    static Func<double, double> Curve(double at0, double at1, double outside, List<double>? asked = null) => a =>
    {
        asked?.Add(a);
        return a == 0 ? at0 : a == 1 ? at1 : outside;
    };

    [Theory]
    [InlineData(0.40, BetterSameWorse.Worse)]
    [InlineData(0.61, BetterSameWorse.AboutTheSame)]
    [InlineData(0.59, BetterSameWorse.AboutTheSame)]
    [InlineData(0.65, BetterSameWorse.Better)]
    public void TheMatchingPredictionPassesAndTheOthersAreToldWhatWasMeasured(double outside, BetterSameWorse outcome)
    {
        var curve = Curve(0.55, 0.60, outside);
        ExerciseAssert.Right(Exercises.CheckExtrapolation(outcome, 1.5, curve));
        foreach (var other in Enum.GetValues<BetterSameWorse>().Where(p => p != outcome && p != BetterSameWorse.NotPredicted))
            ExerciseAssert.Wrong(Exercises.CheckExtrapolation(other, 1.5, curve), "You predicted", "Measured on the held-out training pairs",
                "α = 1.5", "against the better end");
    }

    [Fact]
    public void TheBetterEndIsTheYardstickWhicheverEndItIs()
    {
        // α = −0.5 past the first fine-tune, which is the better one here: 0.62 vs 0.70 → worse.
        ExerciseAssert.Right(Exercises.CheckExtrapolation(BetterSameWorse.Worse, -0.5, Curve(0.70, 0.55, 0.62)));
        ExerciseAssert.Wrong(Exercises.CheckExtrapolation(BetterSameWorse.Better, -0.5, Curve(0.70, 0.55, 0.62)), "-8.0 points");
    }

    [Fact]
    public void NoPredictionIsNotDoneYetButTheNotebooksPathStillRuns()
    {
        var asked = new List<double>();
        ExerciseAssert.NotDone(Exercises.CheckExtrapolation(BetterSameWorse.NotPredicted, 1.5, Curve(0.5, 0.6, 0.4, asked)));
        Assert.Equal(new[] { 0.0, 1.0, 1.5 }, asked);   // measured anyway, so that the runner exercises the notebook's function
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(0.0)]
    public void AnAlphaOnTheSegmentIsRefused(double alpha) =>
        ExerciseAssert.Wrong(Exercises.CheckExtrapolation(BetterSameWorse.Worse, alpha, Curve(0.5, 0.6, 0.4)), "outside [0, 1]");

    [Fact]
    public void AnAccuracyThatIsNotAFractionIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckExtrapolation(BetterSameWorse.Worse, 1.5, Curve(0.5, 60, 0.4)), "not a fraction");
}

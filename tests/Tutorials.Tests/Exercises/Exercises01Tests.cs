using TorchSharp.Modules;
using Tutorials.Solutions;
using Tutorials.Tests.Training;
using Tutorials.Notebooks;

namespace Tutorials.Tests.ExerciseChecks;

/// <summary>Notebook 01's checks accept the published solutions and name the typical mistakes.</summary>
[Collection(TorchGlobalRandomCollection.Name)]   // the checks seed (and restore) the global generator
public class Exercises01Tests
{
    [Fact]
    public void ConcatForwardSolutionPasses() => ExerciseAssert.Right(Exercises.CheckConcatForward(Notebook01.ConcatForward));

    [Fact]
    public void ConcatForwardStubIsNotDone() =>
        ExerciseAssert.NotDone(Exercises.CheckConcatForward((_, _, _, _) => throw new NotImplementedException()));

    [Fact]
    public void ConcatForwardWithAudioFirstIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckConcatForward((i, a, h, o) => o.call(nn.functional.relu(h.call(torch.cat([a, i], 1))))),
            "Your logits at [0, ", "cat([audio, image])", "Put image first");

    [Fact]
    public void ConcatForwardWithoutReluIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckConcatForward((i, a, h, o) => o.call(h.call(torch.cat([i, a], 1)))), "without the ReLU");

    [Fact]
    public void ConcatenatingAlongTheRowsIsReportedWithoutThrowing() =>
        ExerciseAssert.Wrong(Exercises.CheckConcatForward((i, a, h, o) => o.call(nn.functional.relu(h.call(torch.cat([i, a], 0))))), "Your code threw");

    [Fact]
    public void ConcatForwardGivingTheHiddenLayerOnlyIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckConcatForward((i, a, h, o) => nn.functional.relu(h.call(torch.cat([i, a], 1)))), "has shape [4, 5], expected [4, 4]", "stopped early");

    [Fact]
    public void StandardizeSolutionPasses() => ExerciseAssert.Right(Exercises.CheckStandardize(Notebook01.Standardize));

    [Fact]
    public void TheKitsStandardizePassesToo() => ExerciseAssert.Right(Exercises.CheckStandardize(Tutorials.Notebooks.SpeakerNormalization.Standardize));

    [Fact]
    public void StandardizeStubIsNotDone() => ExerciseAssert.NotDone(Exercises.CheckStandardize(_ => null!));

    [Fact]
    public void StandardizingEachRowIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckStandardize(x => (x - x.mean([1], keepdim: true)) / x.std(1, keepdim: true)), "Your result at [0, 0]", "dim 1");

    [Fact]
    public void ForgettingToDivideIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckStandardize(x => x - x.mean([0], keepdim: true)), "did not divide by its standard deviation");

    [Fact]
    public void ChangingTheCachedFeaturesInPlaceIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckStandardize(x => x.sub_(x.mean([0], keepdim: true)).div_(x.std(0, keepdim: true))), "in place");
}

using Tutorials.Backbones;
using Tutorials.Freezing;
using Tutorials.Solutions;
using Tutorials.Tests.Training;
using Tutorials.Notebooks;

namespace Tutorials.Tests.ExerciseChecks;

/// <summary>
/// Notebook 01's checks accept the published solutions, name the typical mistakes, and are not passed by the kit's
/// nearest helper (SpeakerNormalization.Standardize; Freezer.TrainMode) or by the notebook's own feature function.
/// </summary>
[Collection(TorchGlobalRandomCollection.Name)]   // the checks seed (and restore) the global generator
public class Exercises01Tests
{
    // ----- 01.1 · speaker normalisation from enrolment recordings

    [Fact]
    public void EnrolmentSolutionPasses() => ExerciseAssert.Right(Exercises.CheckEnrolmentNormalization(Notebook01.NormalizeWithEnrolment));

    [Fact]
    public void EnrolmentStubIsNotDone() =>
        ExerciseAssert.NotDone(Exercises.CheckEnrolmentNormalization((_, _) => throw new NotImplementedException()));

    [Fact]
    public void TheKitsStandardizeOfTheRowsFails() =>
        ExerciseAssert.Wrong(Exercises.CheckEnrolmentNormalization((f, _) => SpeakerNormalization.Standardize(f)),
            "statistics of the rows being normalised", "SpeakerNormalization.Standardize");

    [Fact]
    public void NormalisingTheEnrolmentInsteadIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckEnrolmentNormalization((_, e) => SpeakerNormalization.Standardize(e)), "you normalised the enrolment recordings");

    [Fact]
    public void PoolingEnrolmentAndNewRowsIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckEnrolmentNormalization((f, e) =>
        {
            var both = torch.cat([e, f], 0);
            return (f - both.mean([0], keepdim: true)) / both.std(0, keepdim: true);
        }), "pooled the enrolment and the new rows");

    [Fact]
    public void ForgettingToDivideIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckEnrolmentNormalization((f, e) => f - e.mean([0], keepdim: true)), "did not divide");

    [Fact]
    public void OneMeanForTheWholeTensorIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckEnrolmentNormalization((f, e) => (f - e.mean()) / e.std()), "Each feature (column) needs its own");

    [Fact]
    public void ChangingTheFeaturesInPlaceIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckEnrolmentNormalization((f, e) => f.sub_(e.mean([0], keepdim: true)).div_(e.std(0, keepdim: true))), "in place");

    // ----- 01.2 · a frozen extractor in training mode (predict, then run)

    /// <summary>A small random ResNet with BatchNorm, frozen and in eval mode, its layer3 features, 24 images.</summary>
    static (ResNetBackbone Net, Func<Tensor, Tensor> Features, Tensor Images) Extractor()
    {
        torch.manual_seed(5);
        var net = new ResNetBackbone(baseWidth: 8, blocksPerStage: [1, 1, 1, 1]);
        Freezer.Freeze(net);
        net.eval();
        return (net, d => net.FeatureMapAt(d, "layer3").mean([2, 3]), torch.rand(24, 3, 32, 32));
    }

    static ExerciseVerdict Check(SameOrDifferent prediction, Func<nn.Module, Func<Tensor, Tensor>, Tensor, double> measure)
    {
        var (net, features, images) = Extractor();
        return Exercises.CheckFrozenInTrainingMode(prediction, measure, net, features, images);
    }

    [Fact]
    public void TrainingModeSolutionPasses() => ExerciseAssert.Right(Check(Notebook01.Prediction, Notebook01.TrainModeDifference));

    [Fact]
    public void TrainingModeStubIsNotDone() =>
        ExerciseAssert.NotDone(Check(SameOrDifferent.NotPredicted, (_, _, _) => throw new NotImplementedException()));

    [Fact]
    public void AMeasurementWithoutAPredictionIsNotDone() =>
        ExerciseAssert.NotDone(Check(SameOrDifferent.NotPredicted, Notebook01.TrainModeDifference));

    [Fact]
    public void PredictingTheSameFeaturesFailsWithTheMeasuredDifference() =>
        ExerciseAssert.Wrong(Check(SameOrDifferent.Same, Notebook01.TrainModeDifference), "You predicted the same features", "BatchNorm", "eval()", "stored statistics tensors");

    [Fact]
    public void MeasuringWithTheNotebooksFeatureFunctionAsItIsFails() =>
        // extractors.ImageFeatures as the notebook uses it: the extractor stays in eval mode
        ExerciseAssert.Wrong(Check(SameOrDifferent.Different, (_, features, images) =>
            (features(images[..8]) - features(images)[..8]).abs().max().item<float>()), "difference in eval mode", "extractor.train()");

    [Fact]
    public void TheKitsTrainModeFails() =>
        // Freezer.TrainMode keeps frozen BatchNorm in eval: the kit's guard against exactly this, so no difference is measured
        ExerciseAssert.Wrong(Check(SameOrDifferent.Different, (m, features, images) =>
        {
            Freezer.TrainMode(m);
            var d = (features(images[..8]) - features(images)[..8]).abs().max().item<float>();
            m.eval();
            return d;
        }), "difference in eval mode");

    [Fact]
    public void LeavingTheExtractorInTrainingModeIsNamedAndUndone()
    {
        var (net, features, images) = Extractor();
        var before = net.named_buffers().ToDictionary(b => b.name, b => b.buffer.clone());
        var verdict = Exercises.CheckFrozenInTrainingMode(SameOrDifferent.Different, (m, f, x) =>
        {
            m.train();
            return (f(x[..8]) - f(x)[..8]).abs().max().item<float>();
        }, net, features, images);
        ExerciseAssert.Wrong(verdict, "left the extractor in training mode");
        Assert.False(net.training);
        foreach (var (name, buffer) in net.named_buffers())
            Assert.True(buffer.eq(before[name]).all().item<bool>(), $"the check should put {name} back as it was");
    }
}

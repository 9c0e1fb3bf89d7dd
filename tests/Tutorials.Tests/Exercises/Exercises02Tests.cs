using TorchSharp.Modules;
using Tutorials.Backbones;
using Tutorials.Fusion;
using Tutorials.Solutions;
using Tutorials.Tests.Training;
using Tutorials.Training;
using Tutorials.Freezing;
using Tutorials.Notebooks;

namespace Tutorials.Tests.ExerciseChecks;

/// <summary>Notebook 02's checks accept the published solutions and name the typical mistakes.</summary>
[Collection(TorchGlobalRandomCollection.Name)]
public class Exercises02Tests
{
    [Fact]
    public void FreezeSolutionPasses() => ExerciseAssert.Right(Exercises.CheckFreezeLayer1And2(Notebook02.FreezeLayer1And2));

    [Fact]
    public void FreezeStubIsNotDone() => ExerciseAssert.NotDone(Exercises.CheckFreezeLayer1And2(_ => throw new NotImplementedException()));

    [Fact]
    public void FrozenParametersWithBatchNormStillTrainingIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckFreezeLayer1And2(b =>
            {
                // the learner's half answer: gradients off, BatchNorm left training
                foreach (var (name, p) in b.named_parameters())
                    if (name.StartsWith("layer1.") || name.StartsWith("layer2.")) p.requires_grad = false;
            }),
            "BatchNorm 'layer1.0.bn1' is still in training mode", "running_mean");

    [Fact]
    public void TheKitsFreezerPassesTheCheck() =>
        // Freezer's contract (frozen BatchNorm goes to eval) is the whole answer: the check agrees with the kit.
        ExerciseAssert.Right(Exercises.CheckFreezeLayer1And2(b => Freezer.Freeze(b, "layer1", "layer2")));

    [Fact]
    public void FreezingTheStemTooIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckFreezeLayer1And2(b => { Freezer.Freeze(b, "conv1", "bn1", "layer1", "layer2"); Freezer.KeepFrozenBatchNormInEval(b); }),
            "'conv1.weight' is frozen", "the stem");

    [Fact]
    public void FreezingOnlyLayer1IsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckFreezeLayer1And2(b => { Freezer.Freeze(b, "layer1"); Freezer.KeepFrozenBatchNormInEval(b); }),
            "'layer2.0.conv1.weight' still trains");

    [Fact]
    public void PuttingTheWholeBackboneInEvalIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckFreezeLayer1And2(b => { Freezer.Freeze(b, "layer1", "layer2"); b.eval(); }),
            "BatchNorm 'bn1' was put in eval mode");

    [Fact]
    public void LearningRateSolutionPasses() => ExerciseAssert.Right(Exercises.CheckLearningRatePerPart(Notebook02.MakeOptimizer));

    [Fact]
    public void TheKitsOwnGroupsPassToo() =>
        ExerciseAssert.Right(Exercises.CheckLearningRatePerPart(m => optim.Adam(new Adam.ParamGroup[]
        {
            new(Grafting.PretrainedParameters(m), lr: 1e-4),
            new(Grafting.NewParameters(m), lr: 1e-3),
        })));

    [Fact]
    public void LearningRateStubIsNotDone() => ExerciseAssert.NotDone(Exercises.CheckLearningRatePerPart(_ => null!));

    [Fact]
    public void OneLearningRateForEverythingIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckLearningRatePerPart(m => optim.Adam(Freezer.TrainableParameters(m), lr: 1e-3)),
            "'rgb.backbone.layer2.0.conv1.weight' gets learning rate 0.001, expected 0.0001");

    [Fact]
    public void ForgettingModelAsGroupIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckLearningRatePerPart(m => optim.Adam(Grafting.NewParameters(m), lr: 1e-3)),
            "is in no parameter group");

    [Fact]
    public void TreatingTheTrainedDecoderAsNewIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckLearningRatePerPart(m => optim.Adam(new Adam.ParamGroup[]
        {
            new(FusionTraining.FineTunedParameters(m.Rgb.Backbone), lr: 1e-4),
            new(FusionTraining.NewParameters(m, m.Rgb.Backbone), lr: 1e-3),   // decoder, depth branch, bridge
        })), "'rgb.decoder.", "gets learning rate 0.001, expected 0.0001", "A's decoder");

    [Fact]
    public void GivingFrozenStagesToTheOptimizerIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckLearningRatePerPart(m => optim.Adam(new Adam.ParamGroup[]
        {
            new(m.Rgb.parameters(), lr: 1e-4),
            new(Grafting.NewParameters(m), lr: 1e-3),
        })), "'rgb.backbone.conv1.weight' is frozen but was given to the optimizer");
}

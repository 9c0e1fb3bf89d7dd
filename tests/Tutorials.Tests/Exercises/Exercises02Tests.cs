using TorchSharp.Modules;
using Tutorials.Backbones;
using Tutorials.Fusion;
using Tutorials.Solutions;
using Tutorials.Tests.Training;
using Tutorials.Training;
using Tutorials.Freezing;
using Tutorials.Notebooks;

namespace Tutorials.Tests.ExerciseChecks;

/// <summary>
/// Notebook 02's checks accept the published solutions, name the typical mistakes, and are not passed by the kit's
/// nearest helpers (Freezer.Freeze, Freezer.FreezeAllExcept, Freezer.FreezeBatchNorm; Grafting/FusionTraining for the
/// optimizer) or by the notebook's own freezing call (FusionTraining.FreezeBackboneUpTo).
/// </summary>
[Collection(TorchGlobalRandomCollection.Name)]
public class Exercises02Tests
{
    // ----- 02.1 · freeze the convolutions, keep BatchNorm's scale and shift learning

    static bool InStages(string name) => name.StartsWith("layer1.") || name.StartsWith("layer2.");

    /// <summary>requires_grad = false on the parameters of the modules under layer1/layer2 that <paramref name="pick"/> selects.</summary>
    static void FreezeModules(ResNetBackbone b, Func<string, nn.Module, bool> pick)
    {
        foreach (var (name, module) in b.named_modules())
            if (InStages(name) && pick(name, module))
                foreach (var p in module.parameters()) p.requires_grad = false;
    }

    static void StageBatchNormToEval(ResNetBackbone b)
    {
        foreach (var (name, module) in b.named_modules())
            if (InStages(name) && module is BatchNorm2d) module.eval();
    }

    [Fact]
    public void FreezeConvolutionsSolutionPasses() =>
        ExerciseAssert.Right(Exercises.CheckFreezeConvolutionsKeepBatchNorm(Notebook02.FreezeConvolutions));

    [Fact]
    public void FreezeConvolutionsStubIsNotDone() =>
        ExerciseAssert.NotDone(Exercises.CheckFreezeConvolutionsKeepBatchNorm(_ => throw new NotImplementedException()));

    [Fact]
    public void AFunctionThatChangesNothingIsNotDone() =>
        ExerciseAssert.NotDone(Exercises.CheckFreezeConvolutionsKeepBatchNorm(_ => { }));

    [Fact]
    public void TheKitsFreezerFails() =>
        // The kit freezes a stage whole, γ and β included: the nearest helper is not the answer.
        ExerciseAssert.Wrong(Exercises.CheckFreezeConvolutionsKeepBatchNorm(b => Freezer.Freeze(b, "layer1", "layer2")),
            "'layer1.0.bn1.weight' (a BatchNorm's scale γ) is frozen", "Freezer.Freeze(backbone, \"layer1\", \"layer2\")",
            "γ and β included", "keeps γ and β learning");

    [Fact]
    public void TheKitsFreezeAllExceptFails() =>
        ExerciseAssert.Wrong(Exercises.CheckFreezeConvolutionsKeepBatchNorm(b => Freezer.FreezeAllExcept(b, "conv1", "bn1", "layer3", "layer4")),
            "Freezer.Freeze(backbone, \"layer1\", \"layer2\")", "γ and β included");

    [Fact]
    public void TheKitsFreezeBatchNormFails() =>
        ExerciseAssert.Wrong(Exercises.CheckFreezeConvolutionsKeepBatchNorm(b => Freezer.FreezeBatchNorm(b)),
            "'bn1.weight' is frozen", "Freezer.FreezeBatchNorm", "the opposite");

    [Fact]
    public void TheNotebooksFreezingCallFails() =>
        // What the notebook's Train does (frozen up to a stage) freezes the stem, and γ and β with it.
        ExerciseAssert.Wrong(Exercises.CheckFreezeConvolutionsKeepBatchNorm(b => FusionTraining.FreezeBackboneUpTo(b, "layer2")),
            "'conv1.weight' is frozen", "the stem (conv1, bn1) must keep training");

    [Fact]
    public void RequiresGradWithoutEvalIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckFreezeConvolutionsKeepBatchNorm(b => FreezeModules(b, (_, m) => m is Conv2d)),
            "BatchNorm 'layer1.0.bn1' is still in training mode", "running_mean");

    [Fact]
    public void ForgettingTheShortcutConvolutionIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckFreezeConvolutionsKeepBatchNorm(b =>
            {
                // the learner's near miss: convolutions found by "conv" in the name
                FreezeModules(b, (name, _) => name.Contains("conv"));
                StageBatchNormToEval(b);
            }),
            "'layer2.0.downsample.0.weight' still trains", "shortcut", "module is Conv2d");

    [Fact]
    public void PuttingTheWholeBackboneInEvalIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckFreezeConvolutionsKeepBatchNorm(b => { FreezeModules(b, (_, m) => m is Conv2d); b.eval(); }),
            "Every BatchNorm is in eval mode", "'bn1'", "backbone.eval()");

    [Fact]
    public void FreezingBatchNormInsteadOfTheConvolutionsIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckFreezeConvolutionsKeepBatchNorm(b => { FreezeModules(b, (_, m) => m is BatchNorm2d); StageBatchNormToEval(b); }),
            "wrong way round", "'layer1.0.bn1.weight'", "'layer1.0.conv1.weight'");

    [Fact]
    public void FreezingOnlyLayer1IsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckFreezeConvolutionsKeepBatchNorm(b =>
            {
                foreach (var (name, module) in b.named_modules().Where(m => m.name.StartsWith("layer1.")))
                    if (module is Conv2d) foreach (var p in module.parameters()) p.requires_grad = false;
                    else if (module is BatchNorm2d) module.eval();
            }),
            "'layer2.0.conv1.weight' still trains", "a convolution weight in layer2");

    [Fact]
    public void BatchNormInEvalOutsideTheStagesIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckFreezeConvolutionsKeepBatchNorm(b =>
            {
                Notebook02.FreezeConvolutions(b);
                foreach (var (name, module) in b.named_modules())
                    if (name.StartsWith("layer3.") && module is BatchNorm2d) module.eval();
            }),
            "BatchNorm 'layer3.0.bn1' was put in eval mode", "belongs to layer3");

    [Fact]
    public void TheKitsPrimitivesComposedPassToo() =>
        // The check judges the result, not the route: freeze the stages whole, then give γ and β back (Unfreeze changes no mode).
        ExerciseAssert.Right(Exercises.CheckFreezeConvolutionsKeepBatchNorm(b =>
        {
            Freezer.Freeze(b, "layer1", "layer2");
            Freezer.Unfreeze(b, "layer1.0.bn1", "layer1.0.bn2", "layer2.0.bn1", "layer2.0.bn2", "layer2.0.downsample.1");
        }));

    // ----- 02.2 · a learning rate per part

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

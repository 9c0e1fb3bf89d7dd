using Tutorials.Solutions;
using Tutorials.Tests.Training;
using Tutorials.Notebooks;

namespace Tutorials.Tests.ExerciseChecks;

/// <summary>
/// Notebook 04's checks accept the published solutions, name the typical mistakes, and refuse what the notebook already
/// shows (its two-model interpolation; a member fitted on the rows it then predicts, as in-sample stacking would).
/// </summary>
[Collection(TorchGlobalRandomCollection.Name)]
public class Exercises04Tests
{
    // The notebook's inline interpolation over a state dict, as written in its cell.
    static Dictionary<string, Tensor> NotebookInterpolate(Dictionary<string, Tensor> first, Dictionary<string, Tensor> second, double alpha) =>
        first.ToDictionary(kv => kv.Key, kv => kv.Value.is_floating_point()
            ? kv.Value * (1 - alpha) + second[kv.Key] * alpha : (alpha < 0.5 ? kv.Value : second[kv.Key]).clone());

    [Fact]
    public void SoupSolutionPasses() => ExerciseAssert.Right(Exercises.CheckSoup(Notebook04.Soup));

    [Fact]
    public void SoupStubIsNotDone() => ExerciseAssert.NotDone(Exercises.CheckSoup(_ => throw new NotImplementedException()));

    [Fact]
    public void TheNotebooksInterpolationAppliedModelAfterModelIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckSoup(models => models.Skip(1).Aggregate(models[0], (acc, next) => NotebookInterpolate(acc, next, 0.5))),
            "running pairwise average", "1/n");

    [Fact]
    public void TheNotebooksInterpolationOfTwoModelsIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckSoup(models => NotebookInterpolate(models[0], models[1], 0.5)), "first two models only");

    [Fact]
    public void AveragingTheCountIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckSoup(models => models[0].ToDictionary(kv => kv.Key,
            kv => models.Select(m => m[kv.Key]).Aggregate((a, b) => a + b) / models.Count)), "num_batches_tracked", "count");

    [Fact]
    public void MixingInPlaceIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckSoup(models => models[0].ToDictionary(kv => kv.Key, kv => kv.Value.is_floating_point()
            ? models.Skip(1).Aggregate(kv.Value, (a, m) => a.add_(m[kv.Key])).div_(models.Count) : kv.Value)), "in place");

    [Fact]
    public void LeavingOutTheBuffersIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckSoup(models => models[0].Where(kv => !kv.Key.StartsWith("bn.running") && !kv.Key.EndsWith("tracked"))
            .ToDictionary(kv => kv.Key, kv => models.Select(m => m[kv.Key]).Aggregate((a, b) => a + b) / models.Count)), "has no entry", "buffers");

    [Fact]
    public void OutOfFoldSolutionPasses() => ExerciseAssert.Right(Exercises.CheckOutOfFold(Notebook04.OutOfFold));

    [Fact]
    public void OutOfFoldStubIsNotDone() => ExerciseAssert.NotDone(Exercises.CheckOutOfFold((_, _, _) => throw new NotImplementedException()));

    static long[] All(int rows) => Enumerable.Range(0, rows).Select(i => (long)i).ToArray();

    [Fact]
    public void InSampleFeaturesAreRefused() =>
        ExerciseAssert.Wrong(Exercises.CheckOutOfFold((rows, _, trainOn) => trainOn(All(rows))(All(rows))), "trained on it", "over-confident");

    [Fact]
    public void TrainingOnTheFoldItselfIsRefused() =>
        ExerciseAssert.Wrong(Exercises.CheckOutOfFold((rows, folds, trainOn) =>
        {
            var features = torch.zeros(rows, 3);
            for (int f = 0; f < folds; f++)
            {
                var fold = All(rows).Where(i => i % folds == f).ToArray();
                features.index_copy_(0, torch.tensor(fold), trainOn(fold)(fold));
            }
            return features;
        }), "trained on it");

    [Fact]
    public void PredictionsLeftInFoldOrderAreNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckOutOfFold((rows, folds, trainOn) => torch.cat(Enumerable.Range(0, folds).Select(f =>
            trainOn(All(rows).Where(i => i % folds != f).ToArray())(All(rows).Where(i => i % folds == f).ToArray())).ToArray(), 0)),
            "fold order", "index_copy_");
}

using Tutorials.Contrastive;
using Tutorials.Solutions;
using Tutorials.Tests.Training;
using Tutorials.Notebooks;

namespace Tutorials.Tests.ExerciseChecks;

/// <summary>
/// Notebook 03's checks accept the published solutions, name the typical mistakes, and refuse the nearest kit helper
/// and the functions the notebook writes inline (recall@k, the zero-shot argmax): the exercises ask for something else.
/// </summary>
[Collection(TorchGlobalRandomCollection.Name)]
public class Exercises03Tests
{
    // The notebook's inline recall@k and zero-shot prediction, as written in its cells.
    static double NotebookRecallAtK(Tensor similarity, Tensor queryKeys, Tensor itemKeys, int k)
    {
        var right = queryKeys.unsqueeze(1).eq(itemKeys.unsqueeze(0));
        var best = similarity.masked_fill(right.logical_not(), double.NegativeInfinity).max(1).values;
        var rank = similarity.ge(best.unsqueeze(1)).logical_and(right.logical_not()).sum(1) + 1;
        return rank.le(k).to_type(ScalarType.Float64).mean().item<double>();
    }

    static long[] NotebookZeroShotPredict(Tensor images, Tensor classes) =>
        nn.functional.normalize(images, dim: 1).matmul(nn.functional.normalize(classes, dim: 1).T).argmax(1).data<long>().ToArray();

    static double Precision(Tensor s, Tensor q, Tensor i, int k, bool largest = true, bool pairIds = false, bool perRelevant = false, bool countOnly = false)
    {
        var top = s.topk(k, dim: 1, largest: largest).indexes;
        var keys = pairIds ? top : i.index_select(0, top.reshape(-1)).reshape(top.shape);
        var query = pairIds ? torch.arange(s.shape[0]) : q;
        var right = keys.eq(query.unsqueeze(1)).to_type(ScalarType.Float64).sum(1);
        if (countOnly) return right.mean().item<double>();
        if (perRelevant) return (right / q.unsqueeze(1).eq(i.unsqueeze(0)).sum(1)).mean().item<double>();
        return (right / k).mean().item<double>();
    }

    [Fact]
    public void PrecisionAtKSolutionPasses() => ExerciseAssert.Right(Exercises.CheckPrecisionAtK(Notebook03.PrecisionAtK));

    [Fact]
    public void PrecisionAtKStubIsNotDone() => ExerciseAssert.NotDone(Exercises.CheckPrecisionAtK((_, _, _, _) => throw new NotImplementedException()));

    [Fact]
    public void TheNotebooksRecallAtKIsRefusedAsRecall() =>
        ExerciseAssert.Wrong(Exercises.CheckPrecisionAtK(NotebookRecallAtK), "That is recall@k", "divides by k");

    [Fact]
    public void TheKitsRanksAreRefusedAsRecall() =>
        ExerciseAssert.Wrong(Exercises.CheckPrecisionAtK((s, q, i, k) => Retrieval.RanksFromSimilarity(s, q, i).Count(r => r <= k) / (double)s.shape[0]),
            "That is recall@k");

    [Fact]
    public void TheLeastSimilarItemsAreNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckPrecisionAtK((s, q, i, k) => Precision(s, q, i, k, largest: false)), "*least* similar");

    [Fact]
    public void DividingByTheRightItemsIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckPrecisionAtK((s, q, i, k) => Precision(s, q, i, k, perRelevant: true)), "number of right items");

    [Fact]
    public void PairNumbersInsteadOfKeysAreNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckPrecisionAtK((s, q, i, k) => Precision(s, q, i, k, pairIds: true)), "pair numbers");

    [Fact]
    public void ForgettingToDivideByKIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckPrecisionAtK((s, q, i, k) => Precision(s, q, i, k, countOnly: true)), "divide it by k");

    [Fact]
    public void ZeroShotProbabilitiesSolutionPasses() => ExerciseAssert.Right(Exercises.CheckZeroShotProbabilities(Notebook03.ZeroShotProbabilities));

    [Fact]
    public void ZeroShotProbabilitiesStubIsNotDone() =>
        ExerciseAssert.NotDone(Exercises.CheckZeroShotProbabilities((_, _, _) => throw new NotImplementedException()));

    [Fact]
    public void TheKitsSimilarityWithoutTheScaleIsRefused() =>
        ExerciseAssert.Wrong(Exercises.CheckZeroShotProbabilities((u, c, _) => Retrieval.Similarity(u, c).softmax(1)), "bare cosines", "exp(logitScale)");

    [Fact]
    public void TheNotebooksArgmaxIsRefusedAsAHardDecision() =>
        ExerciseAssert.Wrong(Exercises.CheckZeroShotProbabilities((u, c, _) =>
            nn.functional.one_hot(torch.tensor(NotebookZeroShotPredict(u, c)), c.shape[0]).to_type(ScalarType.Float32)), "hard decision");

    [Fact]
    public void TheKitsPredictIsRefusedAsAHardDecision() =>
        ExerciseAssert.Wrong(Exercises.CheckZeroShotProbabilities((u, c, _) =>
            nn.functional.one_hot(torch.tensor(ZeroShot.Predict(u, c)), c.shape[0]).to_type(ScalarType.Float32)), "hard decision");

    [Fact]
    public void TheScaleWithoutExpIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckZeroShotProbabilities((u, c, s) =>
            (s * nn.functional.normalize(u, dim: 1).matmul(nn.functional.normalize(c, dim: 1).T)).softmax(1)), "logit scale itself");

    [Fact]
    public void RawDotProductsAreNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckZeroShotProbabilities((u, c, s) => (Math.Exp(s) * u.matmul(c.T)).softmax(1)), "raw dot products");

    [Fact]
    public void SoftmaxOverImagesIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckZeroShotProbabilities((u, c, s) =>
            (Math.Exp(s) * nn.functional.normalize(u, dim: 1).matmul(nn.functional.normalize(c, dim: 1).T)).softmax(0)), "dim 0");
}

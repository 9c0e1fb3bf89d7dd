using Tutorials.Contrastive;
using Tutorials.Solutions;
using Tutorials.Tests.Training;
using Tutorials.Losses;
using Tutorials.Notebooks;

namespace Tutorials.Tests.ExerciseChecks;

/// <summary>Notebook 03's checks accept the published solutions and name the typical mistakes.</summary>
[Collection(TorchGlobalRandomCollection.Name)]
public class Exercises03Tests
{
    static Tensor D2(Tensor image, Tensor text) => (image.unsqueeze(1) - text.unsqueeze(0)).pow(2).sum(-1);

    [Fact]
    public void MarginLossSolutionPasses() => ExerciseAssert.Right(Exercises.CheckMarginLoss(Notebook03.MarginLoss));

    /// <summary>
    /// Two independent implementations of the article's loss agree: the kit's <see cref="ContrastiveLosses.Margin"/>
    /// (checked against PyTorch fixtures) and the exercise's reference, written from the formula. Either one drifting
    /// from the article would fail here.
    /// </summary>
    [Fact]
    public void KitMarginLossIsTheArticlesFormula() =>
        ExerciseAssert.Right(Exercises.CheckMarginLoss((i, t, y) => ContrastiveLosses.Margin(i, t, y)));

    [Fact]
    public void MarginLossStubIsNotDone() => ExerciseAssert.NotDone(Exercises.CheckMarginLoss((_, _, _) => throw new NotImplementedException()));

    [Fact]
    public void ForgettingTheSquareIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckMarginLoss((i, t, y) => { var d = D2(i, t).sqrt(); return (y * d + (1 - y) * (1 - d).clamp_min(0)).mean(); }),
            "your loss is", "the distance d instead of the squared distance");

    [Fact]
    public void AveragingOverRowsOnlyIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckMarginLoss((i, t, y) => { var d2 = D2(i, t); return (y * d2 + (1 - y) * (1 - d2).clamp_min(0)).mean([1]); }),
            "shape [4]", "one axis only");

    [Fact]
    public void MatchingRowsOnlyIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckMarginLoss((i, t, y) => { var d2 = (i - t).pow(2).sum(-1); var yd = y.diagonal(); return (yd * d2 + (1 - yd) * (1 - d2).clamp_min(0)).mean(); }),
            "the B matching rows only");

    [Fact]
    public void IgnoringTheGivenLabelsIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckMarginLoss((i, t, _) => { var d2 = D2(i, t); var y = torch.eye(4); return (y * d2 + (1 - y) * (1 - d2).clamp_min(0)).mean(); }),
            "image 0 also matches text 3", "not torch.eye(B)");

    [Fact]
    public void MissingClampIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckMarginLoss((i, t, y) => { var d2 = D2(i, t); return (y * d2 + (1 - y) * (1 - d2)).mean(); }), "without the clamp");

    [Fact]
    public void SwappingYAndOneMinusYIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckMarginLoss((i, t, y) => { var d2 = D2(i, t); return ((1 - y) * d2 + y * (1 - d2).clamp_min(0)).mean(); }),
            "y and 1 − y swapped");

    [Fact]
    public void InfoNceSolutionPasses() => ExerciseAssert.Right(Exercises.CheckInfoNce(Notebook03.InfoNce));

    [Fact]
    public void TheKitsInfoNceWithTheSameScalePasses() =>
        ExerciseAssert.Right(Exercises.CheckInfoNce((i, t, s) => Tutorials.Losses.ContrastiveLosses.InfoNce(i, t, torch.tensor(Math.Log(s)))));

    [Fact]
    public void InfoNceStubIsNotDone() => ExerciseAssert.NotDone(Exercises.CheckInfoNce((_, _, _) => throw new NotImplementedException()));

    [Fact]
    public void OneDirectionOnlyIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckInfoNce((i, t, s) =>
        {
            var logits = s * nn.functional.normalize(i, dim: 1).matmul(nn.functional.normalize(t, dim: 1).T);
            return nn.functional.cross_entropy(logits, torch.arange(4));
        }), "one direction only");

    [Fact]
    public void ForgettingToNormaliseIsNamed() =>
        ExerciseAssert.Wrong(Exercises.CheckInfoNce((i, t, s) =>
        {
            var logits = s * i.matmul(t.T);
            var target = torch.arange(4);
            return (nn.functional.cross_entropy(logits, target) + nn.functional.cross_entropy(logits.T, target)) / 2;
        }), "without normalising");
}

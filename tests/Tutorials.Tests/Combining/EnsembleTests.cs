using Tutorials.Combining;

namespace Tutorials.Tests.Combining;

public class EnsembleTests
{
    static Tensor P(float[,] rows) => torch.tensor(rows);

    [Fact]
    public void AverageIsTheRowWiseMeanOfTheProbabilities()
    {
        var a = P(new float[,] { { 0.9f, 0.1f }, { 0.2f, 0.8f } });
        var b = P(new float[,] { { 0.3f, 0.7f }, { 0.6f, 0.4f } });
        var mean = Ensemble.AverageProbabilities([a, b]).data<float>().ToArray();
        Assert.Equal(new[] { 0.6f, 0.4f, 0.4f, 0.6f }, mean.Select(x => MathF.Round(x, 5)));
    }

    [Fact]
    public void WeightsAreNormalisedAndWeightTheMembers()
    {
        var a = P(new float[,] { { 1f, 0f } });
        var b = P(new float[,] { { 0f, 1f } });
        var weighted = Ensemble.AverageProbabilities([a, b], [3, 1]).data<float>().ToArray();   // 3:1 → 0.75 / 0.25
        Assert.Equal(0.75f, weighted[0], 5);
        Assert.Equal(0.25f, weighted[1], 5);
        Assert.Equal(new[] { 0.6, 0.4 }, Ensemble.WeightsFromAccuracy([0.6, 0.4]).Select(x => Math.Round(x, 10)));
        Assert.Equal(new[] { 0.75, 0.25 }, Ensemble.WeightsFromAccuracy([0.9, 0.3]).Select(x => Math.Round(x, 10)));
    }

    [Fact]
    public void AccuracyCountsTheMostProbableClass()
    {
        var p = P(new float[,] { { 0.9f, 0.1f }, { 0.2f, 0.8f }, { 0.6f, 0.4f } });
        Assert.Equal(2.0 / 3, Ensemble.Accuracy(p, torch.tensor(new long[] { 0, 1, 1 })), 10);
    }

    [Fact]
    public void MismatchedShapesAndBadWeightsAreRejectedWithWhatCame()
    {
        var a = torch.ones(4, 10) / 10;
        var e = Assert.Throws<ArgumentException>(() => Ensemble.AverageProbabilities([a, torch.ones(4, 9) / 9]));
        Assert.Contains("[4, 9]", e.Message);
        Assert.Contains("member 1", e.Message);
        Assert.Throws<ArgumentException>(() => Ensemble.AverageProbabilities([a, a], [1]));
        Assert.Throws<ArgumentException>(() => Ensemble.AverageProbabilities([a, a], [-1, 2]));
        Assert.Throws<ArgumentException>(() => Ensemble.AverageProbabilities([]));
    }

    [Fact]
    public void StackingInputsAreLogProbabilitiesSideBySide()
    {
        var a = P(new float[,] { { 0.5f, 0.5f } });
        var b = P(new float[,] { { 1f, 0f } });
        var x = StackingClassifier.Inputs(a, b);
        Assert.Equal(new long[] { 1, 4 }, x.shape);
        var v = x.data<float>().ToArray();
        Assert.Equal(MathF.Log(0.5f), v[0], 5);
        Assert.Equal(0f, v[2], 5);
        Assert.Equal(MathF.Log(1e-6f), v[3], 3);           // zero probabilities are clamped, log stays finite
        var stacker = new StackingClassifier(members: 2, classes: 2);
        Assert.Equal(new long[] { 1, 2 }, stacker.call(x).shape);
        var err = Assert.Throws<ArgumentException>(() => stacker.call(torch.zeros(1, 3)));
        Assert.Contains("[N, 4]", err.Message);
    }
}

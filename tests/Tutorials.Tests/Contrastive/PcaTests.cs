using Tutorials.Contrastive;
using Tutorials.Display;

namespace Tutorials.Tests.Contrastive;

/// <summary>PCA on point sets whose answer is known by hand.</summary>
public class PcaTests
{
    [Fact]
    public void PointsOnALineGiveTheLineAsFirstComponentWithAllTheVariance()
    {
        // Points t·(3, 4)/5 + (1, −2) for t = −2 … 2: the direction is (0.6, 0.8), variance of t is 2.5.
        var t = torch.tensor(new double[] { -2, -1, 0, 1, 2 }).unsqueeze(1);
        var points = t * torch.tensor(new double[] { 0.6, 0.8 }) + torch.tensor(new double[] { 1, -2 });
        using var pca = Pca.Fit(points, components: 1);
        var c = pca.Components[0].data<double>().ToArray();
        Assert.Equal(0.6, c[0], 9);
        Assert.Equal(0.8, c[1], 9);
        Assert.Equal(1.0, pca.ExplainedVarianceRatio[0], 9);
        Assert.Equal(2.5, pca.ExplainedVariance[0], 9);
        var projected = pca.Transform(points).squeeze(1).data<double>().ToArray();
        Assert.Equal(new double[] { -2, -1, 0, 1, 2 }, projected.Select(v => Math.Round(v, 9)).ToArray());
    }

    [Fact]
    public void ACrossSplitsTheVarianceEightyTwenty()
    {
        // (±2, 0) and (0, ±1): sums of squares 8 along x and 2 along y → ratios 0.8 and 0.2, variances 8/3 and 2/3.
        var points = torch.tensor(new double[,] { { 2, 0 }, { -2, 0 }, { 0, 1 }, { 0, -1 } });
        using var pca = Pca.Fit(points, components: 2);
        Assert.Equal(new[] { 0.8, 0.2 }, pca.ExplainedVarianceRatio.Select(r => Math.Round(r, 9)));
        Assert.Equal(8.0 / 3, pca.ExplainedVariance[0], 9);
        Assert.Equal(new double[] { 1, 0, 0, 1 }, pca.Components.flatten().data<double>().Select(v => Math.Round(v, 9) + 0.0).ToArray());
    }

    [Fact]
    public void TooManyComponentsIsAnError()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Pca.Fit(torch.zeros(5, 2), components: 3));
        Assert.Throws<ArgumentException>(() => Pca.Fit(torch.zeros(1, 2)));
    }
}

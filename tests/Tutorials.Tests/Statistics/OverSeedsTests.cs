using Tutorials.Evaluation;

namespace Tutorials.Tests.Statistics;

public class OverSeedsTests
{
    [Fact]
    public void MeanAndSampleStandardDeviationByHand()
    {
        var d = OverSeeds.Of(new[] { 0.10, 0.20, 0.30 });
        Assert.Equal(0.20, d.Mean, 12);
        Assert.Equal(0.10, d.Sd, 12);                      // sqrt(((−0.1)² + 0 + 0.1²) / (3 − 1))
        Assert.Equal(1, d.ConsistentSign);
        Assert.Equal("+0.200 ± 0.100 (3 seeds)", d.ToString());
        Assert.Equal(0, OverSeeds.Of(new[] { 0.5 }).Sd);
    }

    [Fact]
    public void SignIsStatedOnlyWhenEverySeedAgrees()
    {
        Assert.Equal(-1, OverSeeds.Of(new[] { -0.2, -0.01 }).ConsistentSign);
        Assert.Equal(0, OverSeeds.Of(new[] { 0.3, -0.01 }).ConsistentSign);
        Assert.Equal(0, OverSeeds.Of(new[] { 0.3, 0.0 }).ConsistentSign);
        Assert.Throws<ArgumentException>(() => OverSeeds.Of(Array.Empty<double>()));
        Assert.Throws<ArgumentException>(() => OverSeeds.Of(new[] { double.NaN }));
    }
}

using Tutorials.Notebooks;

namespace Tutorials.Tests.Features;

public class FeatureTests
{
    [Fact]
    public void FrozenFeaturesEqualTheExtractorAppliedToAllRowsAtOnce()
    {
        torch.manual_seed(0);
        var extractor = nn.Sequential(("fc", nn.Linear(5, 3)), ("bn", nn.BatchNorm1d(3)));
        extractor.train();                                              // Compute must switch to eval itself
        var inputs = torch.randn(23, 5);
        var cached = FrozenFeatures.Compute(extractor, x => extractor.call(x), inputs, batchSize: 4, device: torch.CPU);
        Assert.True(extractor.training);                                // the caller's mode is given back
        extractor.eval();
        using var _ = torch.no_grad();
        var direct = extractor.call(inputs);
        Assert.Equal(new long[] { 23, 3 }, cached.Values.shape);
        Assert.True(torch.allclose(direct, cached.Values, rtol: 0, atol: 1e-6));   // batching changes nothing in eval mode
        Assert.False(cached.Values.requires_grad);
    }

    [Fact]
    public void FrozenFeaturesRestoresTrainingModeAndRejectsMaps()
    {
        var extractor = nn.Conv2d(1, 2, 3);
        extractor.train();
        var e = Assert.Throws<InvalidOperationException>(() =>
            FrozenFeatures.Compute(extractor, x => extractor.call(x), torch.zeros(3, 1, 8, 8), device: torch.CPU));
        Assert.Contains("(batch, features)", e.Message);
        Assert.True(extractor.training);
    }

    [Fact]
    public void SpeakerNormalizationGivesZeroMeanUnitSpreadPerFeature()
    {
        var f = torch.tensor(new float[] { 1, 10, 3, 10, 5, 10 }, 3, 2);   // second feature constant
        var z = SpeakerNormalization.Standardize(f);
        var first = z[.., 0].data<float>().ToArray();                     // mean 3, std 2 (unbiased); ε = 1e-5 in the divisor
        Assert.Equal(new[] { -1.0, 0.0, 1.0 }, first.Select(v => Math.Round(v, 4)));
        Assert.All(z[.., 1].data<float>().ToArray(), v => Assert.Equal(0f, v));   // constant → 0, not NaN
        Assert.Throws<ArgumentException>(() => SpeakerNormalization.Standardize(torch.zeros(1, 4)));
    }
}

using Tutorials.Data;

using Tutorials.Tests.Support;

namespace Tutorials.Tests.Features;

public class PairedDigitsTests
{
    [Fact]
    public void SplitsAreBalancedDeterministicAndUseDifferentSpeakers()
    {
        var (train, test) = PairedDigits.Load(trainPerDigit: 5, testPerDigit: 3, seed: 0);
        var (train2, _) = PairedDigits.Load(trainPerDigit: 5, testPerDigit: 3, seed: 0);
        var (train3, _) = PairedDigits.Load(trainPerDigit: 5, testPerDigit: 3, seed: 1);

        Assert.Equal(new long[] { 50, 1, 28, 28 }, train.Images.shape);
        Assert.Equal(new long[] { 30, 8000 }, test.Waveforms.shape);
        Assert.All(Enumerable.Range(0, 10), d => Assert.Equal(5, train.Labels.data<long>().Count(l => l == d)));
        Assert.NotEqual(train.Speaker, test.Speaker);
        Assert.True(Tensors.Same(train.Images, train2.Images) && Tensors.Same(train.Waveforms, train2.Waveforms));  // same seed, same pairs
        Assert.False(Tensors.Same(train.Waveforms, train3.Waveforms));                                            // another seed, other noise
        Assert.InRange(train.Images.min().item<float>(), 0f, 0f);
        Assert.InRange(train.Images.max().item<float>(), 0.9f, 1f);
    }

    [Fact]
    public void SensorFailuresHitAboutTheStatedShareAndNeverBoth()
    {
        var f = PairedDigits.Failures(3000, seed: 5);
        Assert.InRange(f.Count(x => x == 1) / 3000.0, PairedDigits.SensorFailure - 0.04, PairedDigits.SensorFailure + 0.04);
        Assert.InRange(f.Count(x => x == 2) / 3000.0, PairedDigits.SensorFailure - 0.04, PairedDigits.SensorFailure + 0.04);
        Assert.All(f, x => Assert.InRange(x, 0, 2));
    }

    [Fact]
    public void BlockedCameraHidesMoreOfTheDigit()
    {
        var images = torch.ones(2, 1, 28, 28);
        var occluded = PairedDigits.Occlude(images, [PairedDigits.OcclusionSide, PairedDigits.BlockedSide], seed: 0);
        Assert.Equal(28 * 28 - PairedDigits.OcclusionSide * PairedDigits.OcclusionSide, occluded[0].sum().item<float>());
        Assert.Equal(28 * 28 - PairedDigits.BlockedSide * PairedDigits.BlockedSide, occluded[1].sum().item<float>());
    }

    [Fact]
    public void TooManyPairsIsAClearError()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => PairedDigits.Load(301, 10));
        Assert.Contains("got 301 and 10", e.Message);
    }
}

using Tutorials.Audio;

namespace Tutorials.Tests.Audio;

public class AugmentTests
{
    static Tensor Tone(int batch) =>
        torch.sin(torch.arange(8000, dtype: ScalarType.Float32) * (2 * Math.PI * 440 / 8000)).unsqueeze(0).repeat(batch, 1) * 0.5;

    [Fact]
    public void WithEverythingSwitchedOffTheWaveformIsUnchanged()
    {
        var identity = new WaveformAugment(seed: 1) { MaxSpeedChange = 0, MaxShift = 0, MinGainDb = 0, MaxGainDb = 0, NoiseProbability = 0 };
        using var x = Tone(3);
        using var y = identity.Apply(x);
        Assert.True((y - x).abs().max().item<float>() < 1e-4, "resampling at speed 1, shift 0 must reproduce the input");
    }

    [Fact]
    public void ShiftMovesTheSignalInTime()
    {
        // A click at sample 4000; shift only: it must land somewhere within ±15 % of the clip, and be moved for some row.
        var shiftOnly = new WaveformAugment(seed: 2) { MaxSpeedChange = 0, MinGainDb = 0, MaxGainDb = 0, NoiseProbability = 0 };
        using var x = torch.zeros(8, 8000);
        x[.., 4000] = torch.tensor(1f);
        using var y = shiftOnly.Apply(x);
        var peaks = y.abs().argmax(1).data<long>().ToArray();
        Assert.All(peaks, p => Assert.InRange(p, 4000 - 1200, 4000 + 1200));
        Assert.Contains(peaks, p => Math.Abs(p - 4000) > 50);
    }

    [Fact]
    public void SameSeedSameAugmentation()
    {
        using var x = Tone(4);
        using var a = new WaveformAugment(7).Apply(x);
        using var b = new WaveformAugment(7).Apply(x);
        using var c = new WaveformAugment(8).Apply(x);
        Assert.Equal(0f, (a - b).abs().max().item<float>());
        Assert.True((a - c).abs().max().item<float>() > 1e-3);
    }

    [Fact]
    public void SpecAugmentMasksOneBandAndOneSpanWithTheClipMean()
    {
        using var spec = torch.rand(new long[] { 4, 40, 101 }, generator: new torch.Generator(3));
        using var masked = new SpecAugment(5) { MaxMelBands = 6, MaxFrames = 15 }.Apply(spec);
        using var changed = masked.ne(spec);
        // At most 6 bands × 101 frames + 40 bands × 15 frames per clip may change.
        Assert.True(changed.sum(new long[] { 1, 2 }).max().item<long>() <= 6 * 101 + 40 * 15);
        Assert.True(changed.any().item<bool>());
    }

    [Fact]
    public void AugmentRejectsWrongRank()
    {
        var e = Assert.Throws<ArgumentException>(() => new WaveformAugment(0).Apply(torch.zeros(8000)));
        Assert.Contains("[batch, samples]", e.Message);
    }
}

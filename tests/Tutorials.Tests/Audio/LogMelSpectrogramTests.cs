using System.Text.Json;
using Tutorials.Audio;
using Tutorials.Files;

namespace Tutorials.Tests.Audio;

public class LogMelSpectrogramTests
{
    [Fact]
    public void MatchesTheIndependentPythonReference()
    {
        // Fixture: scripts/audio/make_logmel_fixture.py, a naive DFT in plain Python (no torch, no FFT).
        var path = DataFiles.Find("tests/Tutorials.Tests/Audio/logmel-fixture.json", "python3 scripts/audio/make_logmel_fixture.py > tests/Tutorials.Tests/Audio/logmel-fixture.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        var signal = root.GetProperty("signal").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var expected = root.GetProperty("logmel").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();

        var logmel = new LogMelSpectrogram(8000, nFft: 256, hopLength: 80, nMels: 40, fMin: 20, fMax: 4000, eps: 1e-6);
        using var actual = logmel.forward(torch.tensor(signal).unsqueeze(0))[0];
        Assert.Equal(new long[] { 40, expected[0].Length }, actual.shape);
        var a = actual.data<float>().ToArray();
        double worst = 0;
        for (int m = 0; m < 40; m++)
            for (int t = 0; t < expected[m].Length; t++)
                worst = Math.Max(worst, Math.Abs(a[m * expected[m].Length + t] - expected[m][t]));
        Assert.True(worst < 1e-3, $"largest difference to the Python reference: {worst}");
    }

    [Theory]
    [InlineData(300)]
    [InlineData(1000)]
    [InlineData(2500)]
    public void APureToneLightsUpTheMelBandAroundItsFrequency(double hz)
    {
        var logmel = new LogMelSpectrogram();
        using var tone = torch.sin(torch.arange(8000, dtype: ScalarType.Float32) * (2 * Math.PI * hz / 8000)).unsqueeze(0);
        using var spec = logmel.forward(tone)[0].mean(new long[] { 1 }); // average over time, [40]
        int loudest = (int)spec.argmax().item<long>();

        // The band whose triangle peaks closest to the tone's frequency, computed from the mel formula by hand.
        double lo = MelFilterbank.HzToMel(20), hi = MelFilterbank.HzToMel(4000);
        int expected = Enumerable.Range(0, 40).MinBy(m => Math.Abs(MelFilterbank.MelToHz(lo + (hi - lo) * (m + 1) / 41) - hz));
        Assert.InRange(loudest, expected - 1, expected + 1);
    }

    [Fact]
    public void MelScaleHandValues()
    {
        Assert.Equal(999.99, MelFilterbank.HzToMel(1000), 2);  // 2595·log10(1 + 1000/700)
        Assert.Equal(2146.06, MelFilterbank.HzToMel(4000), 2);
        Assert.Equal(4000, MelFilterbank.MelToHz(MelFilterbank.HzToMel(4000)), 6);
    }

    [Fact]
    public void FilterbankTrianglesPeakAtOneAndOverlapToOne()
    {
        var fb = MelFilterbank.Build(129, 8000, 40, 20, 4000);
        for (int m = 0; m < 40; m++)
        {
            double peak = Enumerable.Range(0, 129).Max(k => fb[k, m]);
            Assert.InRange(peak, 0.3, 1.0); // every band catches at least one bin
        }
        // Between the first and last centre, neighbouring triangles sum to 1 at every bin.
        for (int k = 20; k < 120; k++)
            Assert.Equal(1.0, Enumerable.Range(0, 40).Sum(m => (double)fb[k, m]), 4);
    }

    [Fact]
    public void RejectsAWaveformWithoutBatchDimension()
    {
        var e = Assert.Throws<ArgumentException>(() => new LogMelSpectrogram().forward(torch.zeros(8000)));
        Assert.Contains("[batch, samples]", e.Message);
        Assert.Contains("unsqueeze(0)", e.Message);
    }
}

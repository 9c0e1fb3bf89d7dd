using Tutorials.Audio;
using Tutorials.Data;

namespace Tutorials.Tests.Audio;

public class SpokenDigitsTests
{
    [Fact]
    public void EverySpeakerSetHasTheTenDigits()
    {
        var data = SpokenDigits.Load();
        Assert.Equal(new[] { "en-allison", "es-allison", "fr-june", "ru-ivrvoice", "it-carlo", "it-menardi" }, data.Sets);
        foreach (var set in data.Sets)
        {
            var digits = data.Digits(set);
            Assert.Equal(Enumerable.Range(0, 10), digits.Select(d => d.Label));
            Assert.All(digits, d => Assert.InRange(d.Samples.Length, 800, SpokenDigits.ClipSamples));
            Assert.All(digits, d => Assert.True(d.Samples.Max(Math.Abs) > 0.05f, $"{d} is near-silent"));
        }
        Assert.True(data.Clips.Count > 700, "the pretraining needs the other words too");
    }

    [Fact]
    public void WaveformsAreCentredInOneSecond()
    {
        var clip = new SpokenClip("s", "xx", "x", "digits/1", 1, Enumerable.Repeat(0.5f, 2000).ToArray());
        using var w = SpokenDigits.Waveforms(new[] { clip });
        Assert.Equal(new long[] { 1, 8000 }, w.shape);
        Assert.Equal(0f, w[0, 2999].item<float>());
        Assert.Equal(0.5f, w[0, 3000].item<float>());
        Assert.Equal(0.5f, w[0, 4999].item<float>());
        Assert.Equal(0f, w[0, 5000].item<float>());
    }

    [Theory]
    [InlineData(0xFF, 0)]       // G.711 mu-law: 0xFF is +0
    [InlineData(0x7F, 0)]       // 0x7F is −0
    [InlineData(0x80, 32124)]   // largest positive
    [InlineData(0x00, -32124)]  // largest negative
    [InlineData(0xCE, 988)]
    public void MuLawDecodesTheStandardTable(int code, int expected) => Assert.Equal(expected, MuLaw.Decode((byte)code));

    [Fact]
    public void UnknownSetIsAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => SpokenDigits.Load().Digits("de-nobody"));
        Assert.Contains("Known sets", e.Message);
    }
}

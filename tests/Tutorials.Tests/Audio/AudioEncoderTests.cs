using Tutorials.Audio;
using Tutorials.Backbones;
using Tutorials.Freezing;

namespace Tutorials.Tests.Audio;

public class AudioEncoderTests
{
    [Fact]
    public void FeaturesHaveOneEmbeddingPerClip()
    {
        torch.manual_seed(0);
        var encoder = Freezer.Freeze(new AudioEncoder());
        using var batch = torch.randn(3, AudioEncoder.ClipSamples) * 0.1;
        using var features = encoder.Features(batch);
        Assert.Equal(new long[] { 3, encoder.EmbeddingSize }, features.shape);
        using var single = encoder.Features(batch[0]); // one clip without batch dimension
        Assert.Equal(new long[] { 1, 128 }, single.shape);
        using var spec = encoder.LogMelOf(batch);
        Assert.Equal(new long[] { 3, 40, 101 }, spec.shape);
    }

    [Fact]
    public void WrongLengthSaysWhatWasExpected()
    {
        var encoder = new AudioEncoder();
        var e = Assert.Throws<ArgumentException>(() => encoder.Features(torch.zeros(2, 4000)));
        Assert.Contains("[batch, 8000]", e.Message);
        Assert.Contains("got [2, 4000]", e.Message);
        Assert.Contains("PadCentered", e.Message);
    }

    [Fact]
    public void WrongRankSaysWhatWasExpected()
    {
        var encoder = new AudioEncoder();
        var e = Assert.Throws<ArgumentException>(() => encoder.Features(torch.zeros(2, 1, 8000)));
        Assert.Contains("got [2, 1, 8000]", e.Message);
        var f = Assert.Throws<ArgumentException>(() => encoder.FeaturesFromLogMel(torch.zeros(2, 64, 101)));
        Assert.Contains("[batch, 40, frames]", f.Message);
    }

    [Fact]
    public void SameSeedSameWeightsSameFeatures()
    {
        using var clip = torch.sin(torch.arange(8000, dtype: ScalarType.Float32) * 0.3f).unsqueeze(0);
        torch.manual_seed(42);
        using var a = Freezer.Freeze(new AudioEncoder()).Features(clip);
        torch.manual_seed(42);
        using var b = Freezer.Freeze(new AudioEncoder()).Features(clip);
        torch.manual_seed(43);
        using var c = Freezer.Freeze(new AudioEncoder()).Features(clip);
        Assert.Equal(0f, (a - b).abs().max().item<float>());
        Assert.True((a - c).abs().max().item<float>() > 1e-4);
    }

    [Fact]
    public void ParameterNamesFollowPyTorchConventionsAndFitTheBudget()
    {
        var encoder = new AudioEncoder();
        var names = encoder.state_dict().Keys.ToList();
        Assert.Contains("block1.conv.weight", names);
        Assert.Contains("block4.bn.running_var", names);
        Assert.Contains("embed.weight", names);
        Assert.DoesNotContain(names, n => n.Contains("mel_basis") || n.Contains("window")); // constants are not weights
        long bytes = encoder.parameters().Sum(p => p.numel()) * sizeof(float);
        Assert.True(bytes < 5_000_000, $"{bytes} bytes of weights; the budget is 5 MB");
    }

    [Fact]
    public void FreezeStopsGradientsAndBatchNormUpdates()
    {
        var encoder = Freezer.Freeze(new AudioEncoder());
        Assert.All(encoder.parameters(), p => Assert.False(p.requires_grad));
        var batchNorms = encoder.modules().Where(m => m is TorchSharp.Modules.BatchNorm1d or TorchSharp.Modules.BatchNorm2d).ToList();
        Assert.NotEmpty(batchNorms);
        Assert.All(batchNorms, m => Assert.False(m.training));   // Freezer's contract: frozen BatchNorm in eval
    }
}

using Tutorials.Fusion;

using Tutorials.Tests.Support;

namespace Tutorials.Tests.Fusion;

public class ConcatFusionHeadTests
{
    [Fact]
    public void OutputIsOneScorePerClassAndUsesBothInputs()
    {
        torch.manual_seed(0);
        var head = new ConcatFusionHead(imageFeatures: 6, audioFeatures: 4, classes: 3, hiddenSize: 8);
        head.eval();
        var image = torch.randn(5, 6);
        var audio = torch.randn(5, 4);
        var logits = head.call(image, audio);
        Assert.Equal(new long[] { 5, 3 }, logits.shape);
        // Changing either input changes the output: both really flow through the concatenation.
        Assert.False(Tensors.Same(logits, head.call(image + 1, audio)));
        Assert.False(Tensors.Same(logits, head.call(image, audio + 1)));
        // The first layer sees 6 + 4 inputs.
        Assert.Equal(new long[] { 8, 10 }, head.named_parameters().First(p => p.name == "head.hidden.weight").parameter.shape);
    }

    [Fact]
    public void MismatchedFeatureSizeNamesBothSizes()
    {
        var head = new ConcatFusionHead(imageFeatures: 512, audioFeatures: 128, classes: 10);
        var e = Assert.Throws<ArgumentException>(() => head.call(torch.zeros(2, 256), torch.zeros(2, 128)));
        Assert.Contains("[2, 256]", e.Message);
        Assert.Contains("declared with 512 image features", e.Message);
        var a = Assert.Throws<ArgumentException>(() => head.call(torch.zeros(2, 512), torch.zeros(2, 64)));
        Assert.Contains("declared with 128 audio features", a.Message);
    }

    [Fact]
    public void SingleModalityHeadTakesAnEmptyOtherInput()
    {
        var head = new ConcatFusionHead(imageFeatures: 6, audioFeatures: 0, classes: 3);
        Assert.Equal(new long[] { 2, 3 }, head.call(torch.zeros(2, 6), torch.zeros(2, 0)).shape);
    }

    [Fact]
    public void ModalityDropoutHidesOneInputPerDroppedRowOnlyWhileTraining()
    {
        torch.manual_seed(0);
        var head = new ConcatFusionHead(imageFeatures: 3, audioFeatures: 3, classes: 2, hiddenSize: 4, dropoutRate: 0, modalityDropout: 0.5);
        var image = torch.ones(2000, 3);
        var audio = torch.ones(2000, 3);
        head.eval();
        var evalOut = head.call(image, audio);
        Assert.True(Tensors.Same(evalOut, head.call(image, audio)));     // no randomness in eval mode
        head.train();
        var trainOut = head.call(image, audio);
        // Rows differ from the eval output only where an input was dropped: about half of them.
        var changed = (trainOut - evalOut).abs().sum(1).gt(1e-6).to_type(ScalarType.Float32).mean().item<float>();
        Assert.InRange(changed, 0.4f, 0.6f);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConcatFusionHead(3, 3, 2, modalityDropout: 1.0));
    }
}

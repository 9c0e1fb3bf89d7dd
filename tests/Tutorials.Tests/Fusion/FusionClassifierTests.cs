using Tutorials.Fusion;

using Tutorials.Tests.Support;

namespace Tutorials.Tests.Fusion;

public class FusionClassifierTests
{
    /// <summary>Features keyed by modality, as a fusion takes them.</summary>
    static Dictionary<string, Tensor> In(params (string Name, Tensor Value)[] features) =>
        features.ToDictionary(f => f.Name, f => f.Value);

    [Fact]
    public void ConcatenationJoinsAnyNumberOfInputsInOrder()
    {
        using var fusion = new ConcatFusion([new("a", 2), new("b", 1), new("c", 3)]);
        var joined = fusion.call(In(("c", torch.full(4, 3, 2f)), ("a", torch.ones(4, 2)), ("b", torch.zeros(4, 1))));
        Assert.Equal(new long[] { 4, 6 }, joined.shape);
        Assert.Equal(new float[] { 1, 1, 0, 2, 2, 2 }, joined[0].data<float>().ToArray());
        Assert.Equal(6, fusion.OutputSize);
        Assert.Empty(fusion.parameters());
    }

    [Fact]
    public void OneInputIsAnOrdinaryClassifier()
    {
        torch.manual_seed(0);
        using var imageOnly = new FusionClassifier([new("image", 6)], classes: 3, hiddenSize: 8);
        Assert.Equal(new long[] { 2, 3 }, imageOnly.call(In(("image", torch.zeros(2, 6)))).shape);
        Assert.Equal(new long[] { 8, 6 }, imageOnly.named_parameters().First(p => p.name == "head.hidden.weight").parameter.shape);
        var empty = Assert.Throws<ArgumentException>(() => new FusionClassifier([new("image", 6), new("audio", 0)], classes: 3));
        Assert.Contains("at least 1 feature", empty.Message);
    }

    [Fact]
    public void WrongInputsAreNamed()
    {
        using var fused = new FusionClassifier([new("image", 512), new("audio", 128)], classes: 10);
        var size = Assert.Throws<ArgumentException>(() => fused.call(In(("image", torch.zeros(2, 256)), ("audio", torch.zeros(2, 128)))));
        Assert.Contains("declared with 512 image features", size.Message);
        var missing = Assert.Throws<ArgumentException>(() => fused.call(In(("image", torch.zeros(2, 512)))));
        Assert.Contains("declared with the inputs image, audio, got image (missing: audio)", missing.Message);
        var unknown = Assert.Throws<ArgumentException>(() =>
            fused.call(In(("image", torch.zeros(2, 512)), ("audio", torch.zeros(2, 128)), ("depth", torch.zeros(2, 1)))));
        Assert.Contains("(not declared: depth)", unknown.Message);
    }

    [Fact]
    public void TwoInputsBothFlowIntoTheScores()
    {
        torch.manual_seed(0);
        using var head = new FusionClassifier([new("image", 6), new("audio", 4)], classes: 3, hiddenSize: 8);
        head.eval();
        var image = torch.randn(5, 6);
        var audio = torch.randn(5, 4);
        var logits = head.call(In(("image", image), ("audio", audio)));
        Assert.Equal(new long[] { 5, 3 }, logits.shape);
        // Changing either input changes the output: both really flow through the concatenation.
        Assert.False(Tensors.Same(logits, head.call(In(("image", image + 1), ("audio", audio)))));
        Assert.False(Tensors.Same(logits, head.call(In(("image", image), ("audio", audio + 1)))));
        Assert.Equal(new long[] { 8, 10 }, head.named_parameters().First(p => p.name == "head.hidden.weight").parameter.shape); // sees 6 + 4
    }

    [Fact]
    public void ModalityDropoutHidesOneInputPerDroppedRowOnlyWhileTraining()
    {
        torch.manual_seed(0);
        using var head = new FusionClassifier([new("image", 3), new("audio", 3)], classes: 2, hiddenSize: 4, dropoutRate: 0, modalityDropout: 0.5);
        var image = torch.ones(2000, 3);
        var audio = torch.ones(2000, 3);
        head.eval();
        var evalOut = head.call(In(("image", image), ("audio", audio)));
        Assert.True(Tensors.Same(evalOut, head.call(In(("image", image), ("audio", audio)))));     // no randomness in eval mode
        head.train();
        var trainOut = head.call(In(("image", image), ("audio", audio)));
        // Rows differ from the eval output only where an input was dropped: about half of them.
        var changed = (trainOut - evalOut).abs().sum(1).gt(1e-6).to_type(ScalarType.Float32).mean().item<float>();
        Assert.InRange(changed, 0.4f, 0.6f);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FusionClassifier([new("image", 3), new("audio", 3)], 2, modalityDropout: 1.0));
    }

    [Fact]
    public void ModalityDropoutOverThreeInputsDropsAtMostOnePerRow()
    {
        torch.manual_seed(0);
        using var fusion = new ConcatFusion([new("a", 1), new("b", 1), new("c", 1)], modalityDropout: 0.6);
        fusion.train();
        var joined = fusion.call(In(("a", torch.ones(3000, 1)), ("b", torch.ones(3000, 1)), ("c", torch.ones(3000, 1))));
        var zeros = joined.eq(0).sum(1);
        Assert.Equal(0, zeros.gt(1).sum().item<long>());                                      // never two inputs of a row
        Assert.InRange(zeros.to_type(ScalarType.Float32).mean().item<float>(), 0.55f, 0.65f);  // a row loses one with p = 0.6
        for (int i = 0; i < 3; i++)                                                            // each input equally often
            Assert.InRange(joined[.., i].eq(0).to_type(ScalarType.Float32).mean().item<float>(), 0.17f, 0.23f);
        fusion.eval();
        Assert.Equal(0, fusion.call(In(("a", torch.ones(10, 1)), ("b", torch.ones(10, 1)), ("c", torch.ones(10, 1)))).eq(0).sum().item<long>());
    }
}

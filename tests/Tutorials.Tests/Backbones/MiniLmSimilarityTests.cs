using Xunit.Abstractions;

namespace Tutorials.Tests.Backbones;

/// <summary>Evidence that the weights are pretrained: paraphrases land closer together than unrelated sentences.</summary>
[Collection("MiniLM")]
public class MiniLmSimilarityTests(MiniLmFixture fixture, ITestOutputHelper output)
{
    static readonly (string A, string B)[] Paraphrases =
    [
        ("A man is playing a guitar.", "Someone is playing an acoustic guitar."),
        ("The cat sleeps on the sofa.", "A kitten is napping on the couch."),
        ("How do I reset my password?", "I forgot my password and need to change it."),
        ("The weather is sunny and warm today.", "It is a hot, bright day outside."),
        ("The company reported record profits this quarter.", "The firm's quarterly earnings were the highest ever."),
    ];

    [Fact]
    public void ParaphrasesScoreHigherThanUnrelatedPairs()
    {
        using var scope = torch.NewDisposeScope();
        var a = fixture.Model.Encode(Paraphrases.Select(p => p.A).ToList());
        var b = fixture.Model.Encode(Paraphrases.Select(p => p.B).ToList());
        Assert.False(a.requires_grad);                              // frozen use builds no autograd graph
        var cos = a.matmul(b.t());                                  // unit vectors: dot product = cosine
        int n = Paraphrases.Length;
        var same = Enumerable.Range(0, n).Select(i => cos[i, i].item<float>()).ToArray();
        var cross = (from i in Enumerable.Range(0, n) from j in Enumerable.Range(0, n) where i != j select cos[i, j].item<float>()).ToArray();
        output.WriteLine($"paraphrase cosines: {string.Join(", ", same.Select(x => x.ToString("F3")))}");
        output.WriteLine($"unrelated cosines: min {cross.Min():F3}, mean {cross.Average():F3}, max {cross.Max():F3}");

        // Each paraphrase beats every unrelated pairing in its row and column (a retrieval test) ...
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (i != j)
                {
                    Assert.True(same[i] > cos[i, j].item<float>(), $"pair {i} ({same[i]:F3}) vs A{i}-B{j} ({cos[i, j].item<float>():F3})");
                    Assert.True(same[i] > cos[j, i].item<float>(), $"pair {i} ({same[i]:F3}) vs A{j}-B{i} ({cos[j, i].item<float>():F3})");
                }
        // ... with a clear margin. Random weights give cosines near each other for all pairs.
        Assert.True(same.Min() > 0.5, $"weakest paraphrase cosine {same.Min():F3}, expected > 0.5");
        Assert.True(cross.Max() < 0.3, $"strongest unrelated cosine {cross.Max():F3}, expected < 0.3");
    }

    [Fact]
    public void EmbeddingsAreUnitLengthAndIndependentOfBatchPadding()
    {
        using var scope = torch.NewDisposeScope();
        var text = "A man is playing a guitar.";
        var alone = fixture.Model.Encode([text]);
        var padded = fixture.Model.Encode([text, "A much longer sentence forces the first one to be padded with many tokens."]);
        Assert.Equal(new long[] { 1, 384 }, alone.shape);
        Assert.Equal(1.0, alone.norm().item<float>(), 5);
        double diff = (alone[0] - padded[0]).abs().max().item<float>();
        Assert.True(diff < 1e-5, $"padding changed the embedding by {diff:E2}; the attention mask or the pooling leaks padding");
    }
}

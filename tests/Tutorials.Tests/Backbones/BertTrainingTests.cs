using Tutorials.Backbones;
using Tutorials.Pretrained;
using Tutorials.Text;
using Xunit.Abstractions;
using Tutorials.Freezing;

namespace Tutorials.Tests.Backbones;

/// <summary>
/// The encoder must be trainable (the contrastive notebook fine-tunes it) and freezable (feature extraction).
/// </summary>
[Trait("Category", "Slow")]
public class BertTrainingTests(ITestOutputHelper output)
{
    static readonly string[] Anchors = ["A man is playing a guitar.", "The cat sleeps on the sofa.", "How do I reset my password?", "It is raining."];
    static readonly string[] Positives = ["Someone plays the guitar.", "A kitten naps on the couch.", "I forgot my password.", "The weather is wet."];

    /// <summary>
    /// In-batch contrastive loss (InfoNCE, scale 20 as sentence-transformers' MultipleNegativesRankingLoss):
    /// anchor i should be most similar to positive target[i] among all positives in the batch.
    /// </summary>
    static Tensor ContrastiveLoss(SentenceEmbedder model, TokenBatch anchors, TokenBatch positives, Tensor target)
    {
        var logits = model.call(anchors).matmul(model.call(positives).t()) * 20;
        return nn.functional.cross_entropy(logits, target);
    }

    [Fact]
    public void MiniLmParametersAllGetGradientsAndAFewStepsLowerTheLoss()
    {
        torch.manual_seed(0);
        using var model = MiniLm.Load();                    // its own instance: training changes the weights
        using var anchors = model.Tokenizer.EncodeBatch(Anchors);
        using var positives = model.Tokenizer.EncodeBatch(Positives);
        // The pretrained model already matches the true pairs (loss ≈ 0, nothing to learn), so the test asks
        // for a new pairing, anchor i ↔ positive i+1: the loss starts high and must fall.
        using var target = torch.tensor(new long[] { 1, 2, 3, 0 });

        model.train();                                       // dropout on, as in fine-tuning
        using (var scope = torch.NewDisposeScope())
        {
            ContrastiveLoss(model, anchors, positives, target).backward();
            var named = model.named_parameters().ToList();
            Assert.Equal(101, named.Count);
            foreach (var (name, p) in named)
            {
                Assert.True(p.grad is not null, $"{name} got no gradient");
                Assert.True(p.grad!.abs().sum().item<float>() > 0, $"{name} got an all-zero gradient");
            }
        }

        // Deterministic check that the gradients point somewhere useful: eval mode (no dropout), Adam.
        model.eval();
        var optimizer = torch.optim.Adam(model.parameters(), lr: 5e-5);
        var losses = new List<float>();
        for (int step = 0; step < 4; step++)
        {
            using var scope = torch.NewDisposeScope();
            optimizer.zero_grad();
            var loss = ContrastiveLoss(model, anchors, positives, target);
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
        }
        output.WriteLine($"loss for the new pairing: {string.Join(" → ", losses.Select(l => l.ToString("F3")))}");
        Assert.True(losses[^1] < 0.8 * losses[0], $"loss did not fall by 20 %: {string.Join(" → ", losses.Select(l => l.ToString("F3")))}");
    }

    [Fact]
    public void FrozenEncoderGetsNoGradientsButAHeadOnTopDoes()
    {
        torch.manual_seed(0);
        using var model = Freezer.Freeze(new SentenceEmbedder(new BertEncoder(BertConfig.Tiny), MiniLm.LoadTokenizer()));
        var head = nn.Linear(BertConfig.Tiny.HiddenSize, 2);
        using var scope = torch.NewDisposeScope();
        // The tiny config has a 100-token vocabulary: use ids below 100.
        using var batch = new TokenBatch(torch.tensor(new long[] { 2, 5, 7, 3, 2, 9, 3, 0 }, [2, 4]),
            torch.tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 0 }, [2, 4]), torch.zeros([2, 4], ScalarType.Int64));
        var loss = nn.functional.cross_entropy(head.call(model.call(batch)), torch.tensor(new long[] { 0, 1 }));
        loss.backward();
        Assert.All(model.parameters(), p => Assert.Null(p.grad));
        Assert.All(head.parameters(), p => Assert.NotNull(p.grad));

        Freezer.Unfreeze(model);
        Assert.All(model.parameters(), p => Assert.True(p.requires_grad));
    }

    [Fact]
    public void PaddingDoesNotChangeTheRealTokensOutputs()
    {
        torch.manual_seed(0);
        using var encoder = new BertEncoder(BertConfig.Tiny);
        encoder.eval();
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var ids = torch.tensor(new long[] { 2, 11, 12, 13, 3 }, [1, 5]);
        var alone = encoder.call(ids, torch.ones_like(ids), torch.zeros_like(ids));
        var paddedIds = torch.cat([ids, torch.zeros([1, 3], ScalarType.Int64)], 1);
        var mask = torch.tensor(new long[] { 1, 1, 1, 1, 1, 0, 0, 0 }, [1, 8]);
        var padded = encoder.call(paddedIds, mask, torch.zeros_like(paddedIds));
        double diff = (padded[.., ..5] - alone).abs().max().item<float>();
        Assert.True(diff < 1e-6, $"padding changed the real tokens' outputs by {diff:E2}: the attention mask leaks");
    }

    [Fact]
    public void BadShapesGiveClearErrors()
    {
        using var encoder = new BertEncoder(BertConfig.Tiny);
        var tooLong = torch.zeros([1, BertConfig.Tiny.MaxPositions + 1], ScalarType.Int64);
        var e = Assert.Throws<ArgumentException>(() => encoder.call(tooLong, torch.ones_like(tooLong), torch.zeros_like(tooLong)));
        Assert.Contains("exceeds the 64 positions", e.Message);
        Assert.Throws<ArgumentException>(() => new BertEncoder(BertConfig.Tiny with { NumHeads = 5 }));
    }
}

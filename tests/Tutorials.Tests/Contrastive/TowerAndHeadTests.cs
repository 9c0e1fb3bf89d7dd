using Tutorials.Backbones;
using Tutorials.Contrastive;
using Tutorials.Text;

namespace Tutorials.Tests.Contrastive;

/// <summary>Shapes and freezing of the projection heads and the two towers (tiny networks, random weights).</summary>
public class TowerAndHeadTests
{
    [Fact]
    public void ProjectionHeadsMapFeaturesIntoTheSharedSpace()
    {
        torch.manual_seed(0);
        var x = torch.randn(5, 12);
        Assert.Equal(new long[] { 5, 7 }, new LinearProjection(12, 7).call(x).shape);
        var mlp = new MlpProjection(12, 7);
        mlp.eval();
        Assert.Equal(new long[] { 5, 7 }, mlp.call(x).shape);
        // Linear + Linear + LayerNorm: 12·7+7 + 7·7+7 + 7+7 parameters.
        Assert.Equal(12 * 7 + 7 + 7 * 7 + 7 + 14, mlp.parameters().Sum(p => p.numel()));
        var ex = Assert.Throws<ArgumentException>(() => mlp.call(torch.randn(5, 11)));
        Assert.Contains("(N, 12)", ex.Message);
    }

    [Fact]
    public void ImageTowerTrainsLayer4ConvolutionsAndItsHeadOnCachedLayer3Maps()
    {
        torch.manual_seed(0);
        var backbone = new ResNetBackbone(baseWidth: 8, blocksPerStage: [1, 1, 1, 1]);
        var tower = new ImageTower(backbone, new LinearProjection(backbone.FeatureSize, 6));
        var maps = backbone.FeatureMapAt(torch.randn(3, 3, 64, 64), "layer3");
        var z = tower.call(maps);
        Assert.Equal(new long[] { 3, 6 }, z.shape);
        Assert.All(z.norm(1).data<float>().ToArray(), n => Assert.Equal(1f, n, 4));
        var trainable = tower.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).ToList();
        Assert.All(trainable, n => Assert.True(n.StartsWith("backbone.layer4.") || n.StartsWith("head."), n));
        Assert.DoesNotContain(trainable, n => n.Contains(".bn") || n.Contains("downsample.1"));
        Assert.Contains("backbone.layer4.0.conv1.weight", trainable);
    }

    [Fact]
    public void TextTowerRunsItsTopLayersOnCachedStatesAndMatchesTheWholeEncoder()
    {
        torch.manual_seed(0);
        var bert = new BertEncoder(BertConfig.Tiny);
        bert.eval();
        var tokenizer = FakeTokenizer();
        var texts = new[] { "a b c", "a", "c c b a" };
        var tower = new TextTower(bert, new LinearProjection(32, 5), trainableLayers: 1);
        tower.eval();
        var cached = TextTower.CacheBelow(bert, tokenizer, texts, tower.FirstTrainableLayer, padTo: 8);
        Assert.Equal(new long[] { 3, 8, 32 }, cached.Hidden.shape);
        var z = tower.call(cached.Hidden, cached.Mask);
        Assert.Equal(new long[] { 3, 5 }, z.shape);

        // The cached route equals running the whole encoder on the tokens.
        using var batch = tokenizer.EncodeBatch(texts, padTo: 8);
        var full = nn.functional.normalize(SentenceEmbedder.MeanPool(bert.call(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds), batch.AttentionMask), dim: 1);
        var head = (nn.Module<Tensor, Tensor>)tower.Head;
        var expected = nn.functional.normalize(head.call(full), dim: 1);
        Assert.True((z - expected).abs().max().item<float>() < 1e-5f);

        var trainable = bert.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).ToList();
        Assert.NotEmpty(trainable);
        Assert.All(trainable, n => Assert.StartsWith("encoder.layer.1.", n));
    }

    static BertTextTokenizer FakeTokenizer()
    {
        var vocab = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\na\nb\nc\n";
        return new BertTextTokenizer(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(vocab)));
    }
}

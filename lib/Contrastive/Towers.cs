using TorchSharp;
using TorchSharp.Modules;
using Tutorials.Backbones;
using Tutorials.Inference;
using Tutorials.Text;
using Tutorials.Training;
using static TorchSharp.torch;

namespace Tutorials.Contrastive;

/// <summary>
/// The image tower: a pretrained <see cref="ResNetBackbone"/> whose last stage (<c>layer4</c>) is fine-tuned,
/// followed by a projection head into the shared space; output rows are L2-normalised.
/// <para>
/// Why it starts from layer3's output: everything up to layer3 is frozen, so its output for an image never
/// changes. Computing it once (<see cref="CacheStage"/>) and training on the cached maps gives exactly the
/// gradients of the full network for layer4 and the head, at a fraction of the cost per step. Full fine-tuning
/// (every stage) is the same code with nothing frozen and no cache — a GPU exercise.
/// </para>
/// </summary>
public sealed class ImageTower : nn.Module<Tensor, Tensor>
{
    readonly ResNetBackbone backbone;
    readonly nn.Module<Tensor, Tensor> head;

    /// <summary>The stage whose output the tower takes as input (everything up to it is frozen and cached).</summary>
    public const string CachedStage = "layer3";

    /// <param name="backbone">The pretrained ResNet; everything but layer4 is frozen here.</param>
    /// <param name="head">Projection into the shared space (input: the 512-d pooled feature).</param>
    /// <param name="freezeBatchNorm">Also keep layer4's BatchNorm layers fixed (scale, shift and running statistics):
    /// with small batches of 2×2 feature maps their statistics would be noisy; the convolutions still learn.</param>
    public ImageTower(ResNetBackbone backbone, nn.Module<Tensor, Tensor> head, bool freezeBatchNorm = true) : base(nameof(ImageTower))
    {
        this.backbone = backbone;
        this.head = head;
        RegisterComponents();
        Freezing.FreezeAllExcept(backbone, "layer4");
        if (freezeBatchNorm)
            foreach (var (_, m) in backbone.named_modules())
                if (m is BatchNorm2d bn) foreach (var p in bn.parameters()) p.requires_grad = false;
    }

    public ResNetBackbone Backbone => backbone;
    public nn.Module<Tensor, Tensor> Head => head;

    /// <summary>Cached layer3 maps (N, 256, h, w) → unit-length embeddings (N, D).</summary>
    public override Tensor forward(Tensor layer3Maps)
    {
        using var scope = torch.NewDisposeScope();
        var pooled = backbone.PooledFeaturesFrom(CachedStage, layer3Maps);
        return nn.functional.normalize(head.call(pooled), p: 2, dim: 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Runs the frozen part once: gray byte images (N, 28, 28) → [0, 1] → resized to <paramref name="side"/> px
    /// (bilinear) → <paramref name="preprocess"/> → stem … <paramref name="stage"/>. Eval mode, no autograd,
    /// <paramref name="chunk"/> images at a time. The result stays on <paramref name="device"/> (default: where the backbone is).
    /// </summary>
    public static Tensor CacheStage(ResNetBackbone backbone, ResNetPreprocess preprocess, Tensor images, int side = 64,
        string stage = CachedStage, int chunk = 100, Device? device = null)
    {
        if (images.dim() != 3)
            throw new ArgumentException($"Expected gray images (N, H, W) as bytes, got ({string.Join(", ", images.shape)}).");
        var on = backbone.parameters().First().device;
        return EvalPass.Collect(images.shape[0], chunk, (start, count) =>
        {
            var x = images.narrow(0, start, count).to(on).to_type(ScalarType.Float32).div(255f).unsqueeze(1);
            x = nn.functional.interpolate(x, [side, side], mode: InterpolationMode.Bilinear, align_corners: false).clamp(0, 1);
            return backbone.FeatureMapAt(preprocess.Apply(x), stage);
        }, [backbone], resultDevice: device ?? on);
    }
}

/// <summary>Token states below the trainable layers, and the attention mask that goes with them.</summary>
public sealed record CachedText(Tensor Hidden, Tensor Mask) : IDisposable
{
    public long Count => Hidden.shape[0];
    public void Dispose() { Hidden.Dispose(); Mask.Dispose(); }
}

/// <summary>
/// The text tower: the pretrained MiniLM (<see cref="BertEncoder"/>) whose top <c>trainableLayers</c> transformer
/// layers are fine-tuned, mean pooling over real tokens, L2 normalisation (the sentence-transformers recipe),
/// a projection head, and a final L2 normalisation.
/// <para>
/// As with the image tower, the frozen part (embeddings and the lower layers) is run once per caption
/// (<see cref="CacheBelow"/>); training runs only the top layers on the cached token states.
/// </para>
/// </summary>
public sealed class TextTower : nn.Module<Tensor, Tensor, Tensor>
{
    readonly BertEncoder bert;
    readonly nn.Module<Tensor, Tensor> head;
    readonly List<nn.Module<Tensor, Tensor, Tensor>> topLayers;

    /// <param name="bert">The pretrained MiniLM encoder.</param>
    /// <param name="head">Projection into the shared space (input: the 384-d sentence embedding).</param>
    /// <param name="trainableLayers">Top layers to fine-tune. 0 = a <b>locked</b> text tower: with an identity
    /// head (<see cref="Locked"/>) its outputs are exactly the pretrained sentence embeddings.</param>
    public TextTower(BertEncoder bert, nn.Module<Tensor, Tensor> head, int trainableLayers = 1) : base(nameof(TextTower))
    {
        int n = bert.Config.NumLayers;
        if (trainableLayers < 0 || trainableLayers > n)
            throw new ArgumentOutOfRangeException(nameof(trainableLayers), $"Expected 0..{n} trainable layers, got {trainableLayers}.");
        this.bert = bert;
        this.head = head;
        FirstTrainableLayer = n - trainableLayers;
        RegisterComponents();
        topLayers = Enumerable.Range(FirstTrainableLayer, trainableLayers).Select(i => Layer(bert, i)).ToList();
        if (trainableLayers == 0) foreach (var p in bert.parameters()) p.requires_grad = false;
        else Freezing.FreezeAllExcept(bert, topLayers.Select((_, k) => $"encoder.layer.{FirstTrainableLayer + k}").ToArray());
    }

    /// <summary>
    /// A locked text tower: nothing trainable, no projection — text embeddings are MiniLM's pretrained sentence
    /// embeddings (384-d). Why: words that no training caption uses ("sandal") keep their pretrained place
    /// relative to the words that training does use ("sneaker"), so the image side is trained <i>into</i> a space
    /// where unseen class names already mean something ("locked-image tuning" of Zhai et al., 2022, with the
    /// roles of the towers swapped).
    /// </summary>
    public static TextTower Locked(BertEncoder bert) => new(bert, nn.Identity(), trainableLayers: 0);

    /// <summary>Index of the first fine-tuned layer; layers below it are frozen and cached.</summary>
    public int FirstTrainableLayer { get; }
    public BertEncoder Bert => bert;
    public nn.Module<Tensor, Tensor> Head => head;

    /// <summary>Cached token states (N, T, 384) and mask (N, T) → unit-length embeddings (N, D).</summary>
    public override Tensor forward(Tensor hiddenBelow, Tensor mask)
    {
        using var scope = torch.NewDisposeScope();
        var x = hiddenBelow;
        var additive = AdditiveMask(mask, x.dtype);
        foreach (var layer in topLayers) x = layer.call(x, additive);
        var sentence = nn.functional.normalize(SentenceEmbedder.MeanPool(x, mask), p: 2, dim: 1);
        return nn.functional.normalize(head.call(sentence), p: 2, dim: 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Runs the frozen part once: tokenise (every row padded to <paramref name="padTo"/> or the longest text),
    /// embeddings, layers 0 … <paramref name="firstTrainableLayer"/> − 1. Eval mode, no autograd.
    /// </summary>
    public static CachedText CacheBelow(BertEncoder bert, BertTextTokenizer tokenizer, IReadOnlyList<string> texts,
        int firstTrainableLayer, int? padTo = null, int chunk = 128, Device? device = null)
    {
        var on = bert.parameters().First().device;
        int width = padTo ?? texts.Max(t => tokenizer.Encode(t).Length);
        var embeddings = (nn.Module<Tensor, Tensor, Tensor>)bert.named_modules().First(m => m.name == "embeddings").module;
        var lower = Enumerable.Range(0, firstTrainableLayer).Select(i => Layer(bert, i)).ToList();
        // The mask needs no model: tokenise everything once (every row padded to the same width).
        var all = tokenizer.EncodeBatch(texts, on, padTo: width);
        if (all.Length != width)
            throw new ArgumentException($"A text is longer ({all.Length} tokens) than padTo = {width}; pass a larger padTo.");
        var hidden = EvalPass.Collect(texts.Count, chunk, (start, count) =>
        {
            var ids = all.InputIds.narrow(0, start, count);
            var mask = all.AttentionMask.narrow(0, start, count);
            var x = embeddings.call(ids, all.TokenTypeIds.narrow(0, start, count));
            var additive = AdditiveMask(mask, x.dtype);
            foreach (var layer in lower) x = layer.call(x, additive);
            return x;
        }, [bert], resultDevice: device ?? on);
        var masks = all.AttentionMask.to(device ?? on).clone();
        all.Dispose();
        return new CachedText(hidden, masks);
    }

    /// <summary>[batch, seq] 1/0 mask → [batch, 1, 1, seq] additive mask, as <see cref="BertEncoder"/> builds it.</summary>
    static Tensor AdditiveMask(Tensor mask, ScalarType dtype) =>
        (1 - mask.to(dtype)).view(mask.shape[0], 1, 1, mask.shape[1]) * torch.finfo(dtype).min;

    static nn.Module<Tensor, Tensor, Tensor> Layer(BertEncoder bert, int index) =>
        (nn.Module<Tensor, Tensor, Tensor>)bert.named_modules().First(m => m.name == $"encoder.layer.{index}").module;
}

/// <summary>
/// Both towers and CLIP's learnable logit scale in one module, so that the trainer saves, restores and switches
/// them to train/eval mode together.
/// </summary>
public sealed class ContrastiveModel : nn.Module
{
    readonly ImageTower image;
    readonly TextTower text;
    readonly Parameter logit_scale;

    public ContrastiveModel(ImageTower image, TextTower text) : base(nameof(ContrastiveModel))
    {
        this.image = image;
        this.text = text;
        logit_scale = new Parameter(torch.tensor((float)ContrastiveLosses.InitialLogitScale));
        RegisterComponents();
    }

    public ImageTower Image => image;
    public TextTower Text => text;
    /// <summary>ln(1/temperature), learned (used by InfoNCE only).</summary>
    public Parameter LogitScale => logit_scale;

    /// <summary>The fine-tuned encoder parameters (ResNet layer4, the top BERT layers).</summary>
    public List<Parameter> EncoderParameters() =>
        image.Backbone.parameters().Concat(text.Bert.parameters()).Where(p => p.requires_grad).ToList();

    /// <summary>The new parameters: both projection heads.</summary>
    public List<Parameter> HeadParameters() => image.Head.parameters().Concat(text.Head.parameters()).ToList();

    /// <summary>
    /// Unit-length embeddings of a whole cached set, <paramref name="chunk"/> rows at a time, in eval mode without
    /// autograd (the module's mode is restored). Returned on the CPU.
    /// </summary>
    public (Tensor Images, Tensor Texts) EmbedAll(Tensor imageMaps, CachedText texts, int chunk = 128)
    {
        var device = logit_scale.device;
        var img = EvalPass.Collect(imageMaps.shape[0], chunk, (s, n) => image.call(imageMaps.narrow(0, s, n).to(device)), [this]);
        var txt = EvalPass.Collect(texts.Count, chunk, (s, n) => text.call(texts.Hidden.narrow(0, s, n).to(device), texts.Mask.narrow(0, s, n).to(device)), [this]);
        return (img, txt);
    }
}

using TorchSharp;
using TorchSharp.Modules;
using Tutorials.Backbones;
using Tutorials.Training;
using static TorchSharp.torch;
using Tutorials.Evaluation;
using Tutorials.Freezing;

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
        Freezer.FreezeAllExcept(backbone, "layer4");
        if (freezeBatchNorm) Freezer.FreezeBatchNorm(backbone);
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

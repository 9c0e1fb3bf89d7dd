using TorchSharp;
using TorchSharp.Modules;
using Tutorials.Backbones;
using Tutorials.Segmentation;
using static TorchSharp.torch;

namespace Tutorials.Fusion;

/// <summary>
/// Model A (pretrained RGB segmentation) with a new input branch: model B (<see cref="DepthBranch"/>) reads the
/// depth map, and a <see cref="FusionBridge"/> merges B's features into A's feature map at <see cref="Stage"/>;
/// A's later stages and decoder then continue as usual. Parameter names: <c>rgb.backbone.*</c>, <c>rgb.decoder.*</c>,
/// <c>depth.*</c>, <c>bridge.*</c>.
/// </summary>
public sealed class RgbdSegmenter : nn.Module<Tensor, Tensor, Tensor>
{
    readonly ResNetSegmenter rgb;
    readonly DepthBranch depth;
    readonly FusionBridge bridge;

    /// <summary>The stage whose output receives the depth features ("stem", "layer1", …, "layer4").</summary>
    public string Stage { get; }

    public RgbdSegmenter(ResNetSegmenter rgb, string stage, FusionMode mode = FusionMode.Residual, int depthWidth = 16, string name = "RgbdSegmenter")
        : base(name)
    {
        Stage = stage;
        this.rgb = rgb;
        depth = new DepthBranch(rgb.Backbone.StrideOf(stage), depthWidth);
        bridge = new FusionBridge(rgb.Backbone.ChannelsOf(stage), depth.OutChannels, mode);
        RegisterComponents();
    }

    public ResNetSegmenter Rgb => rgb;
    public DepthBranch Depth => depth;
    public FusionBridge Bridge => bridge;

    /// <summary>Preprocessed images (N, 3, H, W) and depth maps (N, 1, H, W) → class scores (N, classes, H, W).</summary>
    public override Tensor forward(Tensor images, Tensor depthMaps)
    {
        var maps = rgb.FeatureMapsUpTo(images, Stage);                       // A, up to the fusion stage
        maps[Stage] = bridge.forward(maps[Stage], depth.forward(depthMaps)); // B's features fused into A's map
        return rgb.ClassScoresFrom(Stage, maps);                               // A's later stages and decoder
    }

    /// <summary>
    /// <see cref="forward"/>, starting from cached maps of A's frozen stages up to <paramref name="frozenUpTo"/>
    /// (<see cref="FrozenStageMaps"/>) instead of the images. The fusion stage must not come before
    /// <paramref name="frozenUpTo"/>: the stages after it would then see fused features, which no cache holds.
    /// </summary>
    public Tensor ScoresFrom(IReadOnlyDictionary<string, Tensor> frozenMaps, string frozenUpTo, Tensor depthMaps)
    {
        var maps = rgb.FeatureMapsFrom(frozenMaps, frozenUpTo, Stage);        // A, from the cache to the fusion stage
        maps[Stage] = bridge.forward(maps[Stage], depth.forward(depthMaps));  // B's features fused into A's map
        return rgb.ClassScoresFrom(Stage, maps);                               // A's later stages and decoder
    }
}

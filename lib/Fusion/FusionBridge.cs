using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Tutorials.Environment;

namespace Tutorials.Fusion;

/// <summary>How the bridge combines the two feature maps.</summary>
public enum FusionMode
{
    /// <summary>out = conv(concat(a, b)): the fused map replaces A's features.</summary>
    Concat,
    /// <summary>out = a + conv(concat(a, b)), the last conv starting at zero: A's pipeline is untouched at step 0.</summary>
    Residual,
    /// <summary>out = a + gate ⊙ conv(concat(a, b)), with a learned per-pixel, per-channel gate in (0, 1).</summary>
    Gated,
}

/// <summary>
/// The bridge network: takes model A's feature map at the fusion stage (N, Ca, h, w) and model B's features
/// (N, Cb, h', w'), brings B's map to A's size, fuses the two and returns a map shaped like A's, (N, Ca, h, w),
/// which A's remaining stages accept as if nothing had happened.
/// <para>
/// Why "shaped like A's": the later pretrained stages expect exactly Ca channels at that resolution. Why start as
/// the identity (Residual/Gated, zero-initialised output conv): at step 0 the combined model then computes exactly
/// what the pretrained RGB model computes, and the depth information is added only as fast as it helps; a bridge
/// that starts random would first scramble the features the later stages were trained on.
/// </para>
/// </summary>
public sealed class FusionBridge : nn.Module<Tensor, Tensor, Tensor>
{
    readonly Sequential mix;     // concat → 3×3 conv → batch norm → ReLU: the fusion itself
    readonly Conv2d output;      // 1×1 conv back to A's channels (zero-initialised for Residual/Gated)
    readonly Conv2d? gate;       // Gated only: 1×1 conv → sigmoid

    public int RgbChannels { get; }
    public int DepthChannels { get; }
    public FusionMode Mode { get; }

    public FusionBridge(int rgbChannels, int depthChannels, FusionMode mode = FusionMode.Residual, int? hiddenChannels = null, string name = "bridge")
        : base(name)
    {
        if (rgbChannels < 1 || depthChannels < 1)
            throw new ArgumentException($"Expected positive channel counts, got rgbChannels {rgbChannels} and depthChannels {depthChannels}.");
        RgbChannels = rgbChannels;
        DepthChannels = depthChannels;
        Mode = mode;
        int hidden = hiddenChannels ?? rgbChannels;
        mix = nn.Sequential(
            ("conv", nn.Conv2d(rgbChannels + depthChannels, hidden, kernel_size: 3, padding: 1, bias: false)),
            ("bn", nn.BatchNorm2d(hidden)),
            ("relu", nn.ReLU()));
        output = nn.Conv2d(hidden, rgbChannels, kernel_size: 1);
        if (mode == FusionMode.Gated) gate = nn.Conv2d(rgbChannels + depthChannels, rgbChannels, kernel_size: 1);
        RegisterComponents();
        if (mode != FusionMode.Concat)
            using (torch.no_grad())
            {
                output.weight!.zero_();
                output.bias!.zero_();
            }
    }

    /// <summary>
    /// <paramref name="rgb"/>: A's features (N, Ca, h, w); <paramref name="depth"/>: B's features (N, Cb, h', w').
    /// Returns (N, Ca, h, w).
    /// </summary>
    public override Tensor forward(Tensor rgb, Tensor depth)
    {
        CheckInputs(rgb, depth);
        var aligned = AlignTo(depth, rgb);                            // B's map resized to A's h × w
        var both = ConvInput.Contiguous(torch.cat([rgb, aligned], dim: 1)); // (N, Ca + Cb, h, w), standard layout (ConvInput)
        var update = output.forward(mix.forward(both));               // (N, Ca, h, w)
        return Mode switch
        {
            FusionMode.Concat => update,
            FusionMode.Residual => rgb + update,
            _ => rgb + torch.sigmoid(gate!.forward(both)) * update,
        };
    }

    /// <summary>
    /// Resizes <paramref name="features"/> (N, C, h', w') to the height and width of <paramref name="reference"/>
    /// (bilinear). Only a uniform scale is allowed: maps whose aspect ratios differ do not show the same field of
    /// view, and stretching one would put depth edges next to the wrong RGB pixels.
    /// </summary>
    public static Tensor AlignTo(Tensor features, Tensor reference)
    {
        long h = reference.shape[2], w = reference.shape[3], hb = features.shape[2], wb = features.shape[3];
        if (h == hb && w == wb) return features;
        if (hb * w != wb * h)
            throw new ArgumentException(
                $"FusionBridge cannot align the depth features ({hb}×{wb}, height×width) to the RGB features ({h}×{w}): " +
                $"their aspect ratios differ ({(double)hb / wb:G3} vs {(double)h / w:G3}), so they do not cover the same field of view. " +
                "Give the depth map the image's aspect ratio (crop or pad both the same way) before the depth branch.");
        return nn.functional.interpolate(features, [h, w], mode: InterpolationMode.Bilinear, align_corners: false);
    }

    void CheckInputs(Tensor rgb, Tensor depth)
    {
        string Shape(Tensor t) => $"({string.Join(", ", t.shape)})";
        if (rgb.dim() != 4 || depth.dim() != 4)
            throw new ArgumentException(
                $"FusionBridge expects two feature maps (N, C, H, W), got RGB {Shape(rgb)} and depth {Shape(depth)}.");
        if (rgb.shape[1] != RgbChannels)
            throw new ArgumentException(
                $"FusionBridge was built for RGB features with {RgbChannels} channels, got {rgb.shape[1]} (shape {Shape(rgb)}). " +
                "Build the bridge with the channels of the stage you fuse at: backbone.ChannelsOf(stage).");
        if (depth.shape[1] != DepthChannels)
            throw new ArgumentException(
                $"FusionBridge was built for depth features with {DepthChannels} channels, got {depth.shape[1]} (shape {Shape(depth)}). " +
                "Build the bridge with the depth branch's output channels: depthBranch.OutChannels.");
        if (rgb.shape[0] != depth.shape[0])
            throw new ArgumentException(
                $"FusionBridge got {rgb.shape[0]} RGB feature maps but {depth.shape[0]} depth feature maps; expected one depth map per image.");
    }
}

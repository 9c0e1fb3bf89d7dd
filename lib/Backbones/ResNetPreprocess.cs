using TorchSharp;
using static TorchSharp.torch;
using Tutorials.Environment;

namespace Tutorials.Backbones;

/// <summary>
/// Turns images into the input the pretrained CNTK ResNet was trained on: <b>BGR</b> channel order, pixel values
/// <b>0–255</b>, minus a <b>mean image</b>, with no division by a standard deviation. This is what the package's
/// own preprocessing model (ResNetPrepOnnx/ResNetPreprocess.onnx: Split RGB → Concat B,G,R → Sub MeanImage)
/// does; torchvision's "RGB in [0, 1], minus mean, divided by std" is a different convention, and feeding the
/// network that would quietly cost accuracy.
/// <para>Accepted inputs (all give a float tensor (N, 3, H, W)):</para>
/// <list type="bullet">
/// <item>float (N, 3, H, W) RGB in [0, 1] — TorchSharp / torchvision's usual image tensors;</item>
/// <item>float (N, 1, H, W) grayscale in [0, 1] — replicated to three channels;</item>
/// <item>byte (H, W, C) or (N, H, W, C) with C = 3 (RGB) or 1 (gray) — raw decoded pixels, height-width-channel.</item>
/// </list>
/// <para>
/// The mean image is 224×224. At 224×224 it is subtracted pixel by pixel, exactly as the package does. For other
/// sizes there is no "exact"; the default resizes the mean image (bilinear, antialiased) to the input size, which
/// keeps its mild spatial structure and equals the 224 behaviour when the size is 224; <see cref="MeanMode.ChannelMeans"/>
/// subtracts the three channel averages instead (B ≈ 103.1, G ≈ 115.9, R ≈ 123.2).
/// </para>
/// </summary>
public sealed class ResNetPreprocess : IDisposable
{
    /// <summary>How the mean is subtracted from inputs that are not 224×224.</summary>
    public enum MeanMode { ResizedMeanImage, ChannelMeans }

    readonly Tensor meanImageBgr;       // (1, 3, 224, 224), channel 0 = blue
    readonly Tensor channelMeansBgr;    // (1, 3, 1, 1)

    /// <param name="meanImageBgr">The mean image, (1, 3, H, W) or (3, H, W), channels in B, G, R order, scale 0–255.</param>
    /// <param name="otherSizes">What to subtract when the input size differs from the mean image's.</param>
    public ResNetPreprocess(Tensor meanImageBgr, MeanMode otherSizes = MeanMode.ResizedMeanImage)
    {
        if (meanImageBgr.dim() == 3) meanImageBgr = meanImageBgr.unsqueeze(0);
        if (meanImageBgr.dim() != 4 || meanImageBgr.shape[0] != 1 || meanImageBgr.shape[1] != 3)
            throw new ArgumentException($"The mean image must be (1, 3, H, W) in BGR order, got ({string.Join(", ", meanImageBgr.shape)}).");
        this.meanImageBgr = meanImageBgr.to_type(ScalarType.Float32).detach().clone();
        channelMeansBgr = this.meanImageBgr.mean([2, 3], keepdim: true);
        OtherSizes = otherSizes;
    }

    /// <summary>The choice for inputs whose size differs from the mean image's.</summary>
    public MeanMode OtherSizes { get; }

    /// <summary>The mean image's size (224 for the packaged model): inputs of this size get the exact per-pixel mean.</summary>
    public (int Height, int Width) MeanImageSize => ((int)meanImageBgr.shape[2], (int)meanImageBgr.shape[3]);

    /// <summary>Channel averages of the mean image, in B, G, R order.</summary>
    public float[] ChannelMeansBgr => channelMeansBgr.flatten().data<float>().ToArray();

    /// <summary>Preprocesses a batch (see the class summary for the accepted shapes and types).</summary>
    public Tensor Apply(Tensor images)
    {
        var rgb255 = images.dtype == ScalarType.Byte ? BytesToRgb255(images) : Unit01ToRgb255(images);
        var bgr = rgb255.flip(1);       // channel order R, G, B → B, G, R
        // Byte images arrive height-width-channel; permuting them gives a channels-last tensor, which some CPUs
        // convolve wrongly (see ConvInput). Hand the network the standard layout.
        return ConvInput.Contiguous(bgr - MeanFor(bgr));
    }

    /// <summary>One raw image: <paramref name="pixels"/> holds height × width × channels bytes, row by row (HWC).</summary>
    public Tensor Apply(byte[] pixels, int height, int width, int channels = 3)
    {
        long expected = (long)height * width * channels;
        if (pixels.Length != expected)
            throw new ArgumentException(
                $"Expected {height}×{width}×{channels} = {expected} bytes (height-width-channel order), got {pixels.Length}.");
        using var scope = torch.NewDisposeScope();
        return Apply(torch.tensor(pixels, [height, width, channels], ScalarType.Byte)).MoveToOuterDisposeScope();
    }

    /// <summary>Frees the mean image's native memory now rather than at garbage collection.</summary>
    public void Dispose()
    {
        meanImageBgr.Dispose();
        channelMeansBgr.Dispose();
    }

    Tensor MeanFor(Tensor bgr)
    {
        var (h, w) = MeanImageSize;
        long height = bgr.shape[2], width = bgr.shape[3];
        var device = bgr.device;
        if (height == h && width == w) return meanImageBgr.to(device);
        if (OtherSizes == MeanMode.ChannelMeans) return channelMeansBgr.to(device);
        return nn.functional.interpolate(meanImageBgr, [height, width], mode: InterpolationMode.Bilinear,
            align_corners: false, antialias: true).to(device);
    }

    static Tensor Unit01ToRgb255(Tensor images)
    {
        if (!images.is_floating_point())
            throw new ArgumentException($"Expected a float tensor in [0, 1] or a byte tensor, got dtype {images.dtype}.");
        if (images.dim() != 4 || (images.shape[1] != 3 && images.shape[1] != 1))
            throw new ArgumentException(
                $"Expected float images (N, 3, H, W) RGB or (N, 1, H, W) grayscale, got ({string.Join(", ", images.shape)}). " +
                "A single image needs a batch dimension: use image.unsqueeze(0).");
        // The most common preprocessing bug is scaling twice or not at all: check the range once.
        float min = images.min().item<float>(), max = images.max().item<float>();
        if (min < -1e-3f || max > 1 + 1e-3f)
            throw new ArgumentException(
                $"Expected float pixel values in [0, 1], got values from {min} to {max}. " +
                "Pass raw pixels as a byte tensor, or divide 0–255 floats by 255; do not normalise with mean/std first.");
        var rgb = images.shape[1] == 1 ? images.expand(-1, 3, -1, -1) : images;
        return rgb.to_type(ScalarType.Float32) * 255f;
    }

    static Tensor BytesToRgb255(Tensor pixels)
    {
        if (pixels.dim() == 3) pixels = pixels.unsqueeze(0);
        if (pixels.dim() != 4 || (pixels.shape[3] != 3 && pixels.shape[3] != 1))
            throw new ArgumentException(
                $"Expected byte images (H, W, C) or (N, H, W, C) with C = 3 (RGB) or 1 (gray), got ({string.Join(", ", pixels.shape)}). " +
                "Byte images are height-width-channel, as decoders produce them; float tensors are (N, C, H, W).");
        var nchw = pixels.permute(0, 3, 1, 2).to_type(ScalarType.Float32);
        return nchw.shape[1] == 1 ? nchw.expand(-1, 3, -1, -1) : nchw;
    }
}

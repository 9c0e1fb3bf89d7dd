using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Tutorials.Environment;

namespace Tutorials.Fusion;

/// <summary>
/// Model B: a light CNN for the second sensor (a depth map, 1 channel), trained from scratch. It halves the
/// resolution with stride-2 3×3 convolutions until it reaches <see cref="Stride"/> — the stride of the backbone
/// stage it will be fused into — so its output lines up cell for cell with that stage's feature map.
/// <para>
/// Why so small: depth is a simple signal (distances, edges where they jump) and there is no pretrained depth
/// network to start from; a few thousand parameters learn it quickly, and a large branch would overfit a small
/// data set. Width doubles with every halving (as in the ResNet), capped at 4× <c>width</c>.
/// </para>
/// </summary>
public sealed class DepthBranch : nn.Module<Tensor, Tensor>
{
    readonly Sequential layers;

    /// <summary>Output stride relative to the input (4, 8, 16 or 32).</summary>
    public int Stride { get; }

    /// <summary>Channels of the output feature map.</summary>
    public int OutChannels { get; }

    /// <param name="stride">4, 8, 16 or 32: the stride of the backbone stage to fuse into (backbone.StrideOf(stage)).</param>
    /// <param name="width">Channels at stride 2 and 4.</param>
    /// <param name="inChannels">Input channels (1 for a depth map).</param>
    /// <param name="name">The module's name.</param>
    public DepthBranch(int stride, int width = 16, int inChannels = 1, string name = "depth_branch") : base(name)
    {
        if (stride is not (4 or 8 or 16 or 32))
            throw new ArgumentException($"Expected the stride of a ResNet stage (4, 8, 16 or 32), got {stride}. Use backbone.StrideOf(stage).", nameof(stride));
        Stride = stride;
        var list = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            // Depth values are small ([0, 1]); normalising them first lets the usual learning rates work.
            ("input_norm", nn.BatchNorm2d(inChannels)),
        };
        int channels = inChannels, block = 0;
        for (int s = 1; s < stride; s *= 2)
        {
            int next = Math.Min(width * Math.Max(1, s / 2), 4 * width);
            list.Add(($"down{block}", Block(channels, next, stride: 2)));
            list.Add(($"refine{block}", Block(next, next, stride: 1)));
            channels = next;
            block++;
        }
        OutChannels = channels;
        layers = nn.Sequential(list);
        RegisterComponents();
    }

    /// <summary>Depth maps (N, 1, H, W) → features (N, <see cref="OutChannels"/>, H / Stride, W / Stride).</summary>
    public override Tensor forward(Tensor depth)
    {
        if (depth.dim() != 4 || depth.shape[1] != ((BatchNorm2d)layers.children().First()).weight!.shape[0])
            throw new ArgumentException(
                $"DepthBranch expects depth maps (N, 1, H, W), got ({string.Join(", ", depth.shape)}). A single map needs .unsqueeze(0).unsqueeze(0).");
        return layers.forward(ConvInput.Contiguous(depth)); // the layout must not change the result (ConvInput)
    }

    static Sequential Block(int inChannels, int outChannels, int stride) => nn.Sequential(
        ("conv", nn.Conv2d(inChannels, outChannels, kernel_size: 3, stride: stride, padding: 1, bias: false)),
        ("bn", nn.BatchNorm2d(outChannels)),
        ("relu", nn.ReLU()));
}

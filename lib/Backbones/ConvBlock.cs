using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Tutorials.Backbones;

/// <summary>Conv 3×3 → BatchNorm → ReLU → 2×2 max-pool: halves the mel and time resolution, widens the channels.</summary>
public sealed class ConvBlock : nn.Module<Tensor, Tensor>
{
    // Field names become parameter names: conv.weight, bn.weight, bn.running_mean, …
    readonly Conv2d conv;
    readonly BatchNorm2d bn;

    public ConvBlock(long inChannels, long outChannels) : base(nameof(ConvBlock))
    {
        conv = nn.Conv2d(inChannels, outChannels, kernel_size: 3, padding: 1, bias: false); // BatchNorm brings the bias
        bn = nn.BatchNorm2d(outChannels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) =>
        nn.functional.max_pool2d(nn.functional.relu(bn.forward(conv.forward(x))), kernel_size: 2);
}

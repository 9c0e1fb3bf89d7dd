using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Tutorials.Backbones;

/// <summary>
/// ResNet's basic residual block: two 3×3 convolutions, each followed by batch normalisation, plus a shortcut
/// that adds the block's input to its output. When the block halves the resolution or changes the channel count,
/// the shortcut is a 1×1 strided convolution with its own batch norm (<c>downsample</c>), so the two can be added.
/// Field names are the parameter names torchvision uses (<c>conv1</c>, <c>bn1</c>, <c>downsample.0</c>, …), so
/// PyTorch state dicts load by name.
/// </summary>
public sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv1;
    readonly BatchNorm2d bn1;
    readonly Conv2d conv2;
    readonly BatchNorm2d bn2;
    readonly Sequential? downsample;   // null when input and output have the same shape

    public BasicBlock(string name, int inChannels, int outChannels, int stride) : base(name)
    {
        // No conv bias: the batch norm right after it has its own shift, a bias would be redundant.
        conv1 = nn.Conv2d(inChannels, outChannels, kernel_size: 3, stride: stride, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(outChannels, eps: 1e-5);
        conv2 = nn.Conv2d(outChannels, outChannels, kernel_size: 3, stride: 1, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(outChannels, eps: 1e-5);
        if (stride != 1 || inChannels != outChannels)
            downsample = nn.Sequential(
                ("0", nn.Conv2d(inChannels, outChannels, kernel_size: 1, stride: stride, bias: false)),
                ("1", nn.BatchNorm2d(outChannels, eps: 1e-5)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var y = nn.functional.relu(bn1.forward(conv1.forward(x)));
        y = bn2.forward(conv2.forward(y));
        var shortcut = downsample is null ? x : downsample.forward(x);
        return nn.functional.relu(y.add(shortcut, One));
    }

    // `y + shortcut` makes a temporary Scalar alpha = 1 that nothing references during the native call, so the GC may
    // finalize (free) it mid-call; once in a unit-test run libtorch then read a freed Scalar ("toFloat: Expected false
    // to be true"). A Scalar held by a static field lives for the whole process.
    static readonly Scalar One = 1;
}

using TorchSharp.Modules;
using Tutorials.Backbones;

namespace Tutorials.Tests.Training;

/// <summary>
/// A ResNet-shaped toy for the freezing tests: named blocks (stem, layer1, layer2, head) with Conv2d + BatchNorm2d,
/// random weights (no download), small enough that its parameter counts can be worked out by hand.
/// </summary>
static class TinyNet
{
    // Hand-computed parameter counts (numel): Conv2d(in, out, 3) = in*out*3*3 + out, BatchNorm2d(c) = 2*c, Linear(i, o) = i*o + o.
    public const long StemConv = 3 * 8 * 9 + 8;      // 224
    public const long StemBn = 2 * 8;                // 16
    public const long Layer1Conv = 8 * 8 * 9 + 8;    // 584
    public const long Layer1Bn = 2 * 8;              // 16
    public const long Layer2Conv = 8 * 16 * 9 + 16;  // 1168
    public const long Layer2Bn = 2 * 16;             // 32
    public const long Head = 16 * 4 + 4;             // 68

    /// <summary>Same weights every call (seeded).</summary>
    public static Sequential Create()
    {
        torch.manual_seed(0);
        return nn.Sequential(
            ("stem", ConvBlock(3, 8, stride: 1)),
            ("layer1", ConvBlock(8, 8, stride: 1)),
            ("layer2", ConvBlock(8, 16, stride: 2)),
            ("pool", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()),
            ("head", nn.Linear(16, 4)));
    }

    static Sequential ConvBlock(int inChannels, int outChannels, int stride) => nn.Sequential(
        ("conv", nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1)),
        ("bn", nn.BatchNorm2d(outChannels)),
        ("relu", nn.ReLU()));

    /// <summary>A seeded batch: 8 images of 3x16x16 and their class labels (0..3).</summary>
    public static (Tensor images, Tensor labels) Batch(int seed)
    {
        torch.manual_seed(seed);
        return (torch.randn(8, 3, 16, 16), torch.randint(0, 4, 8, dtype: ScalarType.Int64));
    }

    /// <summary>One optimizer step, with its own dispose scope so the step's temporaries are freed when it ends.</summary>
    public static void TrainStep(Sequential model, optim.Optimizer optimizer, Tensor images, Tensor labels)
    {
        using var scope = torch.NewDisposeScope();
        optimizer.zero_grad();
        var loss = nn.functional.cross_entropy(model.call(images), labels);
        loss.backward();
        optimizer.step();
    }

    /// <summary>The raw bytes of every parameter, by name, so "unchanged" can mean bit-identical.</summary>
    public static Dictionary<string, byte[]> ParameterBytes(nn.Module model) =>
        model.named_parameters().ToDictionary(np => np.name, np => np.parameter.bytes.ToArray());

    /// <summary>The raw bytes of every buffer (BatchNorm running_mean, running_var, num_batches_tracked), by name.</summary>
    public static Dictionary<string, byte[]> BufferBytes(nn.Module model) =>
        model.named_buffers().ToDictionary(nb => nb.name, nb => nb.buffer.bytes.ToArray());
}

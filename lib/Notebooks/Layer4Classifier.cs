using TorchSharp;
using TorchSharp.Modules;
using Tutorials.Backbones;
using static TorchSharp.torch;
using Tutorials.Environment;

// Scaffolding for notebook 04 (04-outputs-and-weights): what that notebook needs around its lesson, kept out of the kit's concept folders.
namespace Tutorials.Notebooks;

/// <summary>
/// The last stage of a ResNet (<c>layer4</c>: BasicBlocks) plus global average pooling and a linear classifier,
/// run on cached <c>layer3</c> feature maps. Fine-tuning only this part keeps weight-averaging experiments cheap on
/// a CPU: the frozen stem, layer1–3 run once for the whole data set, not once per step.
/// Parameter names are torchvision's (<c>layer4.0.conv1.weight</c>, …, <c>fc.weight</c>).
/// </summary>
public sealed class Layer4Classifier : nn.Module<Tensor, Tensor>
{
    readonly Sequential layer4;
    readonly Linear fc;

    /// <summary>
    /// A randomly initialised stage (torchvision's initialisation; seed with <c>Kit.Seed</c> first):
    /// <paramref name="blocks"/> BasicBlocks, <paramref name="inChannels"/> → <paramref name="outChannels"/>, the first with stride 2.
    /// </summary>
    public Layer4Classifier(int classes, int inChannels = 256, int outChannels = 512, int blocks = 3) : base(nameof(Layer4Classifier))
    {
        if (classes < 2 || inChannels < 1 || outChannels < 1 || blocks < 1)
            throw new ArgumentException($"Expected ≥ 2 classes and positive sizes, got classes {classes}, channels {inChannels} → {outChannels}, {blocks} blocks.");
        InChannels = inChannels;
        var list = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int i = 0; i < blocks; i++)
            list.Add(($"{i}", new BasicBlock($"layer4.{i}", i == 0 ? inChannels : outChannels, outChannels, i == 0 ? 2 : 1)));
        layer4 = nn.Sequential(list);
        fc = nn.Linear(outChannels, classes);
        RegisterComponents();
        using var noGrad = torch.no_grad();
        foreach (var (_, module) in named_modules())
            if (module is Conv2d conv)
                nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
    }

    /// <summary>Channels of the input feature map (layer3's output).</summary>
    public int InChannels { get; }

    /// <summary>
    /// A stage that starts from <paramref name="backbone"/>'s pretrained <c>layer4</c> (weights and BatchNorm statistics
    /// copied); the classifier <c>fc</c> is new (random, seeded by the caller).
    /// </summary>
    public static Layer4Classifier FromPretrained(ResNetBackbone backbone, int classes)
    {
        var model = new Layer4Classifier(classes, backbone.StageChannels[2], backbone.StageChannels[3], backbone.BlocksPerStage[3]);
        var source = backbone.state_dict().Where(kv => kv.Key.StartsWith("layer4.", StringComparison.Ordinal)).ToDictionary();
        var own = model.state_dict();
        using var noGrad = torch.no_grad();
        foreach (var (name, value) in own.Where(kv => kv.Key.StartsWith("layer4.", StringComparison.Ordinal)))
        {
            if (!source.TryGetValue(name, out var pretrained))
                throw new InvalidOperationException($"The backbone has no '{name}'; expected a ResNetBackbone with torchvision-style layer4 names.");
            value.copy_(pretrained);
        }
        return model;
    }

    /// <summary>layer3 feature maps (N, C, H, W) → class logits (N, classes).</summary>
    public override Tensor forward(Tensor layer3Maps)
    {
        if (layer3Maps.dim() != 4 || layer3Maps.shape[1] != InChannels)
            throw new ArgumentException(
                $"Expected layer3 feature maps of shape (N, {InChannels}, H, W), got ({string.Join(", ", layer3Maps.shape)}). " +
                "Pass ResNetBackbone.FeatureMapAt(images, \"layer3\").");
        // layer4 starts with the 1×1 stride-2 convolution that some CPUs get wrong on channels-last input (ConvInput).
        return fc.call(ResNetBackbone.Pool(layer4.call(ConvInput.Contiguous(layer3Maps))));
    }
}

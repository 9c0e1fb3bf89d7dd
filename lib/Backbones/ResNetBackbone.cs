using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Tutorials.Environment;

namespace Tutorials.Backbones;

/// <summary>
/// A ResNet feature extractor with torchvision's parameter names and no classifier head.
/// <para>
/// The network is a <b>stem</b> (7×7 stride-2 convolution, batch norm, ReLU, 3×3 stride-2 max pool) followed by
/// four stages <c>layer1</c>…<c>layer4</c> of <see cref="BasicBlock"/>s. Each stage after the first halves the
/// resolution and doubles the channels. <see cref="forward"/> global-average-pools the last stage into one
/// feature vector per image.
/// </para>
/// <para>
/// Defaults match the pretrained ImageNet model shipped in Microsoft.ML.DnnImageFeaturizer.ResNet18: base width
/// 64 and blocks [2, 2, 2, 3] (its layer4 has a third block, unlike torchvision's resnet18 [2, 2, 2, 2]).
/// Width and layout are parameters so that small variants can be built for tests and quick experiments.
/// </para>
/// <para>
/// For models that combine networks, the stages are reachable one by one: <see cref="FeatureMaps"/> returns
/// every stage's feature map, <see cref="FeatureMapAt"/> stops after a stage (e.g. a segmentation head on
/// layer3), and <see cref="PooledFeaturesFrom"/> continues from a stage's output (e.g. after fusing in a second branch).
/// </para>
/// </summary>
public sealed class ResNetBackbone : nn.Module<Tensor, Tensor>
{
    /// <summary>The stage names, in the order the image flows through them.</summary>
    public static readonly IReadOnlyList<string> StageNames = ["stem", "layer1", "layer2", "layer3", "layer4"];

    // Field names become parameter names: conv1.weight, bn1.running_mean, layer1.0.conv1.weight, …
    readonly Conv2d conv1;
    readonly BatchNorm2d bn1;
    readonly MaxPool2d maxpool;
    readonly Sequential layer1, layer2, layer3, layer4;

    /// <param name="baseWidth">Channels of the stem and layer1; layer2..4 have 2×, 4×, 8× as many.</param>
    /// <param name="blocksPerStage">Number of <see cref="BasicBlock"/>s in layer1..layer4.</param>
    /// <param name="name">The module's name (TorchSharp shows it when printing the model).</param>
    public ResNetBackbone(int baseWidth = 64, int[]? blocksPerStage = null, string name = "ResNetBackbone") : base(name)
    {
        blocksPerStage ??= [2, 2, 2, 3];
        if (blocksPerStage.Length != 4 || blocksPerStage.Any(b => b < 1))
            throw new ArgumentException(
                $"blocksPerStage needs four counts of at least 1 (for layer1..layer4), got [{string.Join(", ", blocksPerStage)}].");
        if (baseWidth < 1) throw new ArgumentException($"baseWidth must be at least 1, got {baseWidth}.");
        BaseWidth = baseWidth;
        BlocksPerStage = blocksPerStage.ToArray();

        conv1 = nn.Conv2d(3, baseWidth, kernel_size: 7, stride: 2, padding: 3, bias: false);
        bn1 = nn.BatchNorm2d(baseWidth, eps: 1e-5);
        maxpool = nn.MaxPool2d(kernel_size: 3, stride: 2, padding: 1);
        layer1 = MakeStage("layer1", baseWidth, baseWidth, blocksPerStage[0], firstStride: 1);
        layer2 = MakeStage("layer2", baseWidth, baseWidth * 2, blocksPerStage[1], firstStride: 2);
        layer3 = MakeStage("layer3", baseWidth * 2, baseWidth * 4, blocksPerStage[2], firstStride: 2);
        layer4 = MakeStage("layer4", baseWidth * 4, baseWidth * 8, blocksPerStage[3], firstStride: 2);
        RegisterComponents();
        InitialiseLikeTorchvision();
    }

    /// <summary>Channels of the stem and layer1 (64 for the pretrained model).</summary>
    public int BaseWidth { get; }

    /// <summary>Number of blocks in layer1..layer4 ([2, 2, 2, 3] for the pretrained model).</summary>
    public IReadOnlyList<int> BlocksPerStage { get; }

    /// <summary>Channels of layer1..layer4: 64, 128, 256, 512 for the pretrained model.</summary>
    public IReadOnlyList<int> StageChannels => [BaseWidth, BaseWidth * 2, BaseWidth * 4, BaseWidth * 8];

    /// <summary>How many input pixels one feature-map cell of layer1..layer4 spans: 4, 8, 16, 32.</summary>
    public IReadOnlyList<int> StageStrides => [4, 8, 16, 32];

    /// <summary>Length of the pooled feature vector that <see cref="forward"/> returns (512 for the pretrained model).</summary>
    public int FeatureSize => BaseWidth * 8;

    /// <summary>Channels of a stage's output, stem included.</summary>
    public int ChannelsOf(string stage) => StageIndex(stage) switch { 0 => BaseWidth, var i => StageChannels[i - 1] };

    /// <summary>Stride of a stage's output relative to the input image, stem included (the stem's is 4).</summary>
    public int StrideOf(string stage) => StageIndex(stage) switch { 0 => 4, var i => StageStrides[i - 1] };

    /// <summary>Images (N, 3, H, W), already preprocessed → pooled features (N, <see cref="FeatureSize"/>).</summary>
    public override Tensor forward(Tensor images) => Pool(FeatureMapAt(images, "layer4"));

    /// <summary>Every stage's feature map, in order: stem, layer1, …, layer4.</summary>
    public OrderedDictionary<string, Tensor> FeatureMaps(Tensor images)
    {
        CheckImages(images);
        var maps = new OrderedDictionary<string, Tensor>();
        var x = images;
        foreach (var stage in StageNames)
        {
            x = RunStage(stage, x);
            maps.Add(stage, x);
        }
        return maps;
    }

    /// <summary>Runs the stem and the stages up to and including <paramref name="lastStage"/>; returns its feature map.</summary>
    public Tensor FeatureMapAt(Tensor images, string lastStage)
    {
        CheckImages(images);
        int last = StageIndex(lastStage);
        var x = images;
        for (int i = 0; i <= last; i++) x = RunStage(StageNames[i], x);
        return x;
    }

    /// <summary>
    /// Continues from the output of <paramref name="stage"/>: runs the stages after it, then pools. Use it to
    /// inject features: take <c>FeatureMapAt(x, "layer2")</c>, add another branch's features, pass the sum here.
    /// </summary>
    public Tensor PooledFeaturesFrom(string stage, Tensor stageOutput)
    {
        int from = StageIndex(stage);
        int channels = ChannelsOf(stage);
        if (stageOutput.dim() != 4 || stageOutput.shape[1] != channels)
            throw new ArgumentException(
                $"PooledFeaturesFrom(\"{stage}\", …) expects {stage}'s output shape (N, {channels}, H, W), got ({string.Join(", ", stageOutput.shape)}). " +
                $"Pass the output of FeatureMapAt(images, \"{stage}\") (or a tensor of the same shape).");
        var x = stageOutput;
        for (int i = from + 1; i < StageNames.Count; i++) x = RunStage(StageNames[i], x);
        return Pool(x);
    }

    /// <summary>
    /// Runs one stage on its input (for the stem: the images). Every forward path goes through here, so this is
    /// where inputs are made contiguous: the caller's memory layout must not change the result (see <see cref="ConvInput"/>).
    /// </summary>
    public Tensor RunStage(string stage, Tensor input) => RunStageOn(StageIndex(stage), ConvInput.Contiguous(input));

    Tensor RunStageOn(int stage, Tensor input) => stage switch
    {
        0 => maxpool.forward(nn.functional.relu(bn1.forward(conv1.call(input)))), // call: forward + hooks (tests watch the layout)
        1 => layer1.forward(input),
        2 => layer2.forward(input),
        3 => layer3.forward(input),
        _ => layer4.forward(input),
    };

    /// <summary>Global average pooling: (N, C, H, W) → (N, C). Works for any input size.</summary>
    public static Tensor Pool(Tensor featureMap) => nn.functional.adaptive_avg_pool2d(featureMap, 1).flatten(1);

    static int StageIndex(string stage)
    {
        for (int i = 0; i < StageNames.Count; i++)
            if (StageNames[i] == stage) return i;
        throw new ArgumentException($"Unknown stage '{stage}'. Stages are: {string.Join(", ", StageNames)}.", nameof(stage));
    }

    static void CheckImages(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] != 3)
            throw new ArgumentException(
                $"ResNetBackbone expects preprocessed images of shape (N, 3, H, W), got ({string.Join(", ", images.shape)}). " +
                "Run them through ResNetPreprocess first (it also turns grayscale and byte images into this shape).");
    }

    static Sequential MakeStage(string name, int inChannels, int outChannels, int blocks, int firstStride)
    {
        // Only the first block changes resolution/channels; the names "0", "1", … give layer1.0.conv1.weight.
        var list = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int i = 0; i < blocks; i++)
            list.Add(($"{i}", new BasicBlock($"{name}.{i}", i == 0 ? inChannels : outChannels, outChannels, i == 0 ? firstStride : 1)));
        return nn.Sequential(list);
    }

    /// <summary>
    /// torchvision's initialisation: He-normal (fan-out) convolutions, batch norms as the identity. It only
    /// matters for untrained use (e.g. the "random weights" baseline); imported weights overwrite it.
    /// </summary>
    void InitialiseLikeTorchvision()
    {
        using var noGrad = torch.no_grad();
        foreach (var (_, module) in named_modules())
        {
            if (module is Conv2d conv)
                nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
            else if (module is BatchNorm2d bn)
            {
                nn.init.ones_(bn.weight);
                nn.init.zeros_(bn.bias);
            }
        }
    }
}

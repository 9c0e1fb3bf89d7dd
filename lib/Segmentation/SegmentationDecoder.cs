using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Tutorials.Environment;

namespace Tutorials.Segmentation;

/// <summary>
/// A light decoder from ResNet stage features to per-pixel class scores (a small feature pyramid, FPN-style):
/// each of layer1..layer4 is projected to <c>width</c> channels with a 1×1 convolution, the coarsest is upsampled
/// and added to the next finer one, down to layer1 (stride 4); a 3×3 convolution and a 1×1 classifier follow,
/// and the scores are upsampled ×4 to the input's resolution.
/// <para>
/// Why a pyramid: layer4 knows <i>what</i> is there (large receptive field, 1/32 resolution), layer1 knows
/// <i>where</i> the edges are (1/4 resolution). Adding them top-down gives both at a cost of a few 1×1 convolutions.
/// </para>
/// </summary>
public sealed class SegmentationDecoder : nn.Module<IReadOnlyList<Tensor>, Tensor>
{
    readonly ModuleList<Conv2d> lateral;
    readonly Sequential head;
    readonly Conv2d classifier;

    public int NumClasses { get; }

    /// <param name="stageChannels">Channels of layer1..layer4 (backbone.StageChannels).</param>
    /// <param name="numClasses">Classes to score per pixel, background included.</param>
    /// <param name="width">Channels of the pyramid (every stage is projected to this many).</param>
    /// <param name="name">The module's name.</param>
    public SegmentationDecoder(IReadOnlyList<int> stageChannels, int numClasses, int width = 64, string name = "decoder") : base(name)
    {
        if (stageChannels.Count != 4) throw new ArgumentException($"Expected the channels of layer1..layer4 (four numbers), got {stageChannels.Count}.");
        if (numClasses < 2) throw new ArgumentException($"Expected at least two classes (background and one object class), got {numClasses}.");
        NumClasses = numClasses;
        lateral = nn.ModuleList(stageChannels.Select(c => nn.Conv2d(c, width, kernel_size: 1)).ToArray());
        head = nn.Sequential(
            ("conv", nn.Conv2d(width, width, kernel_size: 3, padding: 1, bias: false)),
            ("bn", nn.BatchNorm2d(width)),
            ("relu", nn.ReLU()));
        classifier = nn.Conv2d(width, numClasses, kernel_size: 1);
        RegisterComponents();
    }

    /// <summary>The feature maps of layer1..layer4, in that order → class scores (N, classes, 4·h1, 4·w1).</summary>
    public override Tensor forward(IReadOnlyList<Tensor> stages)
    {
        if (stages.Count != 4) throw new ArgumentException($"Expected the feature maps of layer1..layer4, got {stages.Count} map(s).");
        stages = stages.Select(ConvInput.Contiguous).ToList(); // the layout must not change the result (ConvInput)
        var x = lateral[3].call(stages[3]);
        for (int i = 2; i >= 0; i--)
        {
            var finer = stages[i];
            x = nn.functional.interpolate(x, [finer.shape[2], finer.shape[3]], mode: InterpolationMode.Bilinear, align_corners: false)
                + lateral[i].call(finer);
        }
        var scores = classifier.forward(head.forward(x));
        return nn.functional.interpolate(scores, [scores.shape[2] * 4, scores.shape[3] * 4], mode: InterpolationMode.Bilinear, align_corners: false);
    }
}

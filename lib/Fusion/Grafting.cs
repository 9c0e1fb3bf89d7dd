using TorchSharp;
using TorchSharp.Modules;
using Tutorials.Segmentation;
using Tutorials.Training;
using static TorchSharp.torch;
using Tutorials.Environment;
using Tutorials.Freezing;

namespace Tutorials.Fusion;

/// <summary>
/// Grafting a new input branch onto a <b>trained</b> model A (<see cref="RgbdSegmenter"/> built on a trained
/// <see cref="ResNetSegmenter"/>): which parameters are A's (pretrained: fine-tune slowly, or stay frozen) and which
/// are new (depth branch and bridge: start random, learn fast), and the check that grafting changed nothing yet.
/// <para>
/// Why the check matters: with the residual bridge (its last convolution zero at the start) the fused model's class
/// scores at step 0 are A's, exactly; training can only move away from A as far as the depth branch helps. With
/// <see cref="FusionMode.Concat"/> the bridge's output replaces A's map, and A's later stages start from noise.
/// </para>
/// </summary>
public static class Grafting
{
    /// <summary>A's parameters that still train: its backbone stages after the freeze point and its decoder.</summary>
    public static List<Parameter> PretrainedParameters(RgbdSegmenter model) => Freezer.TrainableParameters(model.Rgb);

    /// <summary>The new parts' trainable parameters: the depth branch (model B) and the bridge.</summary>
    public static List<Parameter> NewParameters(RgbdSegmenter model) =>
        model.Depth.parameters().Concat(model.Bridge.parameters()).Where(p => p.requires_grad).ToList();

    /// <summary>The parts for <see cref="FusionTraining.Summary"/>: A's stages and decoder (pretrained), then B and the bridge (new).</summary>
    public static List<FusionTraining.Part> Parts(RgbdSegmenter model) =>
    [
        .. FusionTraining.Parts(model.Rgb).SkipLast(1),   // the backbone's stages
        new("decoder (model A, pretrained)", model.Rgb.Decoder.parameters().ToList()),
        new("depth branch (new)", model.Depth.parameters().ToList()),
        new($"bridge at {model.Stage} (new)", model.Bridge.parameters().ToList()),
    ];

    /// <summary>
    /// The largest absolute difference between A's class scores and the fused model's on one batch (eval mode, no
    /// autograd; modes are restored). 0 for a residual bridge that has not trained yet.
    /// </summary>
    public static double MaxAbsDifference(ResNetSegmenter modelA, RgbdSegmenter fused, Tensor images, Tensor depthMaps, Device? device = null)
    {
        if (images.dim() != 4 || depthMaps.dim() != 4 || images.shape[0] != depthMaps.shape[0])
            throw new ArgumentException($"Expected a batch of images (N, 3, H, W) and their depth maps (N, 1, H, W), got " +
                                        $"({string.Join(", ", images.shape)}) and ({string.Join(", ", depthMaps.shape)}).");
        device ??= Devices.Default;
        return Evaluation.EvalPass.Run(() =>
        {
            using var scope = torch.NewDisposeScope();
            var x = images.to(device);
            return (modelA.call(x) - fused.call(x, depthMaps.to(device))).abs().max().item<float>();
        }, modelA, fused);
    }
}

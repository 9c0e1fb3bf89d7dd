using Tutorials.Backbones;
using static TorchSharp.torch;

namespace Tutorials.Pretrained;

/// <summary>
/// Reads the mean image out of the package's preprocessing model (ResNetPrepOnnx/ResNetPreprocess.onnx) and
/// checks that the model does exactly what <see cref="ResNetPreprocess"/> mirrors:
/// <c>Split(OriginalInput, axis 1) → R, G, B; Concat(B, G, R, axis 1); Sub(·, MeanImage)</c>. If a future package
/// did something else (divide by a std, another channel order), mirroring it blindly would be wrong, so that is an error.
/// </summary>
public static class ResNetPreprocessImport
{
    public static ResNetPreprocess FromOnnx(OnnxModel prep, ResNetPreprocess.MeanMode otherSizes = ResNetPreprocess.MeanMode.ResizedMeanImage)
    {
        var ops = string.Join(" → ", prep.Nodes.Select(n => n.OpType));
        InvalidDataException Unexpected(string what) => new(
            $"The ResNet preprocessing model does not do what ResNetPreprocess mirrors: {what}. " +
            $"Expected Split → Concat → Sub (RGB → BGR, minus a mean image); got {ops}. Check the package version (expected 0.23.1).");

        if (prep.Nodes.Count != 3 || prep.Nodes[0].OpType != "Split" || prep.Nodes[1].OpType != "Concat" || prep.Nodes[2].OpType != "Sub")
            throw Unexpected("unexpected operators");
        var (split, concat, sub) = (prep.Nodes[0], prep.Nodes[1], prep.Nodes[2]);
        if (split.Outputs.Length != 3 || AxisOf(split) != 1 || AxisOf(concat) != 1)
            throw Unexpected("the split/concat is not a 3-way split along the channel axis");
        // Concat must take the split's outputs in reverse order: channel 0 of the result is the input's channel 2.
        if (!concat.Inputs.SequenceEqual(split.Outputs.Reverse()))
            throw Unexpected($"the channels are concatenated as [{string.Join(", ", concat.Inputs)}], not reversed");
        if (sub.Inputs.Length != 2 || sub.Inputs[0] != concat.Outputs[0] || !prep.Initializers.TryGetValue(sub.Inputs[1], out var mean))
            throw Unexpected("the subtraction does not subtract a stored tensor from the reordered image");
        if (mean.Floats is null || mean.Dims.Length != 4 || mean.Dims[0] != 1 || mean.Dims[1] != 3)
            throw Unexpected($"the mean tensor '{mean.Name}' has shape {string.Join("x", mean.Dims)}, expected 1x3xHxW floats");

        using var meanImage = tensor(mean.Floats, mean.Dims);
        return new ResNetPreprocess(meanImage, otherSizes);
    }

    static long AxisOf(OnnxNode node) => node.Ints.TryGetValue("axis", out var a) ? a[0] : 0;
}

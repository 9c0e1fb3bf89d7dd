using System.Diagnostics;
using TorchSharp;
using Tutorials.Backbones;
using static TorchSharp.torch;
using Tutorials.Files;
using Tutorials.Environment;

namespace Tutorials.Pretrained;

/// <summary>
/// The ImageNet-pretrained ResNet that ships in the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1
/// (MIT), as a TorchSharp <see cref="ResNetBackbone"/>. No download: the package is restored with the library.
/// <para>
/// The first <see cref="Load(Device?)"/> converts the ONNX file (reads 64 MB, checks every name and shape) and
/// saves the result in TorchSharp's own format in the <see cref="WeightCache"/>; later loads read that file.
/// The network expects <see cref="LoadPreprocess"/>'s input convention (BGR, 0–255, minus a mean image).
/// </para>
/// <para>
/// Exactness: the CNTK export pads its stride-2 convolution and max pool asymmetrically (e.g. 3 before, 2 after);
/// <see cref="ResNetBackbone"/> pads symmetrically like torchvision. For even feature-map sides both read the
/// same pixels, so outputs agree (to float rounding) whenever the input side is a multiple of 32 — 224 included,
/// the only size the ONNX file accepts. Other sizes run fine here, but have no ONNX reference to match.
/// </para>
/// </summary>
public static class ImageNetResNet
{
    public const string PackageId = "Microsoft.ML.DnnImageFeaturizer.ResNet18";
    public const string PackageVersion = "0.23.1";
    public const string ModelFile = "tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx";
    public const string PreprocessFile = "tools/DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx";

    /// <summary>The cache entry's name carries the package version: another version never reuses stale weights.</summary>
    public const string CacheEntry = $"imagenet-resnet18-cntk-{PackageVersion}.torchsharp.dat";

    /// <summary>Where the weights come from and where the converted copy goes (tests point these elsewhere).</summary>
    internal sealed record Source(string PackageId, string PackageVersion, string ModelFile, string CacheEntry);

    static readonly Source Packaged = new(PackageId, PackageVersion, ModelFile, CacheEntry);

    /// <summary>Loads the pretrained backbone in eval mode (batch norm uses its stored statistics).</summary>
    public static ResNetBackbone Load(Device? device = null) => Load(out _, device);

    /// <summary>As <see cref="Load(Device?)"/>, and says whether the cache was hit, created or rebuilt, and how long it took.</summary>
    public static ResNetBackbone Load(out ResNetLoadReport report, Device? device = null) => Load(Packaged, out report, device);

    /// <summary>The matching preprocessing, with the mean image read from the package's preprocessing model.</summary>
    public static ResNetPreprocess LoadPreprocess(ResNetPreprocess.MeanMode otherSizes = ResNetPreprocess.MeanMode.ResizedMeanImage)
    {
        var path = PackageFiles.Locate(PackageId, PackageVersion, PreprocessFile);
        return ResNetPreprocessImport.FromOnnx(OnnxModelReader.Read(path), otherSizes);
    }

    internal static ResNetBackbone Load(Source source, out ResNetLoadReport report, Device? device)
    {
        TorchSharpNativeFix.Apply();
        var clock = Stopwatch.StartNew();
        var cached = WeightCache.GetOrCreate(source.CacheEntry, path => ConvertOnnx(source, path), out var outcome);

        // Always load from the cache file, also right after creating it: one code path, tested every time.
        var backbone = new ResNetBackbone();
        backbone.load(cached, strict: true);
        backbone.eval();
        if (device is not null) backbone.to(device);
        report = new ResNetLoadReport(outcome, clock.Elapsed, cached, new FileInfo(cached).Length);
        return backbone;
    }

    static void ConvertOnnx(Source source, string targetPath)
    {
        var onnxPath = PackageFiles.Locate(source.PackageId, source.PackageVersion, source.ModelFile);
        var onnx = OnnxModelReader.Read(onnxPath);
        using var backbone = new ResNetBackbone();
        ResNetOnnxImport.CopyWeights(onnx, backbone, ResNetOnnxNameMap.Entries);
        backbone.save(targetPath);
    }
}

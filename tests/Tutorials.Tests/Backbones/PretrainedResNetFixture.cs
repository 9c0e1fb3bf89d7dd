using Tutorials.Backbones;
using Tutorials.Pretrained;

namespace Tutorials.Tests.Backbones;

/// <summary>
/// Loads the pretrained backbone, its preprocessing and the ONNX Runtime reference once for all tests that need
/// them. The tests share one collection so they run one after another: on 2 cores, parallel 64 MB models only
/// compete with each other.
/// </summary>
public sealed class PretrainedResNetFixture : IDisposable
{
    public PretrainedResNetFixture()
    {
        Backbone = ImageNetResNet.Load(out var report);
        LoadReport = report;
        Preprocess = ImageNetResNet.LoadPreprocess();
        Console.WriteLine(report);
    }

    public ResNetBackbone Backbone { get; }
    public ResNetLoadReport LoadReport { get; }
    public ResNetPreprocess Preprocess { get; }
    internal OnnxReference Onnx => _onnx ??= new OnnxReference();
    OnnxReference? _onnx;

    public void Dispose()
    {
        Backbone.Dispose();
        Preprocess.Dispose();
        _onnx?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class PretrainedResNetCollection : ICollectionFixture<PretrainedResNetFixture>
{
    public const string Name = "Pretrained ImageNet ResNet";
}

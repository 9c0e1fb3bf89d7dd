using Tutorials.Backbones;
using Tutorials.Pretrained;
using Tutorials.Files;

namespace Tutorials.Tests.Pretrained;

/// <summary>The importer refuses a model that does not fit, and says which tensor is wrong. The ONNX file is read once.</summary>
public class ResNetOnnxImportTests : IClassFixture<ResNetOnnxImportTests.Model>
{
    public sealed class Model
    {
        public OnnxModel Onnx { get; } = OnnxModelReader.Read(
            PackageFiles.Locate(ImageNetResNet.PackageId, ImageNetResNet.PackageVersion, ImageNetResNet.ModelFile));
    }

    readonly OnnxModel onnx;
    public ResNetOnnxImportTests(Model model) => onnx = model.Onnx;

    [Fact]
    public void NameMapCoversAll110InitializersOneToOne()
    {
        var map = ResNetOnnxNameMap.Entries;
        Assert.Equal(110, map.Count);
        Assert.Equal(110, map.Select(e => e.OnnxName).Distinct().Count());
        Assert.Equal(onnx.Initializers.Keys.Order(), map.Select(e => e.OnnxName).Order());
        Assert.Equal(new long[] { 64, 3, 7, 7 }, map.Single(e => e.TorchName == "conv1.weight").Shape);
    }

    [Fact]
    public void MissingInitializerIsNamed()
    {
        var broken = onnx with { Initializers = Without(onnx.Initializers, "Parameter91") };
        var error = Import(broken);
        Assert.Contains("'conv1.weight': ONNX initializer 'Parameter91' is missing", error.Message);
    }

    [Fact]
    public void ExtraInitializerIsNamed()
    {
        var extra = new Dictionary<string, OnnxTensor>(onnx.Initializers) { ["Parameter999"] = new("Parameter999", [3], OnnxTensor.Float, [1f, 2f, 3f], null) };
        var error = Import(onnx with { Initializers = extra });
        Assert.Contains("ONNX initializer 'Parameter999' is not in the name map", error.Message);
    }

    [Fact]
    public void MisShapedInitializerIsNamedWithExpectedAndActualShapes()
    {
        var original = onnx.Initializers["Parameter10"];    // layer4.2.conv2.weight, 512x512x3x3
        var reshaped = new Dictionary<string, OnnxTensor>(onnx.Initializers) { ["Parameter10"] = original with { Dims = [512, 512, 9, 1] } };
        var error = Import(onnx with { Initializers = reshaped });
        Assert.Contains("'layer4.2.conv2.weight': expected shape 512x512x3x3", error.Message);
        Assert.Contains("got 512x512x9x1 in ONNX 'Parameter10'", error.Message);
    }

    [Fact]
    public void ModuleWithAnotherLayoutIsRefused()
    {
        using var torchvisionLayout = new ResNetBackbone(blocksPerStage: [2, 2, 2, 2]);   // torchvision's resnet18
        var error = Assert.Throws<InvalidDataException>(() => ResNetOnnxImport.CopyWeights(onnx, torchvisionLayout, ResNetOnnxNameMap.Entries));
        Assert.Contains("'layer4.2.conv1.weight' (from ONNX 'Parameter14') does not exist in the module", error.Message);
        Assert.Contains("blocks [2, 2, 2, 3]", error.Message);
    }

    InvalidDataException Import(OnnxModel model)
    {
        using var backbone = new ResNetBackbone();
        return Assert.Throws<InvalidDataException>(() => ResNetOnnxImport.CopyWeights(model, backbone, ResNetOnnxNameMap.Entries));
    }

    static Dictionary<string, OnnxTensor> Without(IReadOnlyDictionary<string, OnnxTensor> all, string name) =>
        all.Where(kv => kv.Key != name).ToDictionary(kv => kv.Key, kv => kv.Value);
}

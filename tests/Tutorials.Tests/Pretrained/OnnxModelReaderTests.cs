using Tutorials.Pretrained;
using Tutorials.Files;

namespace Tutorials.Tests.Pretrained;

public class OnnxModelReaderTests
{
    static string ResNetPath => PackageFiles.Locate("Microsoft.ML.DnnImageFeaturizer.ResNet18", "0.23.1",
        "tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx");

    [Fact]
    public void ReadsTheResNetInitializersAndNodes()
    {
        var model = OnnxModelReader.Read(ResNetPath);
        Assert.Equal(110, model.Initializers.Count);                 // 22 conv + 22 BN x 4 tensors
        Assert.Equal(22, model.Nodes.Count(n => n.OpType == "Conv"));
        Assert.Equal(22, model.Nodes.Count(n => n.OpType == "BatchNormalization"));
        long parameters = model.Initializers.Values.Where(t => t.DataType == OnnxTensor.Float).Sum(t => t.ElementCount);
        Assert.InRange(parameters, 15_800_000, 16_000_000);          // 15.9 M, with BN running statistics
        var conv = model.Nodes.First(n => n.OpType == "Conv");
        Assert.Equal(new long[] { 7, 7 }, conv.Ints["kernel_shape"]);
    }

    [Fact]
    public void TruncatedFileGivesAClearError()
    {
        var bytes = File.ReadAllBytes(ResNetPath)[..100_000];
        var e = Assert.Throws<InvalidDataException>(() => OnnxModelReader.Read(bytes, "truncated.onnx"));
        Assert.Contains("truncated.onnx", e.Message);
        Assert.Contains("not a readable ONNX model", e.Message);
    }
}

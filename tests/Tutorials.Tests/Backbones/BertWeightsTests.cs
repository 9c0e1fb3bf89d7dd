using Tutorials.Backbones;
using Tutorials.Pretrained;

namespace Tutorials.Tests.Backbones;

/// <summary>Name and shape checks when importing weights: every problem is named in one error.</summary>
public class BertWeightsTests
{
    [Fact]
    public void MissingExtraAndMisshapenTensorsAreAllNamed()
    {
        using var encoder = new BertEncoder(BertConfig.Tiny);
        var tensors = encoder.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        tensors.Remove("encoder.layer.1.output.LayerNorm.bias");
        tensors["encoder.layer.0.attention.self.query.weight"] = torch.zeros(32, 16);
        tensors["classifier.weight"] = torch.zeros(2, 32);
        tensors["pooler.dense.weight"] = torch.zeros(32, 32);               // tolerated: BertModel's pooler
        tensors["embeddings.position_ids"] = torch.arange(64).unsqueeze(0);  // tolerated: a buffer

        var e = Assert.Throws<InvalidDataException>(() => BertWeights.Apply(encoder, tensors, "test.pt"));
        Assert.Contains("test.pt", e.Message);
        Assert.Contains("1 missing (encoder.layer.1.output.LayerNorm.bias)", e.Message);
        Assert.Contains("1 unexpected (classifier.weight)", e.Message);
        Assert.Contains("encoder.layer.0.attention.self.query.weight: expected [32, 32], got [32, 16]", e.Message);
    }

    [Fact]
    public void AnOnnxWeightThatCannotBeNamedIsReported()
    {
        // A MatMul whose output feeds no Add with a named bias: the importer cannot tell which Linear it is.
        var w = new OnnxTensor("42", [4, 3], OnnxTensor.Float, new float[12], null);
        var bias = new OnnxTensor("encoder.layer.0.output.dense.bias", [3], OnnxTensor.Float, new float[3], null);
        var nodes = new List<OnnxNode>
        {
            new("MatMul_1", "MatMul", ["x", "42"], ["y"], new Dictionary<string, double>(), new Dictionary<string, long[]>()),
            new("Relu_2", "Relu", ["y"], ["z"], new Dictionary<string, double>(), new Dictionary<string, long[]>()),
        };
        var model = new OnnxModel(new Dictionary<string, OnnxTensor> { ["42"] = w, [bias.Name] = bias }, nodes, "test", 13);
        var e = Assert.Throws<InvalidDataException>(() => BertOnnxImport.ToStateDict(model, "broken.onnx"));
        Assert.Contains("broken.onnx", e.Message);
        Assert.Contains("'42' [4, 3]", e.Message);
    }

    [Fact]
    public void OnnxLinearWeightsAreNamedFromTheirBiasAndTransposed()
    {
        // MatMul(x, W[in=2, out=3]) → Add(bias, ·): W becomes "….query.weight" with nn.Linear's [out, in] layout.
        var w = new OnnxTensor("7", [2, 3], OnnxTensor.Float, [1, 2, 3, 4, 5, 6], null);
        var bias = new OnnxTensor("encoder.layer.0.attention.self.query.bias", [3], OnnxTensor.Float, [0, 0, 0], null);
        var none = new Dictionary<string, double>();
        var nodes = new List<OnnxNode>
        {
            new("MatMul_1", "MatMul", ["x", "7"], ["y"], none, new Dictionary<string, long[]>()),
            new("Add_2", "Add", [bias.Name, "y"], ["z"], none, new Dictionary<string, long[]>()),
        };
        var tensors = BertOnnxImport.ToStateDict(new OnnxModel(new Dictionary<string, OnnxTensor> { ["7"] = w, [bias.Name] = bias }, nodes, "t", 13), "t");
        var weight = tensors["encoder.layer.0.attention.self.query.weight"];
        Assert.Equal(new long[] { 3, 2 }, weight.shape);
        Assert.Equal(new float[] { 1, 4, 2, 5, 3, 6 }, weight.data<float>().ToArray());
    }
}

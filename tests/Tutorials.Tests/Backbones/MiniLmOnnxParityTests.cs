using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tutorials.Backbones;
using Tutorials.Pretrained;
using Xunit.Abstractions;

namespace Tutorials.Tests.Backbones;

/// <summary>
/// The imported encoder must compute what the original ONNX model computes. ONNX Runtime runs the very file
/// the weights came from, so it is an independent reference for the whole forward pass.
/// </summary>
[Collection("MiniLM")]
public class MiniLmOnnxParityTests(MiniLmFixture fixture, ITestOutputHelper output)
{
    static readonly string[] Sentences =
    [
        "A man is playing a guitar.",
        "The quick brown fox jumps over the lazy dog, while the café's naïve owner watches.",
        "hello world",
        "Tokenization splits unfamiliar words like xyzzyplugh into pieces.",
        "Short.",
    ];

    [Fact]
    public void LastHiddenStateMatchesOnnxRuntimeOnAPaddedBatch()
    {
        using var scope = torch.NewDisposeScope();
        var model = fixture.Model;
        Assert.False(model.Encoder.training, "the loaded encoder must be in eval mode (dropout off)");
        using var batch = model.Tokenizer.EncodeBatch(Sentences);
        Assert.Contains(0L, batch.AttentionMask.data<long>().ToArray());            // the batch really has padding
        torch.Tensor ours;
        using (torch.no_grad()) ours = model.Encoder.call(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds);

        using var session = new InferenceSession(MiniLmPackage.ReadModelBytes());
        Assert.Contains("last_hidden_state", session.OutputMetadata.Keys);
        int[] dims = [(int)batch.BatchSize, (int)batch.Length];
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(batch.InputIds.data<long>().ToArray(), dims)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(batch.AttentionMask.data<long>().ToArray(), dims)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(batch.TokenTypeIds.data<long>().ToArray(), dims)),
        };
        using var results = session.Run(inputs, ["last_hidden_state"]);
        var reference = results.Single().AsTensor<float>();
        Assert.Equal(new[] { dims[0], dims[1], 384 }, reference.Dimensions.ToArray());
        var expected = torch.tensor(reference.ToArray(), ours.shape);

        // Compare real tokens only: what a model outputs at padded positions is never used (pooling masks it).
        var real = batch.AttentionMask.unsqueeze(-1).to(ScalarType.Bool);
        double maxDiff = (ours - expected).abs().masked_select(real).max().item<float>();
        double maxAll = (ours - expected).abs().max().item<float>();
        output.WriteLine($"batch {dims[0]}x{dims[1]}: max |diff| real tokens {maxDiff:E2}, all positions {maxAll:E2}");
        Assert.True(maxDiff <= 1e-4, $"last_hidden_state differs from ONNX Runtime by up to {maxDiff:E2} (tolerance 1e-4).");

        // The sentence embeddings built on it agree as well.
        var ourEmbedding = SentenceEmbedder.MeanPool(ours, batch.AttentionMask);
        var refEmbedding = SentenceEmbedder.MeanPool(expected, batch.AttentionMask);
        Assert.True((ourEmbedding - refEmbedding).abs().max().item<float>() <= 1e-4);
    }

    [Fact]
    public void GraphUsesExactGeluAndItsLinearWeightsAreAllNamed()
    {
        var model = OnnxModelReader.Read(MiniLmPackage.ReadModelBytes(), "minilm");
        // Exact GELU is x·½(1+erf(x/√2)): one Erf per layer. The tanh approximation would show Tanh nodes instead.
        Assert.Equal(6, model.Nodes.Count(n => n.OpType == "Erf"));
        // The only Tanh is the pooler's (Gemm → Tanh), which sentence embeddings do not use.
        var tanh = Assert.Single(model.Nodes, n => n.OpType == "Tanh");
        Assert.Equal("Gemm", model.Nodes.Single(n => n.Outputs.Contains(tanh.Inputs[0])).OpType);
        var tensors = BertOnnxImport.ToStateDict(model, "minilm");
        try
        {
            Assert.Equal(101 + 2, tensors.Count);                                    // encoder parameters + pooler
            Assert.Equal(new long[] { 1536, 384 }, tensors["encoder.layer.3.intermediate.dense.weight"].shape);
            Assert.Equal(new long[] { 384, 1536 }, tensors["encoder.layer.3.output.dense.weight"].shape);
        }
        finally { foreach (var t in tensors.Values) t.Dispose(); }
    }
}

using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Pretrained;

/// <summary>
/// Turns the initializers of a Hugging Face BERT exported to ONNX into a PyTorch-named state dict.
/// The export keeps the names of embeddings, LayerNorms and biases, but each nn.Linear weight became an
/// anonymous initializer (e.g. "927"), pre-transposed to [in, out] for a MatMul. Its name is recovered from the
/// graph: MatMul(x, W) feeds an Add whose other input is the bias "….query.bias", so W is "….query.weight".
/// </summary>
public static class BertOnnxImport
{
    /// <summary>State dict (CPU float32 tensors) of every float initializer; throws if one cannot be named.</summary>
    public static Dictionary<string, Tensor> ToStateDict(OnnxModel model, string source)
    {
        var floats = model.Initializers.Values.Where(t => t.DataType == OnnxTensor.Float).ToDictionary(t => t.Name);
        var result = new Dictionary<string, Tensor>();
        // Small int64 initializers (reshape sizes, position ids) are graph plumbing, not weights.
        foreach (var t in floats.Values.Where(t => IsPyTorchName(t.Name)))
            result[t.Name] = torch.tensor(t.Floats!, t.Dims);

        var consumers = model.Nodes.SelectMany(n => n.Inputs.Select(i => (input: i, node: n)))
            .ToLookup(x => x.input, x => x.node);
        var unnamed = floats.Values.Where(t => !IsPyTorchName(t.Name)).ToList();
        var problems = new List<string>();
        foreach (var w in unnamed)
        {
            var matMul = consumers[w.Name].FirstOrDefault(n => n.OpType == "MatMul" && n.Inputs.Length == 2 && n.Inputs[1] == w.Name);
            var add = matMul is null ? null : consumers[matMul.Outputs[0]].FirstOrDefault(n => n.OpType == "Add");
            var bias = add?.Inputs.FirstOrDefault(i => i != matMul!.Outputs[0]);
            if (bias is null || !bias.EndsWith(".bias", StringComparison.Ordinal) || !floats.TryGetValue(bias, out var b))
            {
                problems.Add($"'{w.Name}' [{string.Join(", ", w.Dims)}] (no MatMul → Add with a named bias)");
                continue;
            }
            if (w.Dims.Length != 2 || w.Dims[1] != b.Dims[0])
            {
                problems.Add($"'{w.Name}': expected [in, {b.Dims[0]}] to match {bias}, got [{string.Join(", ", w.Dims)}]");
                continue;
            }
            var name = bias[..^".bias".Length] + ".weight";
            // [in, out] → nn.Linear's [out, in]; contiguous so the copy owns a plain row-major layout.
            using var inOut = torch.tensor(w.Floats!, w.Dims);
            result[name] = inOut.t().contiguous();
        }
        if (problems.Count > 0)
        {
            foreach (var t in result.Values) t.Dispose();
            throw new InvalidDataException(
                $"{source}: {problems.Count} weight(s) could not be named from the graph: {string.Join("; ", problems.Take(8))}. " +
                "This importer expects a Hugging Face BERT exported to ONNX (MatMul + Add per Linear layer).");
        }
        return result;
    }

    // PyTorch names have dots ("encoder.layer.0…"); the export's anonymous tensors are bare numbers ("927").
    static bool IsPyTorchName(string name) => name.Contains('.');
}

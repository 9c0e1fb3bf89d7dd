using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Backbones;

/// <summary>
/// Copies named tensors (a state dict) into a <see cref="BertEncoder"/>, checking first that the names and
/// shapes match exactly. Every source goes through here: the MiniLM ONNX import, PyTorch .pt files and
/// safetensors files. A mismatch is reported all at once, by name, instead of failing on the first tensor.
/// </summary>
public static class BertWeights
{
    /// <summary>
    /// Names found in Hugging Face BertModel checkpoints that this encoder deliberately has no parameter for:
    /// <c>embeddings.position_ids</c> (a buffer holding 0..n-1; we compute it) and <c>pooler.*</c> (the [CLS]
    /// pooler of next-sentence prediction; sentence embeddings use mean pooling instead).
    /// </summary>
    public static bool IsIgnored(string name) => name == "embeddings.position_ids" || name.StartsWith("pooler.", StringComparison.Ordinal);

    /// <summary>Loads <paramref name="tensors"/> into <paramref name="encoder"/>; <paramref name="source"/> names them in errors.</summary>
    public static void Apply(BertEncoder encoder, IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        var parameters = encoder.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var missing = parameters.Keys.Where(n => !tensors.ContainsKey(n)).ToList();
        var extra = tensors.Keys.Where(n => !parameters.ContainsKey(n) && !IsIgnored(n)).ToList();
        var badShape = tensors.Where(kv => parameters.TryGetValue(kv.Key, out var p) && !p.shape.SequenceEqual(kv.Value.shape))
            .Select(kv => $"{kv.Key}: expected [{string.Join(", ", parameters[kv.Key].shape)}], got [{string.Join(", ", kv.Value.shape)}]")
            .ToList();
        if (missing.Count + extra.Count + badShape.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add($"{missing.Count} missing ({List(missing)})");
            if (extra.Count > 0) parts.Add($"{extra.Count} unexpected ({List(extra)})");
            if (badShape.Count > 0) parts.Add($"{badShape.Count} with the wrong shape ({List(badShape)})");
            throw new InvalidDataException(
                $"{source} does not fit a BertEncoder with {encoder.Config}: {string.Join("; ", parts)}. " +
                "Check that the file is a BERT encoder state dict with Hugging Face names (strip a prefix such as 'bert.') " +
                "and that the BertConfig sizes match the checkpoint's config.json.");
        }
        // Copy in place: the module keeps its own Parameter objects (an optimizer may already hold them).
        using var _ = torch.no_grad();
        foreach (var (name, p) in parameters)
            p.copy_(tensors[name].to(p.dtype, p.device));
    }

    static string List(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(8)) + (names.Count > 8 ? $", … {names.Count - 8} more" : "");
}

using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Tutorials.Backbones;

/// <summary>
/// Reads PyTorch-side BERT weights: a <c>torch.save(model.state_dict())</c> file (.pt / .bin) or a safetensors
/// file, both with Hugging Face names, through TorchSharp.PyBridge. The names are checked by
/// <see cref="BertWeights.Apply"/>, which tolerates <c>embeddings.position_ids</c> and <c>pooler.*</c>.
/// </summary>
public static class BertCheckpoint
{
    /// <summary>All tensors of a .pt/.bin (pickled state dict) or .safetensors file, by name, on the CPU.</summary>
    public static Dictionary<string, Tensor> ReadStateDict(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint not found at {path}.", path);
        if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            return Safetensors.LoadStateDict(path);
        var table = PyTorchUnpickler.UnpickleStateDict(path);
        var result = new Dictionary<string, Tensor>();
        foreach (var key in table.Keys)
        {
            if (key is not string name || table[key] is not Tensor tensor)
                throw new InvalidDataException(
                    $"{path} is not a flat state dict: entry '{key}' holds {table[key]?.GetType().Name ?? "null"}, expected a tensor. " +
                    "Save model.state_dict() itself (not a training checkpoint that wraps it) with torch.save.");
            result[name] = tensor;
        }
        return result;
    }

    /// <summary>Loads a PyTorch state dict or safetensors file into <paramref name="encoder"/>; returns it.</summary>
    public static BertEncoder Load(BertEncoder encoder, string path)
    {
        var tensors = ReadStateDict(path);
        try { BertWeights.Apply(encoder, tensors, path); }
        finally { foreach (var t in tensors.Values) t.Dispose(); }
        return encoder;
    }
}
